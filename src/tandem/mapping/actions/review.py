"""Who must review a submitted answer, and by when: the work items of the review; and who must
correct an answer the reviewers returned."""

from __future__ import annotations

from tandem.core.audit import AuditContext
from tandem.core.models import Event, User, WorkItem
from tandem.core.roles import CAPACITIES, Capacity, OrganisationKind, Role
from tandem.core.work import cancel_work, close_work, open_work
from tandem.mapping.models import AnswerStatus, SurveyAnswer, SurveyRound
from tandem.mapping.queries.answers import get_submitted_answers_with_open_rework, reviewers_of_answer
from tandem.mapping.work_rules import REVIEW_ANSWER, REWORK_ANSWER


def _team_of_organisers(kind: str) -> Role:
    """Without a reviewer for the country, the round's organisers review: its analysts, or
    the administrators of a government body (which has no analysts)."""
    roles = CAPACITIES[Capacity.RUN_SURVEYS].get(OrganisationKind(kind), frozenset())
    return Role.ANALYST if Role.ANALYST in roles else Role.ORG_ADMIN


def open_review_work(
    answer: SurveyAnswer, *, event: Event | None = None, only_for: User | None = None
) -> list[WorkItem]:
    """Work for each reviewer of the answer's country (or for the organisers' team when the
    country has none), due ten working days of that country after it was submitted."""
    if answer.status != AnswerStatus.SUBMITTED:
        return []
    survey_round = answer.round
    programme = answer.programme
    params = {"programme": programme.name, "code": programme.code, "round": survey_round.name}

    def open_for(key: str, owner: User | None = None, team_role: Role | None = None) -> WorkItem | None:
        # One item per submission and person: the answer's version says which submission it is.
        return open_work(
            rule=REVIEW_ANSWER,
            organisation=survey_round.owner,
            subject=answer,
            params=params,
            owner=owner,
            team_role=team_role,
            event=event,
            start=answer.submitted_at,
            country_code=programme.country.code,
            key=f"{REVIEW_ANSWER.key}:{answer.pk}:v{answer.version}:{key}",
        )

    reviewers = [only_for] if only_for is not None else reviewers_of_answer(answer)
    if reviewers:
        opened = [open_for(f"u{reviewer.pk}", owner=reviewer) for reviewer in reviewers]
    else:
        team = _team_of_organisers(survey_round.owner.kind)
        opened = [open_for(f"t{team.value}", team_role=team)]
    return [item for item in opened if item is not None]


def close_review_work(
    answer: SurveyAnswer, *, fulfilled_by: str, acting_user: User, context: AuditContext | None
) -> None:
    close_work(rule=REVIEW_ANSWER, subject=answer, fulfilled_by=fulfilled_by, acting_user=acting_user, context=context)


def cancel_review_work_of(
    answer: SurveyAnswer, reviewer: User, *, reason: str, acting_user: User | None, context: AuditContext | None
) -> None:
    cancel_work(
        rule=REVIEW_ANSWER,
        subject=answer,
        reason=reason,
        owner=reviewer,
        acting_user=acting_user,
        context=context,
    )


def _team_of_authors(kind: str) -> Role:
    """The provider's coordinators correct its answers; a kind of provider without
    coordinators leaves it to whoever else fills in its answers (its administrators)."""
    roles = CAPACITIES[Capacity.ANSWER_SURVEYS].get(OrganisationKind(kind), frozenset())
    return Role.COORDINATOR if Role.COORDINATOR in roles else Role.ORG_ADMIN


def open_rework_work(answer: SurveyAnswer, *, event: Event | None = None) -> WorkItem | None:
    """Work for the team of the provider that fills in the answer, when a reviewer returned it:
    correct it and submit it again, due ten working days of the programme's country after it
    was returned."""
    if answer.status != AnswerStatus.RETURNED:
        return None
    survey_round = answer.round
    programme = answer.programme
    team = _team_of_authors(programme.provider.kind)
    return open_work(
        rule=REWORK_ANSWER,
        organisation=programme.provider,
        subject=answer,
        params={"programme": programme.name, "code": programme.code, "round": survey_round.name},
        team_role=team,
        event=event,
        start=answer.reviewed_at,
        country_code=programme.country.code,
        # One item per return: the answer's version says which return it is.
        key=f"{REWORK_ANSWER.key}:{answer.pk}:v{answer.version}:t{team.value}",
    )


def close_rework_work(
    answer: SurveyAnswer, *, fulfilled_by: str, acting_user: User | None, context: AuditContext | None
) -> None:
    close_work(rule=REWORK_ANSWER, subject=answer, fulfilled_by=fulfilled_by, acting_user=acting_user, context=context)


def close_rework_of_imported_answers(
    survey_round: SurveyRound, *, acting_user: User | None, context: AuditContext | None
) -> None:
    """An import that submitted returned answers again did the work of correcting them."""
    for answer in get_submitted_answers_with_open_rework(survey_round):
        close_rework_work(answer, fulfilled_by="mapping.import", acting_user=acting_user, context=context)
