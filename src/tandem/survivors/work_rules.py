"""The survivor side's work that nobody can forget: every event on the man's side that the
partner must hear of becomes work for the provider's survivor-support workers, due within a
time that fits its danger, and escalated to the coordinators when it is overdue.

The work is about the man's case (so that his case cannot be closed while it is open), but it
lies in the survivor compartment: only the survivor side and the coordinators see it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.core.models import WorkItem
from tandem.core.roles import Role
from tandem.core.work import Hours, WorkingDays, WorkRule, register


def _partner_page(item: WorkItem) -> str:
    return reverse("survivors:for_case", kwargs={"case_id": item.subject_id})


def _alert_page(item: WorkItem) -> str:
    return reverse("survivors:alert", kwargs={"item_id": item.pk})


def _rule(key: str, title: Promise, due: Hours | WorkingDays, priority: WorkItem.Priority) -> WorkRule:
    return register(
        WorkRule(
            key=key,
            title=title,
            due=due,
            priority=priority,
            escalate_every=Hours(24) if isinstance(due, Hours) else WorkingDays(1),
            link=_partner_page,
        )
    )


HIGH, NORMAL = WorkItem.Priority.HIGH, WorkItem.Priority.NORMAL

# A man accepted into the programme: his partner is offered support before he starts in a group.
OFFER_SUPPORT = _rule(
    "survivors.offer_support",
    _("Offer support to the partner of case #%(case)s and explain what the programme cannot do"),
    WorkingDays(5),
    NORMAL,
)
# Events that change her danger are told to her within a day; the others within days.
INFORM_EXCLUSION = _rule(
    "survivors.inform_exclusion", _("Tell the partner of case #%(case)s that he was excluded"), Hours(24), HIGH
)
INFORM_DROPOUT = _rule(
    "survivors.inform_dropout", _("Tell the partner of case #%(case)s that he dropped out"), Hours(24), HIGH
)
INFORM_INCIDENT = _rule(
    "survivors.inform_incident",
    _("Contact the partner of case #%(case)s about a new incident and review her safety plan"),
    Hours(24),
    HIGH,
)
INFORM_CONCERN = _rule(
    "survivors.inform_concern",
    _("Contact the partner of case #%(case)s: a facilitator raised a concern for her safety"),
    Hours(24),
    HIGH,
)
INFORM_TRANSFER = _rule(
    "survivors.inform_transfer",
    _("Tell the partner of case #%(case)s that he was transferred to another programme"),
    WorkingDays(2),
    NORMAL,
)
INFORM_COMPLETION = _rule(
    "survivors.inform_completion",
    _("Tell the partner of case #%(case)s that he completed the programme, and what that does not mean"),
    WorkingDays(5),
    NORMAL,
)


OPENED_BY_EVENT: dict[str, WorkRule] = {
    "case.opened": OFFER_SUPPORT,
    "case.excluded": INFORM_EXCLUSION,
    "case.dropped_out": INFORM_DROPOUT,
    "case.new_incident": INFORM_INCIDENT,
    "attendance.partner_concern": INFORM_CONCERN,
    "case.transferred": INFORM_TRANSFER,
    "case.completed": INFORM_COMPLETION,
}
INFORM_RULES = tuple(rule for rule in OPENED_BY_EVENT.values() if rule is not OFFER_SUPPORT)

# Someone who works with or for the man tried a page of the survivor side, or someone read her
# side's records in bulk: the organisation's administrators look at it the same day.
ALERT_TRIED = register(
    WorkRule(
        key="survivors.alert_tried",
        title=_(
            "Access alert: %(who)s, who works on the man's side, tried to open a page of the survivor side. "
            "Check the audit log and talk to them."
        ),
        due=Hours(24),
        priority=WorkItem.Priority.HIGH,
        escalation=(),
        link=_alert_page,
    )
)
ALERT_BULK = register(
    WorkRule(
        key="survivors.alert_bulk",
        title=_(
            "Access alert: %(who)s read more than %(count)s records of the survivor side within an hour. "
            "Check the audit log and talk to them."
        ),
        due=Hours(24),
        priority=WorkItem.Priority.HIGH,
        escalation=(),
        link=_alert_page,
    )
)
# Someone who works on the man's side searched it for a name or an address that is a partner's on
# the survivor side. The item names who searched, never what was typed or whom it named.
ALERT_SEARCH = register(
    WorkRule(
        key="survivors.alert_search",
        title=_(
            "Access alert: %(who)s, who works on the man's side, searched it for the name or the address of "
            "a partner recorded on the survivor side. Check the audit log and talk to them."
        ),
        due=Hours(24),
        priority=WorkItem.Priority.HIGH,
        escalation=(),
        link=_alert_page,
    )
)

# A coordinator opened a partner's record outside the rule: her support workers and the
# organisation's administrators are told, and look at the reason.
BREAK_GLASS_NOTICE = register(
    WorkRule(
        key="survivors.break_glass",
        title=_(
            "%(who)s opened the record of the partner of case %(cases)s outside the rule, until %(until)s: "
            "check the reason given"
        ),
        due=WorkingDays(1),
        priority=WorkItem.Priority.HIGH,
        escalation=(),
        link=_alert_page,
    )
)


def _plan_page(item: WorkItem) -> str:
    params = item.params if isinstance(item.params, dict) else {}
    return reverse("survivors:partner", kwargs={"partner_id": params.get("partner", 0)}) + "#plan-title"


def _conference_page(item: WorkItem) -> str:
    return reverse("survivors:conference", kwargs={"case_id": item.subject_id})


# Her safety plan is looked at again on its day, and within days of any change in the risk of a
# man she is the partner of; it is her workers' work, about the plan, never about him.
PLAN_REVIEW_DUE = register(
    WorkRule(
        key="survivors.plan_review",
        title=_("Review a partner's safety plan: its review is due"),
        due=Hours(0),
        link=_plan_page,
    )
)
PLAN_RISK_CHANGED = register(
    WorkRule(
        key="survivors.plan_risk_changed",
        title=_("Review the safety plan of the partner of case #%(case)s: his risk changed"),
        due=WorkingDays(2),
        priority=HIGH,
        link=_plan_page,
    )
)
# The risk met the threshold for the multi-agency risk conference: the coordinators refer the
# case, or say in the risk review why not (which ends this work).
CONFERENCE_REFER = register(
    WorkRule(
        key="survivors.conference_refer",
        title=_("Refer case #%(case)s to the risk conference (MARAC), or record in the risk review why not"),
        due=WorkingDays(2),
        priority=HIGH,
        escalation=(Role.ORG_ADMIN,),
        link=_conference_page,
    )
)
