"""Reads of a case's records: its intake assessment, children, notes and documents.

``access_*`` fetch one record for a person or answer 404 (recording the refused attempt), and
only within the case named in the address, so that a record of one case is never reached
through another's. The lists are for a reader already let into the case, and are still
filtered by the policy; each is one query however many rows the case has.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.cases.models import Case, CaseDocument, CaseNote, Child, Intake
from tandem.core.audit import AuditContext
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.core.scoping import access


def may_read_records(user: Any, case: Case) -> bool:
    """Whether the reader's role lets her see the records of this case."""
    return case.organisation_id in organisations_granting(user, Compartment.PROGRAMME, Action.VIEW)


def may_change_records(user: Any, case: Case) -> bool:
    """Whether the reader's role lets her add to the records of this case."""
    return case.organisation_id in organisations_granting(user, Compartment.PROGRAMME, Action.CHANGE)


def get_intake(case: Case) -> Intake | None:
    """The case's intake assessment, for the actions (no check: they make their own)."""
    return Intake._base_manager.filter(case_id=case.pk).first()


def intake_of(user: Any, case: Case) -> Intake | None:
    return Intake.objects.visible_to(user).filter(case_id=case.pk).select_related("recorded_by").first()


def children_of(user: Any, case: Case) -> QuerySet[Child]:
    return Child.objects.visible_to(user).filter(case_id=case.pk).select_related("recorded_by").order_by("-age", "pk")


def notes_of(user: Any, case: Case) -> QuerySet[CaseNote]:
    """The case's notes, newest first."""
    return (
        CaseNote.objects.visible_to(user)
        .filter(case_id=case.pk)
        .select_related("written_by")
        .order_by("-written_at", "-pk")
    )


def documents_of(user: Any, case: Case) -> QuerySet[CaseDocument]:
    """The case's documents, newest first (their content stays on disk)."""
    return (
        CaseDocument.objects.visible_to(user)
        .filter(case_id=case.pk)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def access_child(
    user: Any, case: Case, child_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> Child:
    return access(
        Child,
        user,
        child_id,
        action=action,
        context=context,
        queryset=Child._base_manager.filter(case_id=case.pk).select_related("case"),
    )


def access_document(user: Any, case_id: Any, document_id: Any, *, context: AuditContext | None = None) -> CaseDocument:
    """A document of the case named in the address, for someone who may read the case's
    records; 404 (and the attempt on the record) for anyone else."""
    return access(
        CaseDocument,
        user,
        document_id,
        context=context,
        queryset=CaseDocument._base_manager.filter(case_id=case_id).select_related("case"),
    )
