"""Business events of the mapping survey, one function each, each written to the audit log in
the same transaction as the change it records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import audit
from tandem.core.models import User
from tandem.mapping.models import AnswerSource, AnswerStatus, Programme, Questionnaire, SurveyAnswer, SurveyRound
from tandem.mapping.queries import answerable_programmes, party_of, round_choice_sets
from tandem.mapping.questionnaire import (
    Definition,
    Problem,
    definition_of,
    shipped_definitions,
    validate,
)
from tandem.mapping.rules import AUTHOR, EDITABLE_STATUSES, next_status, round_is_open


class AnswerRefused(Exception):
    """The change cannot be made; ``problems`` say what to fix (per question where known)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class StaleAnswer(AnswerRefused):
    """Someone else changed the answer since it was opened."""


def _structure(data: Mapping[str, Any]) -> str:
    """What a questionnaire asks, without its wording: names, types, choices and limits."""
    definition = Definition.from_json(data)
    shape = (
        [(q.name, q.type, q.choices, q.required, q.min, q.max, q.section) for q in definition.questions],
        {name: [c.name for c in items] for name, items in definition.choice_lists.items()},
    )
    return json.dumps(shape, sort_keys=True, default=str)


def load_shipped_questionnaires(*, using: str = "default") -> int:
    """Store the questionnaire versions shipped with Tandem. A version already stored gets the
    shipped wording (translations improve), but never a changed structure: a different
    question is a new version."""
    loaded = 0
    for data in shipped_definitions():
        stored = Questionnaire.objects.using(using).filter(key=data["key"], version=data["version"]).first()
        if stored is None:
            Definition.from_json(data)
            Questionnaire.objects.using(using).create(key=data["key"], version=data["version"], definition=data)
            loaded += 1
        elif stored.definition != data:
            if _structure(stored.definition) != _structure(data):
                raise ValueError(
                    f"questionnaire {data['key']} v{data['version']} changed its questions; ship it as a new version"
                )
            stored.definition = data
            stored.save(update_fields=["definition"])
    return loaded


def start_answer(
    *, user: User, survey_round: SurveyRound, programme: Programme, request: HttpRequest | None = None
) -> SurveyAnswer:
    """Open (or return the existing) draft answer of one of the user's programmes."""
    if not answerable_programmes(user, survey_round).filter(pk=programme.pk).exists():
        raise AnswerRefused(_("You cannot answer for this programme in this round."))
    with transaction.atomic():
        answer, created = SurveyAnswer.objects.get_or_create(
            round=survey_round, programme=programme, defaults={"values": {"programme": programme.code}}
        )
        if created:
            audit.record(
                "mapping.answer.started",
                actor=user,
                obj=answer,
                organisation=programme.provider_id,
                request=request,
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
    updated = SurveyAnswer.objects.filter(pk=answer.pk, version=expected_version).update(
        version=expected_version + 1, updated_at=timezone.now(), **changes
    )
    if not updated:
        raise StaleAnswer(
            _("Someone else changed this answer after you opened it. Open it again to see their changes.")
        )
    for name, value in changes.items():
        setattr(answer, name, value)
    answer.version = expected_version + 1


def save_answer(
    *,
    user: User,
    answer: SurveyAnswer,
    values: Mapping[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
    today: Any = None,
) -> SurveyAnswer:
    """Save the author's values of a draft (or returned) answer. Incomplete values are fine in
    a draft; wrong ones (a word for a number, an unknown choice) are refused whole."""
    if AUTHOR not in party_of(user, answer):
        raise AnswerRefused(_("Only the programme's coordinators and administrators fill in its answer."))
    if answer.status not in EDITABLE_STATUSES:
        raise AnswerRefused(
            _("This answer is %(status)s and can no longer be changed.") % {"status": answer.get_status_display()}
        )
    _ensure_open(answer, today)
    values = {name: value for name, value in values.items() if value not in (None, "", [])}
    problems = [p for p in check_values(answer.round, answer.programme, values) if p.kind != "missing"]
    if problems:
        raise AnswerRefused(_("Some answers need correcting."), problems)
    with transaction.atomic():
        _bump(answer, expected_version, values=values, source=AnswerSource.WEB)
        audit.record(
            "mapping.answer.saved",
            actor=user,
            obj=answer,
            organisation=answer.programme.provider_id,
            request=request,
            detail={"round": answer.round_id, "programme": answer.programme.code, "version": answer.version},
        )
    return answer


def _ensure_open(answer: SurveyAnswer, today: Any) -> None:
    """New answers are given while the round is open. An answer a reviewer returned may be
    corrected and submitted again after the round closed: the review asked for it."""
    if answer.status == AnswerStatus.RETURNED:
        return
    survey_round = answer.round
    today = today or timezone.localdate()
    if not round_is_open(opens_on=survey_round.opens_on, closes_on=survey_round.closes_on, today=today):
        raise AnswerRefused(
            _("The round is open from %(opens)s to %(closes)s.")
            % {"opens": survey_round.opens_on.isoformat(), "closes": survey_round.closes_on.isoformat()}
        )


EVENT_AUDIT = {
    "submit": "mapping.answer.submitted",
    "accept": "mapping.answer.accepted",
    "return": "mapping.answer.returned",
    "publish": "mapping.answer.published",
    "withdraw": "mapping.answer.withdrawn",
}


def move_answer(
    *,
    user: User,
    answer: SurveyAnswer,
    event: str,
    expected_version: int,
    comment: str = "",
    request: HttpRequest | None = None,
    today: Any = None,
) -> SurveyAnswer:
    """Submit, accept, return (with comments), publish or withdraw an answer."""
    parties = party_of(user, answer)
    target = next((to for party in sorted(parties) if (to := next_status(event, answer.status, party))), None)
    if target is None:
        raise AnswerRefused(
            _("You cannot do this with an answer that is %(status)s.") % {"status": answer.get_status_display()}
        )
    changes: dict[str, Any] = {"status": target}
    now = timezone.now()
    if event == "submit":
        _ensure_open(answer, today)
        problems = check_values(answer.round, answer.programme, answer.values)
        if problems:
            raise AnswerRefused(_("Complete the answer before submitting it."), problems)
        changes["submitted_at"] = now
    elif event == "return":
        if not comment.strip():
            raise AnswerRefused(_("Say what needs changing: a returned answer needs comments."))
        changes.update(review_comment=comment.strip(), reviewed_at=now)
    elif event == "accept":
        changes.update(review_comment=comment.strip(), reviewed_at=now)
    elif event == "publish":
        changes["published_at"] = now
    elif event == "withdraw":
        changes["published_at"] = None
    with transaction.atomic():
        _bump(answer, expected_version, **changes)
        detail: dict[str, Any] = {"round": answer.round_id, "programme": answer.programme.code, "status": target}
        if event == "return":
            detail["comment"] = answer.review_comment
        audit.record(
            EVENT_AUDIT[event],
            actor=user,
            obj=answer,
            organisation=answer.programme.provider_id,
            request=request,
            detail=detail,
        )
    return answer


__all__ = [
    "AnswerRefused",
    "AnswerStatus",
    "StaleAnswer",
    "check_values",
    "load_shipped_questionnaires",
    "move_answer",
    "save_answer",
    "start_answer",
]
