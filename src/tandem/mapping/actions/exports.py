"""What leaves Tandem as a file or on the command line is on the record: reports, figures, the
questionnaire as an XLSForm, open data."""

from __future__ import annotations

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.mapping.rules.report import (
    Report,
)

AUDIT_ACTION = "mapping.report"


def record_report(
    report: Report,
    *,
    file_format: str,
    language: str,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> None:
    """A report that leaves Tandem as a file is on the record: who took which round's report,
    for which country, in which format and language."""
    audit.record(
        AUDIT_ACTION,
        actor=acting_user,
        obj=report.survey_round,
        organisation=report.survey_round.owner_id,
        context=context,
        detail={
            "round": report.survey_round.pk,
            "country": report.country.code if report.country is not None else None,
            "format": file_format,
            "language": language,
        },
    )
