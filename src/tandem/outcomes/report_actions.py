"""The outcome report leaving Tandem as a file is on the record."""

from __future__ import annotations

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Compartment
from tandem.outcomes.report import OutcomeReport

AUDIT_ACTION = "outcomes.report_exported"


def record_report_export(
    report: OutcomeReport,
    *,
    file_format: str,
    language: str,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> None:
    """Someone took the outcome figures of a provider out as a file (``acting_user`` None: on the
    command line): which provider, which period, in which format and language. The figures are
    aggregates of both compartments; the entry is the programme's, as the report is."""
    audit.record(
        AUDIT_ACTION,
        actor=acting_user,
        obj=report.organisation,
        organisation=report.organisation.pk,
        compartment=Compartment.PROGRAMME,
        context=context,
        detail={
            "format": file_format,
            "language": language,
            "from": report.period.start.isoformat(),
            "to": report.period.end.isoformat(),
        },
    )
