"""The reports to the referrer on the case page: the list with each report's state and due
date, the form to start one, and the reports' moments in the case's timeline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.cases.forms.reports import ReportCreateForm
from tandem.cases.models import Case, ReportKind, ReportState
from tandem.cases.panels import Entry, Panel, register_panel, register_timeline, shared_read
from tandem.cases.queries.reports import reports_of
from tandem.core import clock
from tandem.core.models import User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment


def _works_on(reader: User, case: Case, action: Action) -> bool:
    return case.organisation_id in organisations_granting(reader, Compartment.PROGRAMME, action)


def _reports(reader: User, case: Case) -> list[Any]:
    return shared_read(reader, case, "reports", lambda: list(reports_of(reader, case)))


def _reports_panel(reader: User, case: Case) -> dict[str, Any] | None:
    if not _works_on(reader, case, Action.VIEW):
        return None
    return {
        "reports": _reports(reader, case),
        "now": clock.now(),
        "form": ReportCreateForm(auto_id="report_%s") if _works_on(reader, case, Action.CHANGE) else None,
    }


register_panel(Panel("reports", "cases/reports_panel.html", _reports_panel, order=60))


@register_timeline("reports")
def report_moments(reader: User, case: Case) -> Iterable[Entry]:
    if not _works_on(reader, case, Action.VIEW):
        return
    for report in _reports(reader, case):
        kind = str(ReportKind(report.kind).label)
        link = reverse("cases:report", args=[case.pk, report.pk])
        yield Entry(report.created_at, "report", _("Report"), _("Started: %(kind)s") % {"kind": kind}, link=link)
        if report.state == ReportState.SENT and report.sent_at is not None:
            yield Entry(report.sent_at, "report", _("Report"), _("Sent: %(kind)s") % {"kind": kind}, link=link)
        elif report.state == ReportState.HELD and report.reviewed_at is not None:
            yield Entry(
                report.reviewed_at,
                "report",
                _("Report"),
                _("Held back after the safety review: %(kind)s") % {"kind": kind},
                link=link,
            )
