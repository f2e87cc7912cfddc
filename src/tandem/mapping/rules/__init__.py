"""Pure rules of the mapping: no database, no request, no rendering. What an answer's workflow
allows (``workflow``), what the registry accepts (``registry``), the questionnaire as data
(``questionnaire``), standards and indicators as data (``standards``, ``indicators``), how
figures are counted (``figures``, ``tally``), coverage (``coverage``), the checks of an
imported file (``import_checks``) and the findings of the report (``report``)."""
