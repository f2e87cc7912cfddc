"""Survey rounds: those a person takes part in (with the answers waiting for her review first),
and a round's page with its answers, reviewers and the programmes that have not answered yet."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.mapping.models import SurveyAnswer
from tandem.mapping.queries.answers import (
    answers_visible_to,
    answers_waiting_for_review,
    review_due_dates,
)
from tandem.mapping.queries.parties import managing_organisations
from tandem.mapping.queries.registry import answerable_programmes
from tandem.mapping.queries.rounds import access_round, round_reviewers, rounds_visible_to
from tandem.mapping.rules.workflow import (
    round_is_open,
)


@login_required
@require_safe
def round_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rounds = rounds_visible_to(user).prefetch_related("countries")
    waiting = list(answers_waiting_for_review(user).select_related("round", "programme", "programme__country"))
    due = review_due_dates(waiting)
    now = clock.now()
    context = {
        "rounds": rounds,
        "waiting": [(answer, due.get(answer.pk), answer.pk in due and due[answer.pk] < now) for answer in waiting],
    }
    return render(request, "mapping/round_list.html", context)


@login_required
@require_safe
def round_detail_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = signed_in_user(request)
    survey_round = access_round(user, round_id, context=audit_context(request))
    answers = list(
        answers_visible_to(user).filter(round=survey_round).order_by("programme__country__code", "programme__name")
    )
    answered = {answer.programme_id for answer in answers}
    by_country: dict[str, list[SurveyAnswer]] = defaultdict(list)
    for answer in answers:
        by_country[answer.programme.country.display_name].append(answer)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "round": survey_round,
        "countries": survey_round.countries.all(),
        "answers_by_country": sorted(by_country.items()),
        "unanswered": [p for p in answerable_programmes(user, survey_round) if p.pk not in answered],
        "is_open": round_is_open(opens_on=survey_round.opens_on, closes_on=survey_round.closes_on, today=today),
        "manages": survey_round.owner_id in managing_organisations(user),
        "reviewers": round_reviewers(survey_round, user),
    }
    return render(request, "mapping/round_detail.html", context)
