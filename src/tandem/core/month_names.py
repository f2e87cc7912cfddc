"""The names of the months, as Django's date formatting asks for them (``django.utils.dates``).

Django ships no catalogue for Montenegrin (cnr), so a date in Montenegrin would name its month
in English. Marking the same words here puts them in Tandem's catalogue, where every language
has them translated, and Django's date formatting then finds them in Montenegrin too.

Tandem's catalogue comes before Django's, so it also corrects Django's words: Albanian and
Macedonian write the months in lower case ("3 dhjetor 2026", "3 декември 2026"), where
Django's catalogues capitalise them. No format of these two languages asks for Django's
alternative (genitive) names, the ``E`` of a date format, which Tandem's catalogue does not have.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
