"""Reads of risk assessment, through ``core``'s policy where a person reads; ``latest_level``
reads without a check, for the actions and the handlers."""

from __future__ import annotations

from tandem.cases.models import Case
from tandem.risk.models import RiskAssessment


def latest_level(case: Case) -> str:
    """The level of the case's newest assessment, or "" before the first."""
    found = (
        RiskAssessment._base_manager.filter(case_id=case.pk)
        .order_by("-assessed_at", "-pk")
        .values_list("level", flat=True)
        .first()
    )
    return found or ""
