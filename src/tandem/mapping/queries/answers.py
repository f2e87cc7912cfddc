"""Survey answers: what a person may see or work on, what waits for her review, and what is
published."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Action, Capacity
from tandem.core.scoping import access, has_capacity
from tandem.geo.models import Country
from tandem.mapping.models import (
    AnswerStatus,
    RoundReviewer,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.queries.parties import managing_organisations
from tandem.mapping.rules.workflow import AUTHOR, REVIEWER


def answers_visible_to(user: User | Any, action: Action = Action.VIEW) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.visible_to(user, action).select_related("round", "programme", "programme__country")


def party_of(user: User | Any, answer: SurveyAnswer) -> set[str]:
    """What ``user`` is to this answer: its author, its reviewer, or nothing. Someone who
    answers for the programme never reviews that answer, even if she was (wrongly) made a
    reviewer of its country."""
    if has_capacity(user, Capacity.ANSWER_SURVEYS, answer.programme.provider_id):
        return {AUTHOR}
    if has_capacity(user, Capacity.RUN_SURVEYS, answer.round.owner_id) or is_reviewer_of(user, answer):
        return {REVIEWER}
    return set()


def is_reviewer_of(user: User | Any, answer: SurveyAnswer) -> bool:
    if not getattr(user, "pk", None):
        return False
    return RoundReviewer.objects.filter(
        round_id=answer.round_id, country_id=answer.programme.country_id, user_id=user.pk
    ).exists()


def access_answer(
    user: User | Any, answer_id: int, *, context: AuditContext | None = None, action: Action = Action.VIEW
) -> SurveyAnswer:
    """One answer ``user`` may see (or, with ``Action.CHANGE``, work on); 404 otherwise, with
    an attempt on an existing answer written to the audit log."""
    return access(
        SurveyAnswer,
        user,
        answer_id,
        action=action,
        context=context,
        queryset=SurveyAnswer.objects.select_related(
            "round", "round__questionnaire", "round__owner", "programme", "programme__country", "reviewed_by"
        ),
    )


def published_answers(
    *, survey_round: SurveyRound | None = None, country: Country | None = None
) -> QuerySet[SurveyAnswer]:
    """Published answers: the only ones indicators, coverage, the report and open data read.
    Once published an answer is public; aggregates built from them apply the small-number rule."""
    answers = SurveyAnswer._base_manager.filter(status=AnswerStatus.PUBLISHED)
    if survey_round is not None:
        answers = answers.filter(round=survey_round)
    if country is not None:
        answers = answers.filter(programme__country=country)
    return answers


def get_answer(answer_id: int) -> SurveyAnswer | None:
    """An answer for the background worker that acts on its events."""
    return (
        SurveyAnswer._base_manager.select_related(
            "round", "round__owner", "programme", "programme__country", "programme__provider"
        )
        .filter(pk=answer_id)
        .first()
    )


def reviewers_of_answer(answer: SurveyAnswer) -> list[User]:
    """The people assigned to review the answers of its country in its round."""
    return [
        reviewer.user
        for reviewer in RoundReviewer._base_manager.filter(
            round_id=answer.round_id, country_id=answer.programme.country_id
        ).select_related("user")
    ]


def submitted_answers_of_country(survey_round: SurveyRound, country: Country) -> QuerySet[SurveyAnswer]:
    """The answers of one country waiting for review in a round (for the reviewer's work)."""
    return SurveyAnswer._base_manager.filter(
        round=survey_round, programme__country=country, status=AnswerStatus.SUBMITTED
    ).select_related("round", "round__owner", "programme", "programme__country")


def get_submitted_answers_without_review(survey_round: SurveyRound) -> QuerySet[SurveyAnswer]:
    """Submitted answers of a round for which no review work is open."""
    from tandem.core.models import WorkItem
    from tandem.mapping.work_rules import REVIEW_ANSWER

    open_review = WorkItem._base_manager.filter(
        rule=REVIEW_ANSWER.key,
        subject_type=SurveyAnswer._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        state=WorkItem.State.OPEN,
    )
    return (
        SurveyAnswer._base_manager.filter(round=survey_round, status=AnswerStatus.SUBMITTED)
        .exclude(Exists(open_review))
        .select_related("round", "round__owner", "programme", "programme__country")
    )


def get_submitted_answers_with_open_rework(survey_round: SurveyRound) -> QuerySet[SurveyAnswer]:
    """Submitted answers of a round whose correction is still open work (an import submitted
    them again on the provider's behalf)."""
    from tandem.core.models import WorkItem
    from tandem.mapping.work_rules import REWORK_ANSWER

    open_rework = WorkItem._base_manager.filter(
        rule=REWORK_ANSWER.key,
        subject_type=SurveyAnswer._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        state=WorkItem.State.OPEN,
    )
    return SurveyAnswer._base_manager.filter(round=survey_round, status=AnswerStatus.SUBMITTED).filter(
        Exists(open_rework)
    )


def answers_waiting_for_review(user: User | Any) -> QuerySet[SurveyAnswer]:
    """Submitted answers that ``user`` is to decide on: those of the countries she reviews,
    and every one of the rounds she runs."""
    reviews_country = Exists(
        RoundReviewer._base_manager.filter(
            round=OuterRef("round"), country=OuterRef("programme__country"), user_id=getattr(user, "pk", 0) or 0
        )
    )
    return (
        answers_visible_to(user, Action.CHANGE)
        .filter(Q(reviews_country) | Q(round__owner_id__in=managing_organisations(user)), status=AnswerStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
    )


def review_due_dates(answers: list[SurveyAnswer]) -> dict[int, Any]:
    """When the review of each of these answers is due: the earliest open review work of the
    answer, whoever holds it (the round's organisers see the deadlines of every reviewer).
    Only the dates are read; the answers are those the reader may already decide on."""
    from tandem.core.models import WorkItem
    from tandem.mapping.work_rules import REVIEW_ANSWER

    ids = [str(answer.pk) for answer in answers]
    if not ids:
        return {}
    items = WorkItem._base_manager.filter(
        rule=REVIEW_ANSWER.key,
        subject_type=SurveyAnswer._meta.label_lower,
        subject_id__in=ids,
        state=WorkItem.State.OPEN,
    ).order_by("due_at")
    due: dict[int, Any] = {}
    for subject_id, due_at in items.values_list("subject_id", "due_at"):
        due.setdefault(int(subject_id), due_at)
    return due


def get_answers_of_round(survey_round: SurveyRound, *, lock: bool) -> QuerySet[SurveyAnswer]:
    """Every answer of a round, for an import that replaces them; locked until the import's
    transaction ends when ``lock``."""
    answers = SurveyAnswer._base_manager.filter(round=survey_round)
    return answers.select_for_update() if lock else answers
