"""The one read that reports are built from: the perpetrator-facing view of a case.

It reads the programme compartment only (the case, the man, his referral and the case's steps)
and the events of his absences; nothing of the survivor side is imported here or by anything
this module imports. Callers have already let the reader into the case (or are the worker,
acting on the case's own event).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from tandem.cases.models import Case, CaseStep
from tandem.cases.reporting.rules import ABSENCE_WITHDRAWN, UNACCEPTABLE_ABSENCE
from tandem.cases.reporting.view import REASONS_SHOWN, PerpetratorView, StepFact
from tandem.core import clock
from tandem.core.models import Event


def get_perpetrator_view(case: Case) -> PerpetratorView:
    """The case as a report may tell it, read now from the database (three queries)."""
    found = Case._base_manager.select_related("participant", "organisation", "referral__referring_organisation").get(
        pk=case.pk
    )
    referral = found.referral
    steps = CaseStep._base_manager.filter(case_id=found.pk).order_by("taken_at", "pk")
    return PerpetratorView(
        case=found.pk,
        provider=found.organisation.name,
        participant_name=found.participant.name,
        birth_date=found.participant.birth_date,
        route=referral.route if referral is not None else "",
        agency=(
            referral.referring_organisation.name
            if referral is not None and referral.referring_organisation is not None
            else ""
        ),
        referred_on=timezone.localdate(referral.submitted_at) if referral is not None else None,
        opened_on=timezone.localdate(found.opened_at),
        state=found.state,
        state_since=timezone.localdate(found.state_since),
        steps=tuple(
            StepFact(
                event=step.event,
                to_state=step.to_state,
                on=timezone.localdate(step.taken_at),
                reason=step.reason if step.event in REASONS_SHOWN else "",
            )
            for step in steps
        ),
        unacceptable_absences=current_absences(found.pk),
        made_at=clock.now(),
    )


def count_events_on_case(case_id: int, kind: str, *, up_to: Event | None = None) -> int:
    """How many events of ``kind`` are about the case (as their subject or as ``payload["case"]``),
    up to and including ``up_to`` when given."""
    found = Event.objects.filter(kind=kind).filter(
        Q(subject_type=Case._meta.label_lower, subject_id=str(case_id))
        | Q(payload__case=case_id)
        | Q(payload__case=str(case_id))
    )
    if up_to is not None:
        found = found.filter(pk__lte=up_to.pk)
    return found.count()


def current_absences(case_id: int, *, up_to: Event | None = None) -> int:
    """The man's unacceptable absences that still stand: those recorded, less those corrected."""
    return count_events_on_case(case_id, UNACCEPTABLE_ABSENCE, up_to=up_to) - count_events_on_case(
        case_id, ABSENCE_WITHDRAWN, up_to=up_to
    )
