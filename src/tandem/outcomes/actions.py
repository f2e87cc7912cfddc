"""Outcome monitoring's business events: a case's schedule made on entry and on exit, a
partner's schedule made when her record is linked to the case, answers recorded at a time point,
and a point closed without answers (declined, or nobody could be reached). Each takes
``acting_user`` (None for the worker) and is audited."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.cases.models import Case
from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Event, Organisation, User
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import record_denied
from tandem.core.versions import save_if_unchanged
from tandem.core.work import cancel_work, close_work, open_work
from tandem.outcomes import queries
from tandem.outcomes.models import (
    CasePoint,
    ManResponse,
    ManScore,
    Mode,
    PartnerPoint,
    PartnerResponse,
    PartnerScore,
    PointState,
    TimePoint,
)
from tandem.outcomes.rules.instruments import MAN, PARTNER, AnswerError, Instrument, current_instrument
from tandem.outcomes.rules.schedule import DEFAULT_SCHEDULE, EXIT, PointRule, not_yet_open, schedule_of, windows
from tandem.outcomes.work_rules import HER_QUESTIONNAIRE, HIS_QUESTIONNAIRE
from tandem.survivors import queries as survivor_queries, rules as survivor_rules
from tandem.survivors.models import Channel, PartnerLink, Purpose

MAX_NOTE = 2_000
ENDED_BY = {PointState.ANSWERED: "outcomes.answered", PointState.DECLINED: "outcomes.declined"}


class OutcomeRefused(Exception):
    """An action refused with a message that says what is missing."""

    def __init__(self, message: str, *, rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


def schedule() -> tuple[PointRule, ...]:
    configured = getattr(settings, "TANDEM_OUTCOME_SCHEDULE", None) or DEFAULT_SCHEDULE
    return schedule_of(configured, TimePoint.values)


# --- Schedules --------------------------------------------------------------------------------------


def _country(organisation: Organisation) -> str | None:
    return organisation.country.code if organisation.country is not None else None


def _due_at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17)))


def _open_his_work(point: CasePoint, event: Event | None) -> None:
    organisation = point.case.organisation
    open_work(
        rule=HIS_QUESTIONNAIRE,
        organisation=organisation,
        subject=point,
        params={"case": point.case_id},
        team_role=Role.FACILITATOR,
        event=event,
        start=_due_at(point.closes_on),
        country_code=_country(organisation),
        compartment=Compartment.PROGRAMME,
        key=f"{HIS_QUESTIONNAIRE.key}:{point.pk}",
    )


def _open_her_work(point: PartnerPoint, event: Event | None) -> None:
    organisation = point.partner.organisation
    open_work(
        rule=HER_QUESTIONNAIRE,
        organisation=organisation,
        subject=point,
        params={"partner": point.partner_id},
        team_role=Role.SURVIVOR_WORKER,
        event=event,
        start=_due_at(point.closes_on),
        country_code=_country(organisation),
        compartment=Compartment.SURVIVOR,
        key=f"{HER_QUESTIONNAIRE.key}:{point.pk}",
    )


def _her_points(link: PartnerLink, his: Mapping[str, CasePoint], event: Event | None) -> None:
    """Her points mirror his: the same windows, so that both views can be set side by side."""
    hers = queries.partner_points_by_name(link.partner_id, link.case_number)
    for name, point in his.items():
        if name in hers:
            continue
        mine = PartnerPoint.objects.create(
            partner=link.partner,
            case_number=link.case_number,
            point=name,
            opens_on=point.opens_on,
            closes_on=point.closes_on,
            state=PointState.DUE if point.state != PointState.MISSED else PointState.MISSED,
        )
        if mine.state == PointState.DUE:
            _open_her_work(mine, event)


def make_schedule(case: Case, anchor: str, on: date, *, event: Event | None = None) -> list[CasePoint]:
    """The points of ``anchor`` (the start, or his exit) for the case and for every partner
    linked to it; a point already there is left as it is, so an event delivered twice changes
    nothing. At exit, a point of the programme's own time that had not yet opened is missed."""
    made: list[CasePoint] = []
    with transaction.atomic():
        existing = queries.case_points_by_name(case.pk)
        if anchor == EXIT:
            for point in existing.values():
                if point.state == PointState.DUE and not_yet_open(point.opens_on, on):
                    _not_reached(point, _("He left the programme before this point."))
        for window in windows(schedule(), anchor, on):
            if window.point in existing:
                continue
            point = CasePoint.objects.create(
                case=case, point=window.point, opens_on=window.opens_on, closes_on=window.closes_on
            )
            point.case = case
            _open_his_work(point, event)
            made.append(point)
        his = queries.case_points_by_name(case.pk)
        for link in queries.links_of_case(case.pk):
            _her_points(link, his, event)
        audit.record(
            "outcomes.scheduled",
            actor=None,
            obj=case,
            organisation=case.organisation_id,
            compartment=Compartment.PROGRAMME,
            context=audit.WORKER,
            detail={"anchor": anchor, "points": [point.point for point in made]},
        )
    return made


def _not_reached(point: CasePoint, note: str) -> None:
    CasePoint.objects.filter(pk=point.pk).update(state=PointState.MISSED, state_note=note, version=point.version + 1)
    cancel_work(rule=HIS_QUESTIONNAIRE, subject=point, reason="outcomes.not_reached", acting_user=None)
    for hers in queries.due_partner_points(point.case_id, point.point):
        PartnerPoint.objects.filter(pk=hers.pk).update(state=PointState.MISSED, version=hers.version + 1)
        cancel_work(rule=HER_QUESTIONNAIRE, subject=hers, reason="outcomes.not_reached", acting_user=None)


def schedule_for_partner(link: PartnerLink, *, event: Event | None = None) -> None:
    """She was linked to a case that already has a schedule: she gets its points."""
    with transaction.atomic():
        _her_points(link, queries.case_points_by_name(link.case_number), event)


# --- Answers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    values: Mapping[str, int | None]
    language: str
    answered_on: date
    mode: str
    channel: str = ""  # how she was reached (her answers only)


def _checked(instrument: Instrument, answers: Answers, point: CasePoint | PartnerPoint) -> dict[str, int | None]:
    try:
        values = instrument.checked(answers.values)
    except AnswerError as error:
        raise ValidationError(
            {"answers": _("Question %(item)s: the answer is not on its scale.") % {"item": error.item}}
        ) from None
    if not any(value is not None for value in values.values()):
        raise ValidationError(
            {"answers": _("Give at least one answer, or record that the questionnaire was declined.")}
        )
    if answers.language not in instrument.languages:
        raise ValidationError({"language": _("The questionnaire is not written in this language.")})
    if answers.answered_on > clock.today():
        raise ValidationError({"answered_on": _("The day it was answered cannot be in the future.")})
    if answers.answered_on < point.opens_on:
        raise ValidationError(
            {
                "answered_on": _(
                    "This time point opened on %(day)s: answers from before it belong to an earlier point."
                )
                % {"day": _date(point.opens_on)}
            }
        )
    return values


def _date(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _answerable(point: CasePoint | PartnerPoint) -> None:
    if point.state in (PointState.ANSWERED, PointState.DECLINED) or queries.has_response(point):
        raise OutcomeRefused(
            _("This time point is closed already: open it again to see what was recorded."), rule="closed"
        )


def record_his_answers(
    *,
    point: CasePoint,
    answers: Answers,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> ManResponse:
    """His questionnaire at one time point, given in a session or entered by staff."""
    _may_change(acting_user, point, context)
    if answers.mode not in (Mode.SESSION, Mode.STAFF_FORM, Mode.IMPORT):
        raise ValidationError({"mode": _("Choose how he answered.")})
    instrument = current_instrument(MAN)
    _answerable(point)
    values = _checked(instrument, answers, point)
    try:
        with transaction.atomic():
            if not save_if_unchanged(point, expected_version, state=PointState.ANSWERED):
                raise OutcomeRefused(
                    _("Someone else recorded this time point meanwhile. Open it again."), rule="version"
                )
            response = ManResponse.objects.create(
                point=point, **_response_fields(instrument, answers, values, acting_user)
            )
            ManScore.objects.bulk_create(
                ManScore(response=response, subscale=key, value=value)
                for key, value in instrument.scores(values).items()
                if value is not None
            )
            close_work(rule=HIS_QUESTIONNAIRE, subject=point, fulfilled_by="outcomes.answered", acting_user=acting_user)
            audit.record(
                "outcomes.his_answers",
                actor=acting_user,
                obj=response,
                organisation=point.case.organisation_id,
                compartment=Compartment.PROGRAMME,
                context=context,
                detail={"point": point.point, "instrument": instrument.name, "answered": response.answered},
            )
    except IntegrityError:
        raise OutcomeRefused(
            _("Someone else recorded this time point meanwhile. Open it again."), rule="version"
        ) from None
    return response


def record_her_answers(
    *,
    point: PartnerPoint,
    answers: Answers,
    expected_version: int,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> PartnerResponse:
    """Her questionnaire at one time point: an interview by her support worker (through a
    channel she agreed to for outcome questionnaires), or her own answers through a link."""
    if answers.mode == Mode.LINK:
        if acting_user is not None:
            raise OutcomeRefused(_("Only she answers through her link."), rule="link")
    else:
        if acting_user is None:
            raise OutcomeRefused(_("Only her support workers record her answers."), rule="allowed")
        _may_change(acting_user, point, context)
        if answers.mode != Mode.INTERVIEW:
            raise ValidationError({"mode": _("Her answers are recorded from an interview or come through her link.")})
    if answers.channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how she was reached.")})
    names = {key: str(value) for key, value in {**dict(Channel.choices), **dict(Purpose.choices)}.items()}
    refused = survivor_rules.refusal(
        survivor_queries.consent_terms(point.partner),
        answers.channel,
        Purpose.QUESTIONNAIRES,
        answers.answered_on,
        names=names,
    )
    if refused is not None:
        raise OutcomeRefused(refused, rule="consent")
    instrument = current_instrument(PARTNER)
    _answerable(point)
    values = _checked(instrument, answers, point)
    try:
        with transaction.atomic():
            if not save_if_unchanged(point, expected_version, state=PointState.ANSWERED):
                raise OutcomeRefused(
                    _("Someone else recorded this time point meanwhile. Open it again."), rule="version"
                )
            response = PartnerResponse.objects.create(
                point=point, **_response_fields(instrument, answers, values, acting_user)
            )
            PartnerScore.objects.bulk_create(
                PartnerScore(response=response, subscale=key, value=value)
                for key, value in instrument.scores(values).items()
                if value is not None
            )
            close_work(rule=HER_QUESTIONNAIRE, subject=point, fulfilled_by="outcomes.answered", acting_user=acting_user)
            audit.record(
                "outcomes.her_answers",
                actor=acting_user,
                obj=response,
                organisation=point.partner.organisation_id,
                compartment=Compartment.SURVIVOR,
                context=context or (audit.WORKER if acting_user is None else None),
                detail={"point": point.point, "instrument": instrument.name, "mode": answers.mode},
            )
    except IntegrityError:
        raise OutcomeRefused(
            _("Someone else recorded this time point meanwhile. Open it again."), rule="version"
        ) from None
    return response


def _response_fields(
    instrument: Instrument, answers: Answers, values: Mapping[str, int | None], acting_user: User | None
) -> dict[str, object]:
    return {
        "instrument": instrument.key,
        "instrument_version": instrument.version,
        "language": answers.language,
        "translation_version": instrument.translation_version(answers.language),
        "mode": answers.mode,
        "answers": json.dumps(values, sort_keys=True),
        "answered": instrument.answered(values),
        "answered_on": answers.answered_on,
        "recorded_by": acting_user,
        "recorded_at": clock.now(),
    }


def close_without_answers(
    *,
    point: CasePoint | PartnerPoint,
    state: str,
    note: str,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> CasePoint | PartnerPoint:
    """The questionnaire was declined, or nobody could reach the person in the window: the point
    is closed with the reason, and counts as a non-response in the report."""
    _may_change(acting_user, point, context)
    if state not in (PointState.DECLINED, PointState.MISSED):
        raise ValidationError({"state": _("Choose whether it was declined or nobody could be reached.")})
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("Keep the note under %(count)s characters.") % {"count": MAX_NOTE}})
    _answerable(point)
    is_his = isinstance(point, CasePoint)
    with transaction.atomic():
        if not save_if_unchanged(point, expected_version, state=state, state_note=note):
            raise OutcomeRefused(_("Someone else recorded this time point meanwhile. Open it again."), rule="version")
        rule = HIS_QUESTIONNAIRE if is_his else HER_QUESTIONNAIRE
        close_work(rule=rule, subject=point, fulfilled_by=f"outcomes.{state}", acting_user=acting_user)
        audit.record(
            f"outcomes.point_{state}",
            actor=acting_user,
            obj=point,
            organisation=point.case.organisation_id if isinstance(point, CasePoint) else point.partner.organisation_id,
            compartment=Compartment.PROGRAMME if is_his else Compartment.SURVIVOR,
            context=context,
            detail={"point": point.point},
        )
    return point


def _may_change(user: User, point: CasePoint | PartnerPoint, context: AuditContext | None) -> None:
    if not queries.may_change(user, point):
        record_denied(user, type(point), point.pk, Action.CHANGE, context)
        if isinstance(point, PartnerPoint):
            raise OutcomeRefused(_("Only her support workers record her answers."), rule="allowed")
        raise OutcomeRefused(_("Only the programme's staff record his answers."), rule="allowed")
