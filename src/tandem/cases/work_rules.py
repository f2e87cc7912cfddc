"""The work that case work's rules create, each declared once.

Reports to the referrer: every rule of ``report_rules.json`` has its own kind of work ("send
the report"), due within the rule's working days of the provider's country, owned by the
provider's coordinators, and done when the report is sent or held back after the safety review.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.cases.models import ReportKind
from tandem.cases.reporting.rules import ReportRule, shipped_rules
from tandem.core.models import WorkItem
from tandem.core.roles import Role
from tandem.core.work import WorkingDays, WorkRule, register

REPORT_DUE_PREFIX = "cases.report_due:"

REPORT_DUE_TITLES: dict[str, Promise] = {
    ReportKind.PROGRESS: _("Send the progress report on case #%(case)s after its safety review"),
    ReportKind.NON_COMPLIANCE: _("Send the non-compliance report on case #%(case)s after its safety review"),
    ReportKind.COMPLETION: _("Send the completion report on case #%(case)s after its safety review"),
}


# Work about a man's case escalates only to those who may open the case: its coordinators.
CASE_ESCALATION = (Role.COORDINATOR,)


def _report_page(item: WorkItem) -> str:
    report = item.params.get("report") if isinstance(item.params, dict) else None
    if report is None:
        return reverse("cases:case", args=[item.subject_id])
    return reverse("cases:report", args=[item.subject_id, report])


def _report_due_rule(rule: ReportRule) -> WorkRule:
    # Overdue, the work is flagged to the coordinators, who own it and hold the case; it never
    # passes to the administrators, who cannot open the case.
    return WorkRule(
        key=f"{REPORT_DUE_PREFIX}{rule.key}",
        title=REPORT_DUE_TITLES[rule.kind],
        due=WorkingDays(rule.due_working_days),
        priority=WorkItem.Priority.HIGH,
        escalation=CASE_ESCALATION,
        link=_report_page,
    )


_REPORT_DUE: dict[str, WorkRule] = {}


def report_due(rule: ReportRule) -> WorkRule:
    """The kind of work a report rule opens (declared when first asked for, or again when the
    rule's data changed)."""
    declared = _REPORT_DUE.get(rule.key)
    wanted = _report_due_rule(rule)
    if declared != wanted:
        declared = _REPORT_DUE[rule.key] = register(wanted)
    return declared


def report_due_of(rule_key: str) -> WorkRule:
    """The kind of work a report made by the rule ``rule_key`` fulfils; for a rule no longer in
    the data, a stand-in with its key, so that its open work can still be closed."""
    return _REPORT_DUE.get(rule_key) or WorkRule(
        key=f"{REPORT_DUE_PREFIX}{rule_key}",
        title=REPORT_DUE_TITLES[ReportKind.NON_COMPLIANCE],
        due=WorkingDays(1),
        link=_report_page,
    )


for _rule in shipped_rules():
    report_due(_rule)
