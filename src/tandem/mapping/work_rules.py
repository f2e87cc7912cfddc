"""The work the mapping survey creates: a submitted answer waits for its reviewers, and a
returned answer waits for its authors."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.core.models import WorkItem
from tandem.core.roles import Role
from tandem.core.work import WorkingDays, WorkRule, register

# Event kinds the mapping emits.
ANSWER_SUBMITTED = "mapping.answer_submitted"
ANSWERS_IMPORTED = "mapping.answers_imported"
ANSWER_RETURNED = "mapping.answer_returned"


def _answer_page(item: WorkItem) -> str:
    return reverse("mapping:answer", args=[item.subject_id])


def _answer_form(item: WorkItem) -> str:
    return reverse("mapping:answer_edit", args=[item.subject_id])


# A reviewer decides within ten working days of the programme's country. Overdue, it goes to
# the analysts of the organisation running the round, then to its administrators.
REVIEW_ANSWER = register(
    WorkRule(
        key="mapping.review_answer",
        title=_("Review the answer of %(programme)s in %(round)s"),
        due=WorkingDays(10),
        priority=WorkItem.Priority.NORMAL,
        escalation=(Role.ANALYST, Role.ORG_ADMIN),
        escalate_every=WorkingDays(2),
        link=_answer_page,
    )
)


# The provider's coordinators correct a returned answer and submit it again within ten working
# days of the programme's country. Overdue, it goes to the provider's administrators.
REWORK_ANSWER = register(
    WorkRule(
        key="mapping.rework_answer",
        title=_("Correct the returned answer of %(programme)s in %(round)s and submit it again"),
        due=WorkingDays(10),
        priority=WorkItem.Priority.NORMAL,
        escalation=(Role.ORG_ADMIN,),
        link=_answer_form,
    )
)
