"""What leaves Tandem as a file or on the command line is on the record: reports, figures, the
questionnaire as an XLSForm, open data."""

from __future__ import annotations

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.geo.models import Country
from tandem.mapping.models import SurveyRound
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


def record_figures_export(
    *,
    kind: str,
    survey_round: SurveyRound | None,
    country: Country | None,
    file_format: str,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> None:
    """Figures that leave Tandem are on the record: which figures (indicators, coverage), of
    which round and country, in which format."""
    audit.record(
        f"mapping.{kind}_exported",
        actor=acting_user,
        organisation=survey_round.owner_id if survey_round is not None else None,
        context=context,
        detail={
            "round": survey_round.pk if survey_round is not None else None,
            "country": country.code if country is not None else None,
            "format": file_format,
        },
    )


def record_xlsform_export(
    *, survey_round: SurveyRound, acting_user: User | None, context: AuditContext | None = None
) -> None:
    """The questionnaire of a round taken out as an XLSForm, to run the survey elsewhere."""
    audit.record(
        "mapping.xlsform_exported",
        actor=acting_user,
        organisation=survey_round.owner_id,
        context=context,
        detail={"round": survey_round.pk},
    )


def record_open_data_export(
    *, file_format: str, programmes: int, acting_user: User | None, context: AuditContext | None = None
) -> None:
    """Open data written by the command line (the public downloads on the web are not recorded:
    they hold only what the directory shows to everyone)."""
    audit.record(
        "mapping.export",
        actor=acting_user,
        context=context,
        detail={"format": file_format, "programmes": programmes},
    )
