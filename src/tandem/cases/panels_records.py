"""The case page's panels for the case's records (its intake assessment, children, notes and
documents) and their rows in its timeline. Each is shown only to a reader whose role may see
the case's records, and each costs one query however many rows the case has."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.cases.forms.records import NoteForm
from tandem.cases.models import Case, NoteCategory
from tandem.cases.panels import Entry, Panel, register_panel, register_timeline, shared_read
from tandem.cases.queries import records as queries
from tandem.core.models import User

# The newest notes shown in their panel; every note is in the timeline.
NOTES_SHOWN = 10


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _intake(user: User, case: Case) -> Any:
    return shared_read(user, case, "intake", lambda: queries.intake_of(user, case))


def _notes(user: User, case: Case) -> list[Any]:
    return shared_read(user, case, "notes", lambda: list(queries.notes_of(user, case)))


def _documents(user: User, case: Case) -> list[Any]:
    return shared_read(user, case, "documents", lambda: list(queries.documents_of(user, case)))


def intake_panel(user: User, case: Case) -> dict[str, Any] | None:
    if not queries.may_read_records(user, case):
        return None
    return {"intake": _intake(user, case), "can_change": queries.may_change_records(user, case)}


def children_panel(user: User, case: Case) -> dict[str, Any] | None:
    if not queries.may_read_records(user, case):
        return None
    return {"children": list(queries.children_of(user, case)), "can_change": queries.may_change_records(user, case)}


def notes_panel(user: User, case: Case) -> dict[str, Any] | None:
    if not queries.may_read_records(user, case):
        return None
    notes = _notes(user, case)[: NOTES_SHOWN + 1]
    can_change = queries.may_change_records(user, case)
    return {
        "notes": notes[:NOTES_SHOWN],
        "more": len(notes) > NOTES_SHOWN,
        "can_change": can_change,
        "form": NoteForm() if can_change else None,
    }


def documents_panel(user: User, case: Case) -> dict[str, Any] | None:
    if not queries.may_read_records(user, case):
        return None
    return {"documents": _documents(user, case), "can_change": queries.may_change_records(user, case)}


register_panel(Panel("intake", "cases/intake_panel.html", intake_panel, order=20))
register_panel(Panel("children", "cases/children_panel.html", children_panel, order=30))
register_panel(Panel("notes", "cases/notes_panel.html", notes_panel, order=40))
register_panel(Panel("documents", "cases/documents_panel.html", documents_panel, order=50))


@register_timeline("intake")
def intake_timeline(reader: User, case: Case) -> Iterable[Entry]:
    if not queries.may_read_records(reader, case):
        return
    intake = _intake(reader, case)
    if intake is not None:
        yield Entry(
            intake.recorded_at,
            "assessment",
            _("Intake assessment"),
            _("The intake and suitability assessment was recorded."),
            by=_name(intake.recorded_by),
            link=reverse("cases:intake", kwargs={"case_id": case.pk}),
        )


@register_timeline("notes")
def notes_timeline(reader: User, case: Case) -> Iterable[Entry]:
    if not queries.may_read_records(reader, case):
        return
    for note in _notes(reader, case):
        yield Entry(
            note.written_at,
            "note",
            _("Note"),
            str(NoteCategory(note.category).label),
            text=note.text,
            by=_name(note.written_by),
        )


@register_timeline("documents")
def documents_timeline(reader: User, case: Case) -> Iterable[Entry]:
    if not queries.may_read_records(reader, case):
        return
    for document in _documents(reader, case):
        yield Entry(
            document.uploaded_at,
            "document",
            _("Document"),
            document.title,
            text=document.filename,
            by=_name(document.uploaded_by),
            link=reverse("cases:document", kwargs={"case_id": case.pk, "document_id": document.pk}),
        )
