"""An outcome questionnaire as an XLSForm, for asking it in the field with KoboToolbox or ODK.

The form holds no personal data: it is the questionnaire of one respondent (the man, or his
partner) in every language it is written in, and the few fields staff fill in around it:

* ``instrument``: calculated, never shown: the questionnaire's key and version
  (``tandem-outcomes-man-1``), so that the import knows what the answers were given to and
  refuses answers given to another version;
* ``point``: the number of the time point, as printed beside it on the case page (his) or on
  her outcomes page (hers): nothing that names a person goes into the field;
* ``answered_on``: the day the questions were answered;
* ``language``: the language the questions were asked in, kept with the answers;
* ``channel`` (hers only): how she was reached, which her consent must allow.

Each question is a ``select_one`` of its scale's options and "Not answered" (``na``): nobody must
answer what they do not want to, and the interviewer records that instead of leaving a gap. The
questions are grouped by sub-scale, so KoboToolbox and ODK export them under group-prefixed
column names (``physical/m_phys_1``), which the import reads back (``field_import``).

The form's ``version`` is the questionnaire's version and the sum of its translation versions:
a changed wording in any language makes a new form version, as KoboToolbox requires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _, pgettext
from openpyxl import Workbook

from tandem.core.catalogues import text_in
from tandem.core.xlsforms import (
    DEFAULT_LANGUAGE,
    build_workbook,
    in_language,
    language_column,
    languages_of,
    workbook_bytes,
)
from tandem.outcomes.rules.instruments import PARTNER, Instrument, Scale, current_instrument
from tandem.survivors.models import Channel

INSTRUMENT = "instrument"
POINT = "point"
ANSWERED_ON = "answered_on"
LANGUAGE = "language"
CHANNEL = "channel"
RECALL = "recall"
NOT_ANSWERED = "na"
LANGUAGES_LIST = "languages"
CHANNELS_LIST = "channels"

SurveyRow = dict[str, str]


def form_id(instrument: Instrument) -> str:
    return instrument.name


def form_version(instrument: Instrument) -> str:
    return f"{instrument.version}.{sum(instrument.languages.values())}"


def filename(instrument: Instrument) -> str:
    return f"{instrument.name}-xlsform.xlsx"


def fields_of(instrument: Instrument) -> list[str]:
    """The names of the fields whose answers the form's exports carry, in the form's order."""
    fixed = [INSTRUMENT, POINT, ANSWERED_ON, LANGUAGE]
    if instrument.respondent == PARTNER:
        fixed.append(CHANNEL)
    return [*fixed, *(item.key for item in instrument.items)]


def quiet_fields(instrument: Instrument) -> set[str]:
    """Names in the form that carry no answer (a note, the groups): a column of one is ignored."""
    return {RECALL, *(subscale.key for subscale in instrument.subscales)}


def _each(languages: list[str], kind: str, text: Callable[[str], str]) -> SurveyRow:
    return {f"{kind}:{lang}": text(lang) for lang in languages}


def _ours(languages: list[str], kind: str, message: Callable[[], str]) -> SurveyRow:
    """A text of Tandem's own catalogues, in every language of the form."""
    return _each(languages, kind, lambda lang: in_language(lang, message))


def _required(languages: list[str], message: Callable[[], str]) -> SurveyRow:
    return {"required": "yes", **_ours(languages, "required_message", message)}


def _staff_fields(instrument: Instrument, languages: list[str]) -> list[SurveyRow]:
    rows: list[SurveyRow] = [
        {"type": "calculate", "name": INSTRUMENT, "calculation": f"'{instrument.name}'"},
        {
            "type": "integer",
            "name": POINT,
            **_ours(languages, "label", lambda: _("Number of the time point")),
            **_ours(
                languages,
                "hint",
                lambda: _("The number printed beside the time point on the list of questionnaires due."),
            ),
            **_required(languages, lambda: _("Enter the number of the time point.")),
            "constraint": ". > 0",
        },
        {
            "type": "date",
            "name": ANSWERED_ON,
            **_ours(languages, "label", lambda: _("Day the questions were answered")),
            **_required(languages, lambda: _("Enter the day the questions were answered.")),
            "constraint": ". <= today()",
            **_ours(languages, "constraint_message", lambda: _("The day cannot be in the future.")),
        },
        {
            "type": f"select_one {LANGUAGES_LIST}",
            "name": LANGUAGE,
            **_ours(languages, "label", lambda: _("Language the questions were asked in")),
            **_required(languages, lambda: _("Choose the language the questions were asked in.")),
        },
    ]
    if instrument.respondent == PARTNER:
        rows.append(
            {
                "type": f"select_one {CHANNELS_LIST}",
                "name": CHANNEL,
                **_ours(languages, "label", lambda: _("How she was reached")),
                **_required(languages, lambda: _("Choose how she was reached.")),
            }
        )
    return rows


def _survey_rows(instrument: Instrument, languages: list[str]) -> list[SurveyRow]:
    rows = _staff_fields(instrument, languages)
    rows.append(
        {"type": "note", "name": RECALL, **_each(languages, "label", lambda lang: text_in(instrument.recall, lang))}
    )
    for subscale in instrument.subscales:
        rows.append({"type": "begin_group", "name": subscale.key, **_each(languages, "label", subscale.text)})
        for item in subscale.items:
            rows.append(
                {
                    "type": f"select_one {item.scale.name}",
                    "name": item.key,
                    **_each(languages, "label", item.wording),
                    # A gap is not an answer: the interviewer chooses "Not answered" instead.
                    **_required(languages, lambda: _("Choose an answer, or “Not answered”.")),
                }
            )
        rows.append({"type": "end_group"})
    return rows


def _not_answered() -> str:
    return pgettext("questionnaire answer", "Not answered")


def _scale_choices(scale: Scale, languages: list[str]) -> list[SurveyRow]:
    rows = [
        {"list_name": scale.name, "name": str(option.value), **_each(languages, "label", option.text)}
        for option in scale.options
    ]
    rows.append({"list_name": scale.name, "name": NOT_ANSWERED, **_ours(languages, "label", _not_answered)})
    return rows


def _named(choices: Any) -> dict[str, Any]:
    # The site's names of languages are keyed the Django way ("sr-latn"); questionnaires "sr_Latn".
    return {code.replace("-latn", "_Latn"): name for code, name in choices}


def _as_text(text: Any) -> Callable[[], str]:
    """A lazily translated text, to be written in the language active when it is called."""
    return lambda: str(text)


def _choice_rows(instrument: Instrument, languages: list[str]) -> list[SurveyRow]:
    rows: list[SurveyRow] = []
    used: list[Scale] = []
    for item in instrument.items:
        if all(scale.name != item.scale.name for scale in used):
            used.append(item.scale)
    for scale in used:
        rows.extend(_scale_choices(scale, languages))
    names = _named(settings.LANGUAGES)
    for code in instrument.languages:
        name = names.get(code)
        rows.append(
            {
                "list_name": LANGUAGES_LIST,
                "name": code,
                **(
                    _ours(languages, "label", _as_text(name))
                    if name is not None
                    else dict.fromkeys((f"label:{lang}" for lang in languages), language_column(code))
                ),
            }
        )
    if instrument.respondent == PARTNER:
        for value, label in Channel.choices:
            rows.append({"list_name": CHANNELS_LIST, "name": value, **_ours(languages, "label", _as_text(label))})
    return rows


def build_xlsform(respondent: str) -> Workbook:
    """The XLSForm workbook (``survey``, ``choices``, ``settings``) of the current questionnaire
    for ``respondent`` (``man`` or ``partner``)."""
    instrument = current_instrument(respondent)
    languages = languages_of(list(instrument.languages))
    return build_workbook(
        languages=languages,
        survey=(["type", "name", "required", "constraint", "calculation"], _survey_rows(instrument, languages)),
        choices=(["list_name", "name"], _choice_rows(instrument, languages)),
        settings={
            "form_title": instrument.text(DEFAULT_LANGUAGE),
            "form_id": form_id(instrument),
            "version": form_version(instrument),
            "default_language": language_column(DEFAULT_LANGUAGE),
        },
    )


def xlsform_bytes(respondent: str) -> bytes:
    return workbook_bytes(build_xlsform(respondent))
