"""The work that risk assessment creates, as data.

* An assessment is due when something happens to the case: at intake when the case is opened,
  again within two working days of a new incident, and at exit when the man completes the
  programme, drops out or is excluded (``DUE_ASSESSMENTS``, read by the handlers). The
  assessment that does the work closes it, in its own transaction (``record_assessment``).
* A high level, or a level higher than the one before, is escalated: the case's coordinators
  review it within 24 hours and consider a referral to a multi-agency risk assessment
  conference (MARAC). Their review closes it (``review_escalation``).

Every item of this work has the case as its subject, so a case cannot be closed while any of
it is open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.cases.work_rules import CASE_ESCALATION
from tandem.core.models import WorkItem
from tandem.core.work import Hours, WorkingDays, WorkRule, register
from tandem.risk.models import Occasion, Trigger

# Event kinds risk assessment acts on (emitted by case work) and emits.
CASE_OPENED = "case.opened"
CASE_NOT_SUITABLE = "case.not_suitable"
CASE_NEW_INCIDENT = "case.new_incident"
PARTNER_CONCERN = "attendance.partner_concern"  # emitted by group work
CASE_COMPLETED = "case.completed"
CASE_DROPPED_OUT = "case.dropped_out"
CASE_EXCLUDED = "case.excluded"
RISK_ASSESSED = "risk.assessed"
ESCALATION_REVIEWED = "risk.escalation_reviewed"


def _assessment_form(item: WorkItem, **initial: str) -> str:
    url = reverse("cases:risk_new", kwargs={"case_id": item.subject_id})
    return f"{url}?{urlencode(initial)}" if initial else url


def _intake_form(item: WorkItem) -> str:
    return _assessment_form(item, occasion=Occasion.INTAKE)


def _incident_form(item: WorkItem) -> str:
    return _assessment_form(item, occasion=Occasion.TRIGGER, trigger=Trigger.NEW_INCIDENT)


def _concern_form(item: WorkItem) -> str:
    return _assessment_form(item, occasion=Occasion.TRIGGER, trigger=Trigger.GROUP_CONCERN)


def _exit_form(item: WorkItem) -> str:
    return _assessment_form(item, occasion=Occasion.EXIT)


def _escalation_page(item: WorkItem) -> str:
    return reverse("cases:risk_escalation", kwargs={"case_id": item.subject_id})


# The first assessment is the start gate's condition; ten working days of the programme's
# country leave time to meet the man and gather what the referrer and the partner's side know.
INTAKE_ASSESSMENT = register(
    WorkRule(
        key="risk.intake_assessment",
        escalation=CASE_ESCALATION,
        title=_("Assess the risk in case #%(case)s at intake"),
        due=WorkingDays(10),
        priority=WorkItem.Priority.NORMAL,
        link=_intake_form,
    )
)

# A new incident can change everything: the risk is assessed again within two working days.
REASSESS_AFTER_INCIDENT = register(
    WorkRule(
        key="risk.reassess_after_incident",
        escalation=CASE_ESCALATION,
        title=_("Assess the risk in case #%(case)s again after a new incident"),
        due=WorkingDays(2),
        priority=WorkItem.Priority.HIGH,
        link=_incident_form,
    )
)

# What a man says or does in the room can be the first sign of danger at home: a facilitator's
# concern for his partner's safety is looked at by the coordinators within a day.
REASSESS_AFTER_CONCERN = register(
    WorkRule(
        key="risk.reassess_after_group_concern",
        escalation=CASE_ESCALATION,
        title=_("Assess the risk in case #%(case)s again: a facilitator raised a concern for the partner's safety"),
        due=Hours(24),
        priority=WorkItem.Priority.HIGH,
        escalate_every=Hours(24),
        link=_concern_form,
    )
)

# The end of the programme, however it ends, is when the partner's side most needs to know
# how the risk stands.
EXIT_ASSESSMENT = register(
    WorkRule(
        key="risk.exit_assessment",
        escalation=CASE_ESCALATION,
        title=_("Make the exit risk assessment in case #%(case)s"),
        due=WorkingDays(10),
        priority=WorkItem.Priority.NORMAL,
        link=_exit_form,
    )
)

# Counted in hours, not working days: a high risk does not wait for the weekend to end.
ESCALATION = register(
    WorkRule(
        key="risk.escalation",
        escalation=CASE_ESCALATION,
        title=_(
            "The risk in case #%(case)s is high or has risen: review the case and consider a referral "
            "to a multi-agency risk assessment conference (MARAC)"
        ),
        due=Hours(24),
        priority=WorkItem.Priority.HIGH,
        escalate_every=Hours(24),
        link=_escalation_page,
    )
)


@dataclass(frozen=True)
class DueAssessment:
    """An assessment that an event of the case makes due.

    ``occasions`` are those of an assessment that does the work (empty: any assessment);
    with ``counts_before_event``, one made before the event does it too (a man assessed before
    the worker delivered "case opened" needs no intake assessment; an exit assessment made at
    his last session counts when his completion is recorded afterwards); without, only one
    made after the event (an incident makes earlier assessments out of date)."""

    rule: WorkRule
    opened_by: frozenset[str]
    occasions: frozenset[str] = frozenset()
    counts_before_event: bool = True
    cancelled_by: frozenset[str] = frozenset()

    def fulfilled_by(self, occasion: str) -> bool:
        return not self.occasions or occasion in self.occasions


DUE_ASSESSMENTS: tuple[DueAssessment, ...] = (
    DueAssessment(
        INTAKE_ASSESSMENT,
        opened_by=frozenset({CASE_OPENED}),
        cancelled_by=frozenset({CASE_NOT_SUITABLE}),
    ),
    DueAssessment(
        REASSESS_AFTER_INCIDENT,
        opened_by=frozenset({CASE_NEW_INCIDENT}),
        occasions=frozenset({Occasion.TRIGGER}),
        counts_before_event=False,
    ),
    DueAssessment(
        REASSESS_AFTER_CONCERN,
        opened_by=frozenset({PARTNER_CONCERN}),
        occasions=frozenset({Occasion.TRIGGER}),
        counts_before_event=False,
    ),
    DueAssessment(
        EXIT_ASSESSMENT,
        opened_by=frozenset({CASE_COMPLETED, CASE_DROPPED_OUT, CASE_EXCLUDED}),
        occasions=frozenset({Occasion.EXIT}),
    ),
)


def _by_event(field: str) -> Mapping[str, tuple[DueAssessment, ...]]:
    table: dict[str, list[DueAssessment]] = {}
    for due in DUE_ASSESSMENTS:
        for kind in getattr(due, field):
            table.setdefault(kind, []).append(due)
    return {kind: tuple(dues) for kind, dues in table.items()}


# Event kind → the assessments it makes due, and those it makes unnecessary.
OPENED_BY_EVENT = _by_event("opened_by")
CANCELLED_BY_EVENT = _by_event("cancelled_by")

# Every rule of risk work, for the case page's panel.
RISK_RULES = (
    INTAKE_ASSESSMENT.key,
    REASSESS_AFTER_INCIDENT.key,
    REASSESS_AFTER_CONCERN.key,
    EXIT_ASSESSMENT.key,
    ESCALATION.key,
)
