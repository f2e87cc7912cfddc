"""A round's questionnaire as an XLSForm, for collecting answers with KoboToolbox or ODK.

The form has one group per section, named as the section, so that Kobo and ODK export the
answers under group-prefixed column names (``availability/places_per_year``) that the importer
reads back. Every language of the questionnaire gets its own ``label::Language (code)`` and
``hint::…`` column; a text not yet translated falls back to English, as on Tandem's own pages.
The programmes and regions of the round's countries are written out as choice lists.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
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
from tandem.mapping.models import SurveyRound
from tandem.mapping.queries.registry import choice_rows_of_round
from tandem.mapping.rules.questionnaire import Choice, Definition, Question, definition_of


class XLSFormError(Exception):
    """The form cannot be written for this round (e.g. its countries have no programmes)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def form_id(survey_round: SurveyRound) -> str:
    return f"tandem_mapping_round_{survey_round.pk}"


def _range_message(question: Question) -> str:
    return _("Enter a whole number from %(min)s to %(max)s.") % {"min": question.min, "max": question.max}


def _required_message() -> str:
    return _("An answer is required.")


def _dynamic_choices(survey_round: SurveyRound, languages: list[str]) -> dict[str, list[dict[str, str]]]:
    """The programmes and regions of the round's countries, as choice rows (name and labels)."""
    programmes, regions = choice_rows_of_round(survey_round)
    return {
        # The form goes to every respondent: a programme that is not to be published appears by
        # its reference only.
        "programmes": [
            {"name": code, **dict.fromkeys(languages, f"{name} ({code})" if publish else code)}
            for code, name, publish in programmes
        ],
        "regions": [
            {"name": code, **{lang: (name_en or name) if lang == DEFAULT_LANGUAGE else name for lang in languages}}
            for code, name, name_en in regions
        ],
    }


def _constraint(definition: Definition, question: Question, languages: list[str]) -> tuple[str, dict[str, str]]:
    """The XPath constraint of an integer question (its limits, and any cross-field check in
    which it is the left side) and the message for it in every language."""
    parts: list[str] = []
    messages: dict[str, list[str]] = {lang: [] for lang in languages}
    if question.type == "integer" and question.min is not None and question.max is not None:
        parts.append(f". >= {question.min} and . <= {question.max}")
        for lang in languages:
            messages[lang].append(in_language(lang, lambda: _range_message(question)))
    for check in definition.checks:
        if check.subject == question.name and check.op == "lte":
            # The check stands on its first question; an unanswered operand does not make the
            # answer wrong, as in Tandem itself.
            others = [*check.left_names[1:], check.right]
            unanswered = " or ".join(f"${{{name}}} = ''" for name in others)
            total = " + ".join([".", *(f"${{{name}}}" for name in check.left_names[1:])])
            parts.append(f"({unanswered} or {total} <= ${{{check.right}}})")
            for lang in languages:
                messages[lang].append(text_in(check.message, lang))
    return " and ".join(parts), {lang: " ".join(texts) for lang, texts in messages.items()}


def _survey_rows(definition: Definition, languages: list[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for section in definition.sections:
        rows.append(
            {"type": "begin_group", "name": section.name, **{f"label:{lang}": section.text(lang) for lang in languages}}
        )
        for question in section.questions:
            row: dict[str, str] = {
                "type": f"{question.type} {question.choices}" if question.is_select else question.type,
                "name": question.name,
            }
            for lang in languages:
                row[f"label:{lang}"] = question.text(lang)
                if question.hint:
                    row[f"hint:{lang}"] = question.hint_text(lang)
            if question.required:
                row["required"] = "yes"
                for lang in languages:
                    row[f"required_message:{lang}"] = in_language(lang, _required_message)
            if question.choices in definition.dynamic_lists:
                # Long lists read better as a drop-down with search than as buttons.
                row["appearance"] = "minimal"
            constraint, messages = _constraint(definition, question, languages)
            if constraint:
                row["constraint"] = constraint
                for lang in languages:
                    row[f"constraint_message:{lang}"] = messages[lang]
            rows.append(row)
        rows.append({"type": "end_group"})
    return rows


def _choice_rows(
    definition: Definition, languages: list[str], dynamic: dict[str, list[dict[str, str]]]
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    used = {question.choices for question in definition.questions if question.is_select}
    for list_name, choices in definition.choice_lists.items():
        if list_name not in used:
            continue
        rows.extend(_static_choice(list_name, choice, languages) for choice in choices)
    for list_name in sorted(definition.dynamic_lists & used):
        for item in dynamic.get(list_name, []):
            rows.append(
                {"list_name": list_name, "name": item["name"], **{f"label:{lang}": item[lang] for lang in languages}}
            )
    return rows


def _static_choice(list_name: str, choice: Choice, languages: list[str]) -> dict[str, str]:
    return {"list_name": list_name, "name": choice.name, **{f"label:{lang}": choice.text(lang) for lang in languages}}


def build_xlsform(survey_round: SurveyRound, *, now: datetime | None = None) -> Workbook:
    """The XLSForm workbook (``survey``, ``choices`` and ``settings`` sheets) of a round."""
    definition = definition_of(survey_round.questionnaire.definition)
    languages = languages_of(definition.languages)
    dynamic = _dynamic_choices(survey_round, languages)
    empty = sorted(name for name in definition.dynamic_lists if not dynamic.get(name))
    if "programmes" in empty:
        raise XLSFormError(
            _("The countries of this round have no programmes in the registry yet; add them before writing the form.")
        )
    if empty:
        raise XLSFormError(_("The countries of this round have no regions."))
    stamp = timezone.localtime(now or timezone.now())
    return build_workbook(
        languages=languages,
        survey=(["type", "name", "required", "appearance", "constraint"], _survey_rows(definition, languages)),
        choices=(["list_name", "name"], _choice_rows(definition, languages, dynamic)),
        settings={
            "form_title": f"{definition.title_text(DEFAULT_LANGUAGE)}: {survey_round.name}",
            "form_id": form_id(survey_round),
            "version": stamp.strftime("%Y%m%d%H%M"),
            "default_language": language_column(DEFAULT_LANGUAGE),
        },
    )


def xlsform_bytes(survey_round: SurveyRound, *, now: datetime | None = None) -> bytes:
    return workbook_bytes(build_xlsform(survey_round, now=now))
