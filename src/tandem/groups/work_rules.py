"""Group work's own work: two men who must be kept apart found in one group."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.cases.work_rules import CASE_ESCALATION
from tandem.core.models import WorkItem
from tandem.core.work import WorkingDays, WorkRule, register


def _group_page(item: WorkItem) -> str:
    group = item.params.get("group") if isinstance(item.params, dict) else None
    return reverse("groups:group", kwargs={"group_id": group}) if group else ""


# A non-association learnt after both men were placed: they meet every week until one of them
# leaves the group, so the coordinators decide before the next session or two.
SEPARATE_MEN = register(
    WorkRule(
        key="groups.separate_men",
        escalation=CASE_ESCALATION,
        title=_(
            "Cases #%(case)s and #%(other_case)s must be kept apart but are both in group %(name)s: "
            "decide how to separate them"
        ),
        due=WorkingDays(2),
        priority=WorkItem.Priority.HIGH,
        link=_group_page,
    )
)
