"""A man's fieldset on the attendance page, drawn in Python.

A session of twelve men is sixty radio buttons, twenty-four text areas and twelve check boxes;
drawn by Django's widget templates, or even by template tags per field, the page took several
times as long as a bare page. Every value here is escaped; the markup is the same the
template would draw, with the same ids, labels and error links.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tandem.groups.models import Membership


@dataclass(frozen=True)
class Row:
    """One man's fields as plain values and their errors."""

    member: Membership
    prefix: str
    code: str
    note: str
    concern: bool
    concern_note: str
    code_errors: list[str]
    note_errors: list[str]
    concern_note_errors: list[str]

    @property
    def has_errors(self) -> bool:
        return bool(self.code_errors or self.note_errors or self.concern_note_errors)


@dataclass(frozen=True)
class Labels:
    """The page's words, translated once per page rather than once per man."""

    attendance: str
    details: str
    participation: str
    concern: str
    concern_help: str
    concern_note: str

    @classmethod
    def current(cls) -> Labels:
        return cls(
            attendance=escape(_("Attendance")),
            details=escape(_("Participation and concerns")),
            participation=escape(_("Participation")),
            concern=escape(_("Concern for the partner's safety")),
            concern_help=escape(_("Tells the coordinators at once: the risk is looked at again within 24 hours.")),
            concern_note=escape(_("What gives concern")),
        )


def _errors(field_id: str, errors: list[str]) -> str:
    return "".join(f'<p class="error" id="{field_id}-error">{escape(error)}</p>' for error in errors)


def _invalid(field_id: str, errors: list[str]) -> str:
    return f' aria-invalid="true" aria-describedby="{field_id}-error"' if errors else ""


def _textarea(row: Row, name: str, label: str, *, value: str, errors: list[str], max_text: int) -> str:
    field_id = f"id_{row.prefix}_{name}"
    return (
        f'<div class="field{" field-error" if errors else ""}">'
        f'<label for="{field_id}">{label}</label>{_errors(field_id, errors)}'
        f'<textarea name="{row.prefix}_{name}" id="{field_id}" rows="2" maxlength="{max_text}"'
        f"{_invalid(field_id, errors)}>\n{escape(value)}</textarea></div>"
    )


def draw(row: Row, codes: list[tuple[str, str]], labels: Labels, max_text: int) -> SafeString:
    """One man's fieldset: his attendance code, and under a disclosure his participation note,
    the concern flag and what gives concern (open when any holds a value or an error)."""
    code_id = f"id_{row.prefix}_code"
    radios = "".join(
        f'<label class="choice"><input type="radio" name="{row.prefix}_code" value="{escape(value)}"'
        f"{' checked' if value == row.code else ''}> {escape(label)}</label>"
        for value, label in codes
    )
    described = f' aria-describedby="{code_id}-error"' if row.code_errors else ""
    is_open = row.note or row.concern or row.note_errors or row.concern_note_errors
    concern_id = f"id_{row.prefix}_concern"
    note = _textarea(row, "note", labels.participation, value=row.note, errors=row.note_errors, max_text=max_text)
    concern_note = _textarea(
        row,
        "concern_note",
        labels.concern_note,
        value=row.concern_note,
        errors=row.concern_note_errors,
        max_text=max_text,
    )
    html = (
        f'<fieldset class="man{" field-error" if row.has_errors else ""}">'
        f"<legend>#{row.member.case_id} {escape(row.member.case.participant.name)}</legend>"
        f"{_errors(code_id, row.code_errors)}"
        f'<div class="choices" role="radiogroup" id="{code_id}" aria-label="{labels.attendance}"{described}>'
        f"{radios}</div>"
        f"<details{' open' if is_open else ''}><summary>{labels.details}</summary>"
        f"{note}"
        f'<div class="field field-check"><input type="checkbox" name="{row.prefix}_concern" id="{concern_id}"'
        f'{" checked" if row.concern else ""}> <label for="{concern_id}">{labels.concern}</label>'
        f'<p class="help">{labels.concern_help}</p></div>'
        f"{concern_note}"
        f"</details></fieldset>"
    )
    return mark_safe(html)  # noqa: S308 - every value from a user or a record is escaped above
