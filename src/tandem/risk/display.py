"""Risk records in words, for the case page and the risk pages alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tandem.core.models import User, WorkItem
from tandem.risk.models import Level, Occasion, RiskAssessment


def person(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def short_date(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def score_text(value: float) -> str:
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def level_text(value: str) -> str:
    return str(Level(value).label) if value in Level.values else value


def occasion_text(assessment: RiskAssessment) -> str:
    if assessment.occasion == Occasion.TRIGGER and assessment.trigger:
        return _("%(occasion)s: %(trigger)s") % {
            "occasion": assessment.get_occasion_display(),
            "trigger": assessment.get_trigger_display(),
        }
    return str(assessment.get_occasion_display())


def _params(item: WorkItem) -> dict[str, Any]:
    return item.params if isinstance(item.params, dict) else {}


def escalation_reason(item: WorkItem) -> str:
    """Why an escalation was opened: a high level, or a rise from one level to another."""
    params = _params(item)
    level, before = str(params.get("level", "")), str(params.get("before") or "")
    if level == Level.HIGH and before == Level.HIGH:
        return _("The risk is still high: a coordinator reviews the case.")
    if level == Level.HIGH:
        return _("The risk is high: a coordinator reviews the case.")
    return _("The risk rose from %(before)s to %(level)s: a coordinator reviews the case.") % {
        "before": level_text(before),
        "level": level_text(level),
    }


def raised_by_assessment(item: WorkItem) -> int | None:
    """The assessment whose level opened an escalation."""
    value = _params(item).get("assessment")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def marac_referral(item: WorkItem) -> bool | None:
    """The review's answer about a MARAC referral; None before the review."""
    value = _params(item).get("marac_referral")
    return value if isinstance(value, bool) else None


def review_outcome(item: WorkItem) -> str:
    if marac_referral(item):
        return _("The escalation was reviewed; a referral to a multi-agency risk assessment conference was made.")
    return _("The escalation was reviewed; no referral to a multi-agency risk assessment conference was made.")
