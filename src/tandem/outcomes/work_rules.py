"""The work outcome monitoring creates, as data.

Each time point of a schedule is work due on the day its window closes: his questionnaire for
the case's facilitators (the coordinators when it is overdue), hers for her support workers,
about her point and never about him. Answering, or recording that the person declined or could
not be reached, ends it; a point that no longer applies is cancelled. The subject of the work is
the point, not the case: a follow-up a year after exit must not hold the case open.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.core.models import WorkItem
from tandem.core.roles import Role
from tandem.core.work import Hours, WorkRule, register

# Events outcome monitoring acts on (emitted by case work and the survivor side).
CASE_STARTED = "case.started"
EXITS = ("case.completed", "case.dropped_out", "case.excluded")
PARTNER_LINKED = "survivors.case_linked"


def _his_form(item: WorkItem) -> str:
    return reverse("outcomes:man_answers", kwargs={"point_id": item.subject_id})


def _her_form(item: WorkItem) -> str:
    return reverse("outcomes:partner_answers", kwargs={"point_id": item.subject_id})


HIS_QUESTIONNAIRE = register(
    WorkRule(
        key="outcomes.his_questionnaire",
        title=_("Ask the man of case #%(case)s his outcome questionnaire"),
        due=Hours(0),
        escalation=(Role.COORDINATOR, Role.ORG_ADMIN),
        link=_his_form,
    )
)
HER_QUESTIONNAIRE = register(
    WorkRule(
        key="outcomes.her_questionnaire",
        title=_("Ask a partner her outcome questionnaire, if she agrees"),
        due=Hours(0),
        escalation=(Role.COORDINATOR, Role.ORG_ADMIN),
        link=_her_form,
    )
)
