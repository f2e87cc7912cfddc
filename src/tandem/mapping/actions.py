"""Business events of the mapping survey, one function each, each written to the audit log in
the same transaction as the change it records. Each takes the person acting
(``acting_user``) and, from a web page, the ``AuditContext`` of her request.

A refused change is on the record too, written before the refusal is raised and outside
any transaction it would roll back: ``access.denied`` when the person has no part in the
answer, ``mapping.answer.refused`` when she has but the answer's state does not allow it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.roles import Action, OrganisationKind
from tandem.core.scoping import record_denied
from tandem.geo.models import Country, Region
from tandem.mapping.models import (
    AnswerSource,
    AnswerStatus,
    DeliveryLocation,
    Programme,
    Questionnaire,
    RoundReviewer,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.queries import (
    ROUND_OWNER_KINDS,
    answerable_programmes,
    party_of,
    round_choice_sets,
    submitted_answers_of_country,
)
from tandem.mapping.questionnaire import (
    Definition,
    Problem,
    definition_of,
    shipped_definitions,
    validate,
)
from tandem.mapping.review import cancel_review_work_of, close_review_work, open_review_work
from tandem.mapping.rules import (
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
from tandem.mapping.work_rules import ANSWER_SUBMITTED


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
    updated = SurveyAnswer.objects.filter(pk=answer.pk, version=expected_version).update(
        version=expected_version + 1, updated_at=clock.now(), **changes
    )
    if not updated:
        raise StaleAnswer(
            _("Someone else changed this answer after you opened it. Open it again to see their changes.")
        )
    for name, value in changes.items():
        setattr(answer, name, value)
    answer.version = expected_version + 1


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
    """The author sends a complete answer for review."""
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
        changes={"review_comment": comment.strip(), "reviewed_at": clock.now()},
        then=lambda decided: close_review_work(
            decided, fulfilled_by="mapping.answer.accepted", acting_user=acting_user, context=context
        ),
    )


def return_answer(
    *, answer: SurveyAnswer, expected_version: int, comment: str, acting_user: User, context: AuditContext | None = None
) -> SurveyAnswer:
    """A reviewer sends an answer back to its authors, saying what needs changing; the review
    is done."""
    if not comment.strip():
        raise AnswerRefused(_("Say what needs changing: a returned answer needs comments."))
    return _move(
        answer,
        RETURN,
        expected_version=expected_version,
        acting_user=acting_user,
        context=context,
        changes={"review_comment": comment.strip(), "reviewed_at": clock.now()},
        detail={"comment": comment.strip()},
        then=lambda decided: close_review_work(
            decided, fulfilled_by="mapping.answer.returned", acting_user=acting_user, context=context
        ),
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


__all__ = [
    "AnswerRefused",
    "AnswerStatus",
    "StaleAnswer",
    "accept_answer",
    "check_values",
    "load_shipped_questionnaires",
    "publish_answer",
    "return_answer",
    "save_answer",
    "start_answer",
    "submit_answer",
    "withdraw_answer",
]


# --- The registry and the rounds ------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """A place where a programme meets its participants."""

    town: str
    region: Region
    latitude: float
    longitude: float
    publish: bool = True


@transaction.atomic
def register_programme(
    *,
    provider: Organisation,
    code: str,
    name: str,
    country: Country,
    regions: Iterable[Region],
    details: Mapping[str, Any],
    locations: Iterable[Location] = (),
    acting_user: User | None,
    context: AuditContext | None = None,
) -> Programme:
    """Add a programme to the registry, with the regions it serves (of its own country) and
    its delivery locations, as the platform administrator does."""
    served = list(regions)
    foreign = [region.code for region in served if region.country_id != country.pk]
    if foreign:
        raise ValidationError(
            _("A programme serves regions of its own country only: %(regions)s.") % {"regions": ", ".join(foreign)}
        )
    programme = Programme(provider=provider, code=code, name=name, country=country, **details)
    programme.full_clean()
    programme.save()
    programme.regions_served.set(served)
    for location in locations:
        _add_location(programme, location)
    audit.record(
        "programme.created",
        actor=acting_user,
        obj=programme,
        organisation=provider,
        context=context,
        detail={"code": code, "fields": sorted(["code", "name", "country", "regions_served", *details])},
    )
    return programme


def _add_location(programme: Programme, location: Location) -> DeliveryLocation:
    place = DeliveryLocation(programme=programme, **asdict(location))
    place.full_clean()
    place.save()
    return place


@transaction.atomic
def add_delivery_location(
    *, programme: Programme, location: Location, acting_user: User | None, context: AuditContext | None = None
) -> DeliveryLocation:
    """A new place where a programme meets its participants; ``publish`` says whether the
    public may see it."""
    place = _add_location(programme, location)
    audit.record(
        "programme.changed",
        actor=acting_user,
        obj=programme,
        organisation=programme.provider_id,
        context=context,
        detail={"fields": ["locations"], "location": place.pk, "public": location.publish},
    )
    return place


@transaction.atomic
def open_round(
    *,
    owner: Organisation,
    name: str,
    questionnaire: Questionnaire,
    countries: Iterable[Country],
    opens_on: date,
    closes_on: date,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> SurveyRound:
    """Set up a survey round run by a network or a government body."""
    if OrganisationKind(owner.kind) not in ROUND_OWNER_KINDS:
        raise ValidationError(_("A survey round is run by a network or a government body."))
    survey_round = SurveyRound(
        owner=owner, name=name, questionnaire=questionnaire, opens_on=opens_on, closes_on=closes_on
    )
    survey_round.full_clean()
    survey_round.save()
    survey_round.countries.set(list(countries))
    audit.record(
        "mapping.round.created",
        actor=acting_user,
        obj=survey_round,
        organisation=owner,
        context=context,
        detail={"fields": ["closes_on", "countries", "name", "opens_on", "owner", "questionnaire"]},
    )
    return survey_round


@transaction.atomic
def assign_reviewer(
    *,
    survey_round: SurveyRound,
    country: Country,
    user: User,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> RoundReviewer:
    """Ask a person to review the answers of one country in a round. She sees them from now
    on, and answers already waiting become her work."""
    reviewer = RoundReviewer(round=survey_round, country=country, user=user)
    reviewer.full_clean()
    reviewer.save()
    audit.record(
        "mapping.reviewer.assigned",
        actor=acting_user,
        obj=reviewer,
        organisation=survey_round.owner_id,
        context=context,
        detail={"round": survey_round.pk, "country": country.code, "user": user.get_username()},
    )
    for answer in submitted_answers_of_country(survey_round, country):
        open_review_work(answer, only_for=user)
    return reviewer


@transaction.atomic
def remove_reviewer(*, reviewer: RoundReviewer, acting_user: User | None, context: AuditContext | None = None) -> None:
    """Withdraw a reviewer: she no longer sees the country's unpublished answers, and her open
    review work ends."""
    survey_round, country, user = reviewer.round, reviewer.country, reviewer.user
    audit.record(
        "mapping.reviewer.removed",
        actor=acting_user,
        organisation=survey_round.owner_id,
        context=context,
        detail={"round": survey_round.pk, "country": country.code, "user": user.get_username()},
    )
    reviewer.delete()
    for answer in submitted_answers_of_country(survey_round, country):
        cancel_review_work_of(answer, user, reason="mapping.reviewer.removed", acting_user=acting_user, context=context)
