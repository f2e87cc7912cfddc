"""An answer's way from draft to publication. A refused change is on the record too, written
before the refusal is raised and outside any transaction it would roll back: ``access.denied``
when the person has no part in the answer, ``mapping.answer.refused`` when she has but the
answer's state does not allow it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Action
from tandem.core.scoping import record_denied
from tandem.core.versions import save_if_unchanged
from tandem.mapping.actions.review import close_review_work, close_rework_work
from tandem.mapping.models import (
    AnswerSource,
    AnswerStatus,
    Programme,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.queries.answers import party_of
from tandem.mapping.queries.registry import answerable_programmes, round_choice_sets
from tandem.mapping.rules.questionnaire import (
    Definition,
    Problem,
    definition_of,
    validate,
)
from tandem.mapping.rules.workflow import (
    ACCEPT,
    AUTHOR,
    EDITABLE_STATUSES,
    PUBLISH,
    RETURN,
    SUBMIT,
    WITHDRAW,
    next_status,
    round_is_open,
)
from tandem.mapping.work_rules import ANSWER_RETURNED, ANSWER_SUBMITTED


class AnswerRefused(Exception):
    """The change cannot be made; ``problems`` say what to fix (per question where known)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class StaleAnswer(AnswerRefused):
    """Someone else changed the answer since it was opened."""


def start_answer(
    *, survey_round: SurveyRound, programme: Programme, acting_user: User, context: AuditContext | None = None
) -> SurveyAnswer:
    """Open (or return the existing) draft answer of one of the person's programmes."""
    if not answerable_programmes(acting_user, survey_round).filter(pk=programme.pk).exists():
        record_denied(acting_user, Programme, programme.pk, Action.CHANGE, context, detail={"round": survey_round.pk})
        raise AnswerRefused(_("You cannot answer for this programme in this round."))
    with transaction.atomic():
        answer, created = SurveyAnswer.objects.get_or_create(
            round=survey_round, programme=programme, defaults={"values": {"programme": programme.code}}
        )
        if created:
            audit.record(
                "mapping.answer.started",
                actor=acting_user,
                obj=answer,
                organisation=programme.provider_id,
                context=context,
                detail={"round": survey_round.pk, "programme": programme.code},
            )
    return answer


def _definition(survey_round: SurveyRound) -> Definition:
    return definition_of(survey_round.questionnaire.definition)


def check_values(survey_round: SurveyRound, programme: Programme, values: Mapping[str, Any]) -> list[Problem]:
    """Problems with a set of values for one programme's answer in one round."""
    problems = validate(_definition(survey_round), values, round_choice_sets(survey_round, country=programme.country))
    if values.get("programme") not in (None, programme.code):
        problems.append(Problem("programme", _("This answer belongs to %(code)s.") % {"code": programme.code}))
    return problems


def _bump(answer: SurveyAnswer, expected_version: int, **changes: Any) -> None:
    """Save ``changes`` only if nobody changed the answer since ``expected_version``."""
    if not save_if_unchanged(answer, expected_version, updated_at=clock.now(), **changes):
        raise StaleAnswer(
            _("Someone else changed this answer after you opened it. Open it again to see their changes.")
        )


def _refuse(
    answer: SurveyAnswer, acting_user: User, event: str, message: str, context: AuditContext | None
) -> AnswerRefused:
    """Put a refused change on the record and return the error to raise. Someone with no part
    in the answer is recorded as a denied attempt; a part that the answer's state does not
    allow now, as a refused step."""
    if not party_of(acting_user, answer):
        record_denied(acting_user, SurveyAnswer, answer.pk, Action.CHANGE, context, detail={"event": event})
    else:
        audit.record(
            "mapping.answer.refused",
            actor=acting_user,
            obj=answer,
            organisation=answer.programme.provider_id,
            context=context,
            detail={"event": event, "status": answer.status, "reason": message},
        )
    return AnswerRefused(message)


def save_answer(
    *,
    answer: SurveyAnswer,
    values: Mapping[str, Any],
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> SurveyAnswer:
    """Save the author's values of a draft (or returned) answer. Incomplete values are fine in
    a draft; wrong ones (a word for a number, an unknown choice) are refused whole."""
    if AUTHOR not in party_of(acting_user, answer):
        raise _refuse(
            answer,
            acting_user,
            "save",
            _("Only the programme's coordinators and administrators fill in its answer."),
            context,
        )
    if answer.status not in EDITABLE_STATUSES:
        raise _refuse(
            answer,
            acting_user,
            "save",
            _("This answer is %(status)s and can no longer be changed.") % {"status": answer.get_status_display()},
            context,
        )
    _ensure_open(answer, acting_user, "save", context)
    values = {name: value for name, value in values.items() if value not in (None, "", [])}
    problems = [p for p in check_values(answer.round, answer.programme, values) if p.kind != "missing"]
    if problems:
        raise AnswerRefused(_("Some answers need correcting."), problems)
    with transaction.atomic():
        _bump(answer, expected_version, values=values, source=AnswerSource.WEB)
        audit.record(
            "mapping.answer.saved",
            actor=acting_user,
            obj=answer,
            organisation=answer.programme.provider_id,
            context=context,
            detail={"round": answer.round_id, "programme": answer.programme.code, "version": answer.version},
        )
    return answer


def _ensure_open(answer: SurveyAnswer, acting_user: User, event: str, context: AuditContext | None) -> None:
    """New answers are given while the round is open. An answer a reviewer returned may be
    corrected and submitted again after the round closed: the review asked for it."""
    if answer.status == AnswerStatus.RETURNED:
        return
    survey_round = answer.round
    if not round_is_open(opens_on=survey_round.opens_on, closes_on=survey_round.closes_on, today=clock.today()):
        message = _("The round is open from %(opens)s to %(closes)s.") % {
            "opens": date_format(survey_round.opens_on, "DATE_FORMAT"),
            "closes": date_format(survey_round.closes_on, "DATE_FORMAT"),
        }
        raise _refuse(answer, acting_user, event, message, context)


def _move(
    answer: SurveyAnswer,
    event: str,
    *,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None,
    changes: Mapping[str, Any],
    detail: Mapping[str, Any] | None = None,
    then: Callable[[SurveyAnswer], None] | None = None,
) -> SurveyAnswer:
    """Move the answer along one step of its workflow, if the person may take that step now;
    ``then`` runs in the same transaction (an event to emit, work to close)."""
    parties = party_of(acting_user, answer)
    target = next((to for party in sorted(parties) if (to := next_status(event, answer.status, party))), None)
    if target is None and not parties:
        message = _("Only the reviewers of the answer's country and the round's organisers decide on it.")
        raise _refuse(answer, acting_user, event, message, context)
    if target is None:
        message = _("You cannot do this with an answer that is %(status)s.") % {"status": answer.get_status_display()}
        raise _refuse(answer, acting_user, event, message, context)
    with transaction.atomic():
        _bump(answer, expected_version, status=target, **changes)
        audit.record(
            f"mapping.answer.{AUDIT_NAMES[event]}",
            actor=acting_user,
            obj=answer,
            organisation=answer.programme.provider_id,
            context=context,
            detail={"round": answer.round_id, "programme": answer.programme.code, "status": target, **(detail or {})},
        )
        if then is not None:
            then(answer)
    return answer


AUDIT_NAMES = {
    SUBMIT: "submitted",
    ACCEPT: "accepted",
    RETURN: "returned",
    PUBLISH: "published",
    WITHDRAW: "withdrawn",
}


def submit_answer(
    *, answer: SurveyAnswer, expected_version: int, acting_user: User, context: AuditContext | None = None
) -> SurveyAnswer:
    """The author sends a complete answer for review; the work of correcting it, if it was
    returned, is done."""
    if AUTHOR in party_of(acting_user, answer) and answer.status in EDITABLE_STATUSES:
        _ensure_open(answer, acting_user, SUBMIT, context)
        problems = check_values(answer.round, answer.programme, answer.values)
        if problems:
            raise AnswerRefused(_("Complete the answer before submitting it."), problems)

    def ask_for_review(submitted: SurveyAnswer) -> None:
        events.emit(
            ANSWER_SUBMITTED,
            subject=submitted,
            organisation=submitted.round.owner_id,
            acting_user=acting_user,
            payload={"version": submitted.version, "round": submitted.round_id},
        )
        close_rework_work(submitted, fulfilled_by="mapping.answer.submitted", acting_user=acting_user, context=context)

    return _move(
        answer,
        SUBMIT,
        expected_version=expected_version,
        acting_user=acting_user,
        context=context,
        changes={"submitted_at": clock.now()},
        then=ask_for_review,
    )


def accept_answer(
    *,
    answer: SurveyAnswer,
    expected_version: int,
    acting_user: User,
    comment: str = "",
    context: AuditContext | None = None,
) -> SurveyAnswer:
    """A reviewer accepts a submitted answer, with optional comments for the programme; the
    review is done."""
    return _move(
        answer,
        ACCEPT,
        expected_version=expected_version,
        acting_user=acting_user,
        context=context,
        changes={"review_comment": comment.strip(), "reviewed_at": clock.now(), "reviewed_by": acting_user},
        then=lambda decided: close_review_work(
            decided, fulfilled_by="mapping.answer.accepted", acting_user=acting_user, context=context
        ),
    )


def return_answer(
    *, answer: SurveyAnswer, expected_version: int, comment: str, acting_user: User, context: AuditContext | None = None
) -> SurveyAnswer:
    """A reviewer sends an answer back to its authors, saying what needs changing; the review
    is done, and correcting the answer becomes the provider's work."""
    if not comment.strip():
        raise AnswerRefused(_("Say what needs changing: a returned answer needs comments."))

    def ask_for_rework(returned: SurveyAnswer) -> None:
        close_review_work(returned, fulfilled_by="mapping.answer.returned", acting_user=acting_user, context=context)
        events.emit(
            ANSWER_RETURNED,
            subject=returned,
            organisation=returned.programme.provider_id,
            acting_user=acting_user,
            payload={"version": returned.version, "round": returned.round_id},
        )

    return _move(
        answer,
        RETURN,
        expected_version=expected_version,
        acting_user=acting_user,
        context=context,
        changes={"review_comment": comment.strip(), "reviewed_at": clock.now(), "reviewed_by": acting_user},
        detail={"comment": comment.strip()},
        then=ask_for_rework,
    )


def publish_answer(
    *, answer: SurveyAnswer, expected_version: int, acting_user: User, context: AuditContext | None = None
) -> SurveyAnswer:
    """A reviewer publishes an accepted answer: from now on indicators, coverage and the
    report count it."""
    return _move(
        answer,
        PUBLISH,
        expected_version=expected_version,
        acting_user=acting_user,
        context=context,
        changes={"published_at": clock.now()},
    )


def withdraw_answer(
    *, answer: SurveyAnswer, expected_version: int, acting_user: User, context: AuditContext | None = None
) -> SurveyAnswer:
    """A reviewer takes a published answer back to accepted (to return and correct it)."""
    return _move(
        answer,
        WITHDRAW,
        expected_version=expected_version,
        acting_user=acting_user,
        context=context,
        changes={"published_at": None},
    )
