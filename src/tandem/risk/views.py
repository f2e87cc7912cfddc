"""The pages of risk assessment, under the case they belong to: recording an assessment, one
assessment in words, and the review of the case's escalations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext as _, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from tandem.cases.models import Case
from tandem.cases.queries import access_case
from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import User, WorkItem
from tandem.core.policy import has_role
from tandem.core.roles import Role
from tandem.risk import actions
from tandem.risk.display import (
    escalation_reason,
    marac_referral,
    occasion_text,
    person,
    raised_by_assessment,
    score_text,
)
from tandem.risk.forms import AssessmentForm, ReviewForm
from tandem.risk.models import Occasion, RiskAssessment, Trigger
from tandem.risk.queries import access_assessment, get_assessments, get_escalations
from tandem.risk.rules import Instrument, InstrumentError, shipped_instrument


def _render_form(request: HttpRequest, case: Case, form: AssessmentForm, *, status: int = 200) -> HttpResponse:
    context = {"case": case, "form": form, "instrument": form.instrument, "language": form.language}
    return render(request, "risk/assessment_form.html", context, status=status)


def _initial(request: HttpRequest) -> dict[str, str]:
    """When and why the assessment is made, as the link from a work item says (else nothing)."""
    initial: dict[str, str] = {}
    if request.GET.get("occasion") in Occasion.values:
        initial["occasion"] = request.GET["occasion"]
    if initial.get("occasion") == Occasion.TRIGGER and request.GET.get("trigger") in Trigger.values:
        initial["trigger"] = request.GET["trigger"]
    return initial


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_new_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    case = access_case(user, case_id, context=context)
    instrument = shipped_instrument(actions.DEFAULT_INSTRUMENT)
    language = get_language()
    if request.method != "POST":
        return _render_form(
            request, case, AssessmentForm(initial=_initial(request), instrument=instrument, language=language)
        )
    form = AssessmentForm(request.POST, instrument=instrument, language=language)
    if not form.is_valid():
        return _render_form(request, case, form, status=422)
    try:
        assessment = actions.record_assessment(
            case=case,
            answers=form.answers(),
            occasion=form.cleaned_data["occasion"],
            trigger=form.cleaned_data["trigger"],
            note=form.cleaned_data["note"],
            instrument=instrument,
            acting_user=user,
            context=context,
        )
    except actions.RiskRefused as refused:
        form.add_error(None, refused.message)
        return _render_form(request, case, form, status=422)
    except ValidationError as invalid:
        form.add_action_errors(invalid.message_dict)
        return _render_form(request, case, form, status=422)
    messages.success(
        request,
        _("The risk assessment is recorded. The level is %(level)s.") % {"level": assessment.get_level_display()},
    )
    return redirect("cases:risk_assessment", case_id=case.pk, assessment_id=assessment.pk)


@dataclass(frozen=True)
class AnswerLine:
    question: str
    answer: str
    points: str
    forces_high: bool
    unknown: bool


@dataclass(frozen=True)
class SectionLines:
    title: str
    lines: list[AnswerLine]


def _instrument_of(assessment: RiskAssessment) -> Instrument | None:
    try:
        return shipped_instrument(f"{assessment.instrument}-{assessment.instrument_version}")
    except InstrumentError:
        return None


def _answers_in_words(assessment: RiskAssessment, instrument: Instrument | None, language: str) -> list[SectionLines]:
    try:
        answers: dict[str, Any] = json.loads(assessment.answers)
    except (TypeError, ValueError):
        answers = {}
    forced = set(filter(None, assessment.forced_by.split(",")))
    if instrument is None:
        # The instrument of this version is no longer shipped: its keys and values, as recorded.
        lines = [AnswerLine(key, str(value), "", key in forced, False) for key, value in sorted(answers.items())]
        return [SectionLines(assessment.instrument, lines)]
    sections = []
    for section in instrument.sections:
        lines = []
        for item in section.items:
            value = str(answers.get(item.key, ""))
            option = item.option(value)
            lines.append(
                AnswerLine(
                    question=item.wording(language),
                    answer=option.text(language) if option is not None else value,
                    points=score_text(item.scores.get(value, 0)),
                    forces_high=item.key in forced,
                    unknown=option is not None and option.unknown,
                )
            )
        sections.append(SectionLines(section.text(language), lines))
    return sections


@login_required
@require_safe
def assessment_view(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    case = access_case(user, case_id, context=context)
    assessment = access_assessment(user, case, assessment_id, context=context)
    language = get_language()
    instrument = _instrument_of(assessment)
    sections = _answers_in_words(assessment, instrument, language)
    forcing = [line.question for section in sections for line in section.lines if line.forces_high]
    page = {
        "case": case,
        "assessment": assessment,
        "instrument_title": instrument.text(language) if instrument is not None else assessment.instrument,
        "occasion": occasion_text(assessment),
        "score": score_text(assessment.score),
        "sections": sections,
        "forcing": forcing,
        "assessed_by": person(assessment.assessed_by),
    }
    return render(request, "risk/assessment.html", page)


@dataclass(frozen=True)
class EscalationLine:
    item: WorkItem
    reason: str
    assessment: RiskAssessment | None
    overdue: bool
    marac_referral: bool | None
    closed_by: str

    @property
    def is_open(self) -> bool:
        return self.item.state == WorkItem.State.OPEN


def _render_escalation(
    request: HttpRequest, user: User, case: Case, form: ReviewForm | None = None, *, status: int = 200
) -> HttpResponse:
    escalations = list(get_escalations(case))
    raised_by = get_assessments(case, [found for item in escalations if (found := raised_by_assessment(item))])
    now = clock.now()
    lines = [
        EscalationLine(
            item=item,
            reason=escalation_reason(item),
            assessment=raised_by.get(raised_by_assessment(item) or 0),
            overdue=item.state == WorkItem.State.OPEN and item.due_at <= now,
            marac_referral=marac_referral(item),
            closed_by=person(item.closed_by),
        )
        for item in reversed(escalations)
    ]
    context = {
        "case": case,
        "open_lines": [line for line in lines if line.is_open],
        "reviews": [line for line in lines if line.item.state == WorkItem.State.DONE],
        "may_review": has_role(user, case.organisation_id, Role.COORDINATOR),
        "form": form or ReviewForm(),
    }
    return render(request, "risk/escalation.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def escalation_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    case = access_case(user, case_id, context=context)
    if request.method != "POST":
        return _render_escalation(request, user, case)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_escalation(request, user, case, form, status=422)
    try:
        closed = actions.review_escalation(
            case=case,
            marac_referral=form.cleaned_data["marac_referral"],
            note=form.cleaned_data["note"],
            acting_user=user,
            context=context,
        )
    except actions.RiskRefused as refused:
        form.add_error(None, refused.message)
        return _render_escalation(request, user, case, form, status=422)
    except ValidationError as invalid:
        for field, errors in invalid.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_escalation(request, user, case, form, status=422)
    said = ngettext(
        "Your review is recorded, and the open escalation of this case is closed.",
        "Your review is recorded, and the %(count)d open escalations of this case are closed.",
        len(closed),
    )
    messages.success(request, said % {"count": len(closed)})
    return redirect("cases:case", case_id=case.pk)
