"""Risk assessment's parts of the case page: a panel with the latest level, the trend of the
case as a chart and a table, and the risk work still open; and a row in the timeline for each
assessment and each escalation. Only for the people working on the case (its facilitators and
coordinators); the same few queries however many assessments the case has."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from tandem.cases.models import Case
from tandem.cases.panels import Entry, Panel, register_panel, register_timeline, shared_read
from tandem.core import clock, work
from tandem.core.models import User, WorkItem
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.risk.chart import Point, trend_chart
from tandem.risk.display import escalation_reason, occasion_text, person, review_outcome, score_text, short_date
from tandem.risk.models import RiskAssessment
from tandem.risk.queries import assessments_visible_to, get_escalations, get_open_risk_work
from tandem.risk.work_rules import ESCALATION


@dataclass(frozen=True)
class WorkLine:
    title: str
    link: str
    item: WorkItem
    overdue: bool


def works_on(reader: User, case: Case) -> bool:
    return case.organisation_id in organisations_granting(reader, Compartment.PROGRAMME, Action.VIEW)


def trend_description(case: Case, assessments: list[RiskAssessment]) -> str:
    first, last = assessments[0], assessments[-1]
    return ngettext(
        "Case #%(case)s: %(count)d assessment, on %(first)s; the level is %(level)s.",
        "Case #%(case)s: %(count)d assessments, from %(first)s to %(last)s; the latest level is %(level)s.",
        len(assessments),
    ) % {
        "case": case.pk,
        "count": len(assessments),
        "first": short_date(first.assessed_at),
        "last": short_date(last.assessed_at),
        "level": last.get_level_display(),
    }


def _assessments(reader: User, case: Case) -> list[RiskAssessment]:
    return shared_read(reader, case, "risk_assessments", lambda: list(assessments_visible_to(reader, case)))


def _risk_panel(reader: User, case: Case) -> dict[str, Any] | None:
    if not works_on(reader, case):
        return None
    assessments = _assessments(reader, case)
    now = clock.now()
    open_work = [
        WorkLine(work.title_of(item), work.link_of(item), item, item.due_at <= now) for item in get_open_risk_work(case)
    ]
    chart = None
    if assessments:
        chart = trend_chart(
            [Point(a.assessed_at, a.level) for a in assessments],
            title=_("The risk level at each assessment"),
            description=trend_description(case, assessments),
        )
    return {
        "latest": assessments[-1] if assessments else None,
        "rows": [
            {"assessment": a, "occasion": occasion_text(a), "score": score_text(a.score)} for a in reversed(assessments)
        ],
        "chart": chart,
        "open_work": open_work,
        "escalation_open": any(line.item.rule == ESCALATION.key for line in open_work),
        "new_url": reverse("cases:risk_new", kwargs={"case_id": case.pk}),
        "escalation_url": reverse("cases:risk_escalation", kwargs={"case_id": case.pk}),
    }


register_panel(Panel("risk", "risk/_panel.html", _risk_panel, order=30))


@register_timeline("risk")
def risk_timeline(reader: User, case: Case) -> Iterable[Entry]:
    if not works_on(reader, case):
        return
    for assessment in _assessments(reader, case):
        yield Entry(
            assessment.assessed_at,
            "risk",
            _("Risk assessment"),
            _("%(occasion)s: the level is %(level)s (score %(score)s).")
            % {
                "occasion": occasion_text(assessment),
                "level": assessment.get_level_display(),
                "score": score_text(assessment.score),
            },
            by=person(assessment.assessed_by),
            link=reverse("cases:risk_assessment", kwargs={"case_id": case.pk, "assessment_id": assessment.pk}),
        )
    page = reverse("cases:risk_escalation", kwargs={"case_id": case.pk})
    reviewed = set()
    for item in get_escalations(case):
        yield Entry(item.created_at, "risk", _("Risk escalation"), escalation_reason(item), link=page)
        # One review closes every escalation open at the time: it is one row.
        if item.state == WorkItem.State.DONE and item.closed_at is not None and item.closed_at not in reviewed:
            reviewed.add(item.closed_at)
            yield Entry(
                item.closed_at, "risk", _("Risk escalation"), review_outcome(item), by=person(item.closed_by), link=page
            )
