"""A programme's answer: starting it, filling it in, reading it, and moving it along its workflow
(submitted, returned or accepted, published). Every record is reached through ``queries``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.roles import Action
from tandem.core.scoping import record_denied
from tandem.geo.models import Region
from tandem.mapping.actions import answers as actions
from tandem.mapping.forms import AnswerForm, ReviewForm
from tandem.mapping.models import AnswerStatus, SurveyAnswer, SurveyRound
from tandem.mapping.queries.answers import (
    access_answer,
    party_of,
)
from tandem.mapping.queries.registry import access_answerable_programme, round_choice_sets
from tandem.mapping.queries.rounds import access_round
from tandem.mapping.rules.questionnaire import Problem, choice_text, definition_of
from tandem.mapping.rules.workflow import (
    ACCEPT,
    AUTHOR,
    EDITABLE_STATUSES,
    PUBLISH,
    RETURN,
    SUBMIT,
    WITHDRAW,
    next_status,
)

EVENTS = {
    SUBMIT: gettext_lazy("Submit for review"),
    ACCEPT: gettext_lazy("Accept"),
    RETURN: gettext_lazy("Return with comments"),
    PUBLISH: gettext_lazy("Publish"),
    WITHDRAW: gettext_lazy("Withdraw publication"),
}
# The steps that send the reviewer's comments to the programme.
COMMENTED_EVENTS = frozenset({ACCEPT, RETURN})


@login_required
@require_POST
def answer_start_view(request: HttpRequest, round_id: int, programme_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    survey_round = access_round(user, round_id, context=context)
    programme = access_answerable_programme(user, survey_round, programme_id, context=context)
    answer = actions.start_answer(survey_round=survey_round, programme=programme, acting_user=user, context=context)
    return redirect("mapping:answer_edit", answer_id=answer.pk)


def _form(answer: SurveyAnswer, data: Any = None) -> AnswerForm:
    survey_round: SurveyRound = answer.round
    choice_sets = round_choice_sets(survey_round, country=answer.programme.country)
    region_names = dict(Region.objects.filter(code__in=choice_sets["regions"]).values_list("code", "name"))
    initial = {**answer.values, "version": answer.version}
    return AnswerForm(
        data,
        initial=initial,
        definition=definition_of(survey_round.questionnaire.definition),
        choice_sets=choice_sets,
        region_names=region_names,
    )


def _shown_values(answer: SurveyAnswer) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answer as a reader sees it: per section, each question with its answer in words."""
    definition = definition_of(answer.round.questionnaire.definition)
    regions = dict(Region.objects.filter(code__in=answer.values.get("regions_served", [])).values_list("code", "name"))
    shown = []
    for section in definition.sections:
        rows = []
        for question in section.questions:
            value = answer.values.get(question.name)
            if value is None:
                text = _("Not answered")
            elif question.choices == "regions":
                text = ", ".join(regions.get(code, code) for code in value)
            elif question.type == "select_multiple":
                text = ", ".join(choice_text(definition, question, name) for name in value)
            elif question.type == "select_one":
                text = choice_text(definition, question, value)
            else:
                text = str(value)
            rows.append((question.text(), text))
        shown.append((section.text(), rows))
    return shown


def _events_for(user: Any, answer: SurveyAnswer) -> list[tuple[str, str]]:
    parties = party_of(user, answer)
    return [
        (event, str(label))
        for event, label in EVENTS.items()
        if any(next_status(event, answer.status, party) for party in parties)
    ]


@login_required
@require_safe
def answer_view(request: HttpRequest, answer_id: int) -> HttpResponse:
    user = signed_in_user(request)
    answer = access_answer(user, answer_id, context=audit_context(request))
    return _render_answer(request, answer)


def _render_answer(
    request: HttpRequest,
    answer: SurveyAnswer,
    *,
    review_form: ReviewForm | None = None,
    problems: list[tuple[str, str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    parties = party_of(user, answer)
    events = _events_for(user, answer)
    context = {
        "answer": answer,
        "sections": _shown_values(answer),
        "events": events,
        "can_edit": AUTHOR in parties and answer.status in EDITABLE_STATUSES,
        # The comments go with a decision on the answer; publishing or withdrawing takes none.
        "asks_for_comment": any(event in COMMENTED_EVENTS for event, _label in events),
        # Withdrawing an answer of a closed round changes a report that may already be read.
        "withdraws_from_closed_round": any(event == WITHDRAW for event, _label in events)
        and answer.round.closes_on < clock.today(),
        "review_form": review_form or ReviewForm(initial={"version": answer.version}),
        "problems": problems or [],
    }
    return render(request, "mapping/answer.html", context, status=status)


def _problem_links(answer: SurveyAnswer, problems: list[Problem]) -> list[tuple[str, str, str]]:
    """Each problem as (the question in words, what is wrong, a link to its field on the form)."""
    form = _form(answer)
    edit = reverse("mapping:answer_edit", args=[answer.pk])
    links = []
    for problem in problems:
        # The form shows the choices; what is allowed is said there in words, not as codes.
        if problem.question in form.fields:
            field = form[problem.question]
            links.append((str(field.label), problem.message, f"{edit}#{field.auto_id}"))
        else:
            links.append(("", problem.message, edit))
    return links


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer_edit_view(request: HttpRequest, answer_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    answer = access_answer(user, answer_id, context=context, action=Action.CHANGE)
    if AUTHOR not in party_of(user, answer):
        record_denied(user, SurveyAnswer, answer.pk, Action.CHANGE, context, detail={"event": "edit"})
        raise Http404
    if answer.status not in EDITABLE_STATUSES:
        messages.info(
            request,
            _("This answer is %(status)s and can no longer be changed.") % {"status": answer.get_status_display()},
        )
        return redirect("mapping:answer", answer_id=answer.pk)
    if request.method != "POST":
        return _render_form(request, answer, _form(answer))
    form = _form(answer, request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.save_answer(
                answer=answer,
                values={**form.values(), "programme": answer.programme.code},
                expected_version=form.cleaned_data["version"],
                acting_user=user,
                context=context,
            )
            if request.POST.get("then") == SUBMIT:
                actions.submit_answer(answer=answer, expected_version=answer.version, acting_user=user, context=context)
        except actions.StaleAnswer as refused:
            form.add_error(None, refused.message)
            status = 409
        except actions.AnswerRefused as refused:
            form.add_error(None, refused.message)
            form.add_problems(refused.problems)
            if answer.version != form.cleaned_data["version"]:
                # Saved, but not complete enough to submit: the form goes on from the saved version.
                form = _form(answer, {**request.POST.dict(), "version": answer.version})
                form.is_valid()
                form.add_error(
                    None,
                    _("Your answer is saved, but it cannot be submitted yet: %(reason)s") % {"reason": refused.message},
                )
                form.add_problems(refused.problems)
        else:
            if answer.status == AnswerStatus.SUBMITTED:
                messages.success(request, _("Your answer is saved and submitted for review."))
            else:
                messages.success(request, _("Your answer is saved. Submit it for review when it is complete."))
            return redirect("mapping:answer", answer_id=answer.pk)
    return _render_form(request, answer, form, status=status)


def _render_form(request: HttpRequest, answer: SurveyAnswer, form: AnswerForm, *, status: int = 200) -> HttpResponse:
    context = {
        "answer": answer,
        "form": form,
        "returned": answer.status == AnswerStatus.RETURNED and bool(answer.review_comment),
    }
    return render(request, "mapping/answer_edit.html", context, status=status)


@login_required
@require_POST
def answer_move_view(request: HttpRequest, answer_id: int, event: str) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    answer = access_answer(user, answer_id, context=context)
    if event not in EVENTS:
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_answer(request, answer, review_form=form, status=422)
    version, comment = form.cleaned_data["version"], form.cleaned_data["comment"]
    try:
        if event == SUBMIT:
            actions.submit_answer(answer=answer, expected_version=version, acting_user=user, context=context)
        elif event == ACCEPT:
            actions.accept_answer(
                answer=answer, expected_version=version, comment=comment, acting_user=user, context=context
            )
        elif event == RETURN:
            actions.return_answer(
                answer=answer, expected_version=version, comment=comment, acting_user=user, context=context
            )
        elif event == PUBLISH:
            actions.publish_answer(answer=answer, expected_version=version, acting_user=user, context=context)
        else:
            actions.withdraw_answer(answer=answer, expected_version=version, acting_user=user, context=context)
    except actions.AnswerRefused as refused:
        form.add_error(None, refused.message)
        return _render_answer(
            request,
            answer,
            review_form=form,
            problems=_problem_links(answer, refused.problems),
            status=409 if isinstance(refused, actions.StaleAnswer) else 422,
        )
    messages.success(request, _("The answer is now: %(status)s.") % {"status": AnswerStatus(answer.status).label})
    return redirect("mapping:answer", answer_id=answer.pk)
