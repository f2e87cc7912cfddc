"""Builders for test data. Each keeps its records inside one organisation unless told otherwise,
and each goes through Tandem's own actions, so that tests run the real code path: the same
rules apply and the same audit entries are written."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_otp.oath import totp

from tandem.cases import actions as case_actions
from tandem.cases.actions import ReferralDetails
from tandem.cases.models import Case, Referral
from tandem.cases.rules import lifecycle
from tandem.cases.rules.lifecycle import State as CaseState
from tandem.core import actions as core_actions, clock
from tandem.core.models import AuthenticatorDevice, Membership, Organisation, User
from tandem.core.roles import CAPACITIES, Capacity, OrganisationKind, Role
from tandem.geo.models import Country, Region
from tandem.mapping.actions import answers as answer_actions
from tandem.mapping.actions.registry import Location, add_delivery_location, register_programme
from tandem.mapping.actions.rounds import assign_reviewer, open_round
from tandem.mapping.models import (
    AnswerStatus,
    Cost,
    DeliveryLocation,
    Format,
    Programme,
    Questionnaire,
    RoundReviewer,
    Status,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.rules.workflow import round_is_open
from tandem.survivors import actions as survivor_actions

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def platform_admin(username: str = "platform") -> User:
    """The platform administrator who sets up organisations (one per test database)."""
    found = User.objects.filter(username=username).first()
    return found or core_actions.create_platform_admin(username=username, password=PASSWORD)


def _builder() -> User:
    return platform_admin("builder")


def organisation(**fields: Any) -> Organisation:
    return core_actions.create_organisation(
        name=fields.pop("name", f"Organisation {next(_numbers)}"),
        kind=fields.pop("kind", OrganisationKind.PROGRAMME_PROVIDER),
        country=fields.pop("country", None),
        acting_user=_builder(),
    )


def user(*, password: str = PASSWORD, **fields: Any) -> User:
    number = next(_numbers)
    return core_actions.create_account(
        username=fields.pop("username", f"user{number}"),
        password=password,
        first_name=fields.pop("first_name", "Test"),
        last_name=fields.pop("last_name", f"Person {number}"),
        language=fields.pop("language", ""),
        acting_user=_builder(),
    )


def current_code(device: AuthenticatorDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def totp_device(person: User) -> AuthenticatorDevice:
    """An authenticator app, set up and confirmed as a person does it on her account page."""
    device = core_actions.start_totp_enrolment(acting_user=person)
    assert core_actions.confirm_totp_device(device=device, token=current_code(device), acting_user=person)
    # django-otp refuses a code it has seen; the tests sign in with the current one at once.
    AuthenticatorDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device


def member(organisation: Organisation, role: Role, username: str | None = None, *, with_device: bool = True) -> User:
    """A user with one role in one organisation (and an authenticator app, by default)."""
    person = user(username=username) if username else user()
    core_actions.add_member(organisation=organisation, user=person, role=role, acting_user=_builder())
    if with_device:
        totp_device(person)
    return person


def programme(name: str | None = None, *, country: str = "AL", region: str = "AL-11", **fields: Any) -> Programme:
    """A functioning programme in the registry, serving one region."""
    number = next(_numbers)
    provider = fields.pop("provider", None) or organisation(name=f"Provider {number}")
    regions = fields.pop("regions", None) or [region]
    details: dict[str, Any] = {
        "format": Format.GROUP,
        "cost": Cost.FREE,
        "status": Status.FUNCTIONING,
        "status_confirmed_on": date(2026, 10, 1),
        "legal_bases": ["court_mandated"],
    }
    code = fields.pop("code", f"{country}-T{number:04d}")
    details.update(fields)
    return register_programme(
        provider=provider,
        code=code,
        name=name or f"Programme {number}",
        country=Country.objects.get(code=country),
        regions=Region.objects.filter(code__in=regions),
        details=details,
        acting_user=_builder(),
    )


def location(
    programme: Programme,
    town: str,
    *,
    region: str = "AL-11",
    latitude: float = 41.33,
    longitude: float = 19.82,
    publish: bool = True,
) -> DeliveryLocation:
    return add_delivery_location(
        programme=programme,
        location=Location(
            town=town, region=Region.objects.get(code=region), latitude=latitude, longitude=longitude, publish=publish
        ),
        acting_user=_builder(),
    )


def survey_round(
    *, owner: Organisation | None = None, countries: list[str] | None = None, **fields: Any
) -> SurveyRound:
    """An open round of the shipped mapping questionnaire."""
    number = next(_numbers)
    return open_round(
        owner=owner or organisation(kind=OrganisationKind.NETWORK, name=f"Network {number}"),
        name=fields.pop("name", f"Round {number}"),
        questionnaire=fields.pop("questionnaire", None) or Questionnaire.objects.get(key="mapping", version=1),
        countries=Country.objects.filter(code__in=countries or ["AL"]),
        opens_on=fields.pop("opens_on", date(2026, 1, 1)),
        closes_on=fields.pop("closes_on", date(2099, 12, 31)),
        acting_user=_builder(),
    )


def reviewer(survey_round: SurveyRound, country: str, person: User) -> RoundReviewer:
    return assign_reviewer(
        survey_round=survey_round, country=Country.objects.get(code=country), user=person, acting_user=_builder()
    )


# A complete, consistent answer to the mapping questionnaire (regions and programme are set per answer).
COMPLETE_VALUES: dict[str, Any] = {
    "status": "functioning",
    "places_per_year": 60,
    "men_started_12m": 40,
    "men_completed_12m": 25,
    "cost": "free",
    "languages": ["sq"],
    "disability_access": "yes",
    "waiting_weeks": 4,
    "max_travel_km": 40,
    "remote_delivery": "no",
    "groups_12m": 4,
    "individual_12m": 6,
    "facilitators_trained": 4,
    "facilitators_women": 2,
    "facilitators_men": 2,
    "cofacilitation": "always",
    "supervision": "external",
    "partner_contact": "yes",
    "survivors_informed": "yes",
    "joint_planning": "joint_decisions",
    "risk_assessment": "standardised",
    "information_sharing": "yes",
    "outcome_monitoring": "standardised",
    "follow_up": "yes",
    "funding_sources": ["state"],
    "funding_secure": "yes",
    "national_standards": "followed",
}


def _someone_with(capacity: Capacity, organisation: Organisation, role: Role) -> User:
    """A member who acts for the organisation in ``capacity``: one already there, or a new one."""
    roles = CAPACITIES[capacity][OrganisationKind(organisation.kind)]
    found = (
        Membership.objects.filter(organisation=organisation, role__in=roles)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return found.user if found is not None else member(organisation, role, with_device=False)


def _while_open(survey_round: SurveyRound) -> datetime:
    """A moment when the round takes answers: now, or the day it opened."""
    if round_is_open(opens_on=survey_round.opens_on, closes_on=survey_round.closes_on, today=clock.today()):
        return clock.now()
    return timezone.make_aware(datetime.combine(survey_round.opens_on, time(12)))


def survey_answer(
    survey_round: SurveyRound,
    on: Programme,
    *,
    status: str = AnswerStatus.DRAFT,
    programme_status: str | None = None,
    **values: Any,
) -> SurveyAnswer:
    """A programme's answer taken through the workflow to ``status`` by the people who would
    do it: one of the provider's coordinators or administrators fills it in and submits it, and
    the organisation running the round decides on it. The answer is complete unless keyword
    arguments change it (None leaves a question out); ``programme_status`` is the answer to
    the question "status" (functioning, on paper …)."""
    answer_values = {
        **COMPLETE_VALUES,
        "programme": on.code,
        "regions_served": list(on.regions_served.values_list("code", flat=True)),
        **values,
    }
    if programme_status is not None:
        answer_values["status"] = programme_status
    answer_values = {name: value for name, value in answer_values.items() if value is not None}
    author = _someone_with(Capacity.ANSWER_SURVEYS, on.provider, Role.COORDINATOR)
    organiser_role = Role.ANALYST if survey_round.owner.kind == OrganisationKind.NETWORK else Role.ORG_ADMIN
    organiser = _someone_with(Capacity.RUN_SURVEYS, survey_round.owner, organiser_role)
    a = answer_actions
    with clock.frozen(_while_open(survey_round)):
        answer = a.start_answer(survey_round=survey_round, programme=on, acting_user=author)
        answer = a.save_answer(answer=answer, values=answer_values, expected_version=answer.version, acting_user=author)
        if status == AnswerStatus.DRAFT:
            return answer
        answer = a.submit_answer(answer=answer, expected_version=answer.version, acting_user=author)
    if status == AnswerStatus.RETURNED:
        return a.return_answer(answer=answer, expected_version=answer.version, comment="Check.", acting_user=organiser)
    if status in (AnswerStatus.ACCEPTED, AnswerStatus.PUBLISHED):
        answer = a.accept_answer(answer=answer, expected_version=answer.version, acting_user=organiser)
    if status == AnswerStatus.PUBLISHED:
        answer = a.publish_answer(answer=answer, expected_version=answer.version, acting_user=organiser)
    return answer


# --- Case work ------------------------------------------------------------------------------


def _someone(organisation: Organisation, role: Role) -> User:
    found = Membership.objects.filter(organisation=organisation, role=role).select_related("user").first()
    return found.user if found is not None else member(organisation, role)


def referral(
    provider: Organisation,
    *,
    agency: Organisation | None = None,
    name: str | None = None,
    **details: Any,
) -> Referral:
    """A referral to ``provider``: from ``agency`` by one of its referrers, or entered by the
    provider's coordinator as a self-referral."""
    number = next(_numbers)
    filled = ReferralDetails(
        name=name or f"Participant {number}",
        reason=details.pop("reason", "Referred after an incident of violence against his partner."),
        **details,
    )
    if agency is not None:
        return case_actions.submit_referral(
            provider=provider,
            details=filled,
            referring_organisation=agency,
            acting_user=_someone(agency, Role.REFERRER),
        )
    return case_actions.submit_referral(
        provider=provider, details=filled, acting_user=_someone(provider, Role.COORDINATOR)
    )


def case(
    provider: Organisation,
    *,
    agency: Organisation | None = None,
    state: CaseState = CaseState.REFERRED,
    name: str | None = None,
    **details: Any,
) -> Case:
    """A case opened from a referral and moved, through the actions, to ``state``; the
    survivor side's records and a risk assessment are made where the way there needs them."""
    coordinator = _someone(provider, Role.COORDINATOR)
    made = case_actions.accept_referral(
        referral=(sent := referral(provider, agency=agency, name=name, **details)),
        expected_version=sent.version,
        acting_user=coordinator,
    )
    for event in _WAY_TO[state]:
        if event == "start_programme":
            risk_assessment(made)
            partner_side_ready(made)
        if event == "close":
            _finish_safety_work(made)
        made = case_actions.move_case(
            case=made,
            event=event,
            expected_version=made.version,
            acting_user=coordinator,
            reason="Recorded for the test." if lifecycle.TRANSITIONS[event].needs_reason else "",
        )
    return made


_WAY_TO: dict[str, list[str]] = {
    CaseState.REFERRED: [],
    CaseState.ASSESSMENT: ["start_assessment"],
    CaseState.WAITING: ["start_assessment", "assess_suitable"],
    CaseState.IN_PROGRAMME: ["start_assessment", "assess_suitable", "start_programme"],
    CaseState.COMPLETED: ["start_assessment", "assess_suitable", "start_programme", "complete"],
    CaseState.EXCLUDED: ["start_assessment", "assess_suitable", "start_programme", "exclude"],
    CaseState.DROPPED_OUT: ["start_assessment", "assess_suitable", "start_programme", "drop_out"],
    CaseState.TRANSFERRED: ["start_assessment", "assess_suitable", "transfer"],
    CaseState.FOLLOW_UP: ["start_assessment", "assess_suitable", "start_programme", "complete", "begin_follow_up"],
    CaseState.CLOSED: ["start_assessment", "assess_suitable", "start_programme", "complete", "close"],
}


def _finish_safety_work(made: Case) -> None:
    """Close what safety work is still open on the case, through the work module, as the
    action that does each piece of work would."""
    from tandem.core import work
    from tandem.core.queries import get_open_work_on

    rules = {rule.key: rule for item in get_open_work_on(made) if (rule := work.rule_of(item)) is not None}
    for rule in rules.values():
        work.close_work(
            rule=rule, subject=made, fulfilled_by="test", acting_user=_someone(made.organisation, Role.COORDINATOR)
        )


def _reference(made: Case) -> uuid.UUID:
    assert made.partner_reference is not None
    return made.partner_reference


def partner_side_ready(
    made: Case,
    *,
    offered: bool = True,
    impossible_because: str = "",
    limits_explained: bool = True,
) -> None:
    """The survivor side's records that the start gate asks for, made by a survivor-support
    worker of the case's provider."""
    today = clock.today()
    survivor_actions.record_partner_contact(
        organisation=made.organisation,
        reference=_reference(made),
        acting_user=_someone(made.organisation, Role.SURVIVOR_WORKER),
        contact_offered_on=today if offered else None,
        contact_impossible_because=impossible_because,
        limitations_explained_on=today if limits_explained else None,
    )


def safety_signal(made: Case, level: str = "concern", summary: str = "") -> Any:
    return survivor_actions.record_safety_signal(
        organisation=made.organisation,
        reference=_reference(made),
        level=level,
        summary=summary,
        acting_user=_someone(made.organisation, Role.SURVIVOR_WORKER),
    )


def risk_assessment(made: Case, *, answers: dict[str, str] | None = None, **fields: Any) -> Any:
    """A completed risk assessment of the case on the shipped instrument: every item answered
    "no" unless ``answers`` says otherwise."""
    from tandem.risk import actions as risk_actions
    from tandem.risk.rules import shipped_instrument

    instrument = shipped_instrument("tandem-risk")
    chosen = {item.key: "no" for item in instrument.items}
    chosen.update(answers or {})
    return risk_actions.record_assessment(
        case=made,
        answers=chosen,
        acting_user=_someone(made.organisation, Role.COORDINATOR),
        **fields,
    )


def case_report(
    made: Case, *, kind: str = "progress", state: str = "draft", assessment: str = "He attends and takes part."
) -> Any:
    """A report to the referrer on the case, taken through the actions to ``state`` (draft,
    awaiting_review, sent or held) by the provider's coordinator."""
    from tandem.cases.actions import reports as report_actions
    from tandem.cases.queries.reports import latest_partner_signal

    coordinator = _someone(made.organisation, Role.COORDINATOR)
    report = report_actions.create_report(case=made, kind=kind, acting_user=coordinator)
    if assessment:
        report = report_actions.edit_report(
            report=report, assessment=assessment, expected_version=report.version, acting_user=coordinator
        )
    if state == "draft":
        return report
    report = report_actions.submit_report_for_review(
        report=report, expected_version=report.version, acting_user=coordinator
    )
    if state == "awaiting_review":
        return report
    signal = latest_partner_signal(coordinator, made)
    return report_actions.review_report(
        report=report,
        safe=state == "sent",
        note="" if state == "sent" else "Held back: a court date is near.",
        signal_seen=signal.pk if signal is not None else None,
        expected_version=report.version,
        acting_user=coordinator,
    )


# --- Group work -----------------------------------------------------------------------------


def facilitator(provider: Organisation, gender: str = "woman", *, person: User | None = None, **fields: Any) -> Any:
    """A facilitator profile of ``provider`` for a new facilitator (or ``person``), saved by
    the provider's coordinator."""
    from tandem.groups.actions import planning

    who = person or member(provider, Role.FACILITATOR, with_device=False)
    return planning.save_facilitator(
        organisation=provider,
        person=who,
        details=planning.ProfileDetails(gender=gender, **fields),
        expected_version=0,
        acting_user=_someone(provider, Role.COORDINATOR),
    )


def group(
    provider: Organisation,
    *,
    team: list[Any] | None = None,
    start_date: date | None = None,
    intake: str = "closed",
    capacity: int = 12,
    name: str = "Tuesday group",
    override_reason: str = "",
) -> Any:
    """A group planned by the provider's coordinator, on the shipped curriculum, with a woman and
    a man facilitating unless ``team`` says otherwise; its first week is ``start_date`` (by
    default four weeks ago, so that its first sessions can be recorded)."""
    from tandem.groups.actions import planning

    chosen = team if team is not None else [facilitator(provider, "woman"), facilitator(provider, "man")]
    return planning.plan_group(
        organisation=provider,
        plan=planning.GroupPlan(
            name=name,
            curriculum="tandem-generic-1",
            intake=intake,
            venue="Community centre, room 2",
            weekday=1,
            start_time=time(17, 30),
            start_date=start_date or clock.today() - timedelta(days=28),
            capacity=capacity,
            language="sq",
        ),
        facilitator_ids=[profile.pk for profile in chosen],
        override=bool(override_reason),
        override_reason=override_reason,
        acting_user=_someone(provider, Role.COORDINATOR),
    )


def waiting_case(provider: Organisation, **details: Any) -> Case:
    """A suitable man waiting for a group, with everything the start gate asks for recorded."""
    made = case(provider, state=CaseState.WAITING, **details)
    risk_assessment(made)
    partner_side_ready(made)
    made.refresh_from_db()
    return made


def allocated(provider: Organisation, placed_in: Any, **details: Any) -> Any:
    """A man placed in ``placed_in`` by the provider's coordinator (his membership)."""
    from tandem.groups.actions import allocation

    made = waiting_case(provider, **details)
    return allocation.allocate(
        case=made, group=placed_in, expected_version=made.version, acting_user=_someone(provider, Role.COORDINATOR)
    )


def session_recorded(session: Any, codes: dict[int, str] | None = None, *, by: User | None = None) -> Any:
    """The session recorded as held, every man expected there attended unless ``codes`` (by
    membership id) says otherwise."""
    from tandem.groups import queries as group_queries
    from tandem.groups.actions import attendance

    marks = [
        attendance.Mark(membership_id=m.pk, code=(codes or {}).get(m.pk, "attended"))
        for m in group_queries.members_at(session)
    ]
    attendance.record_session(
        session=session,
        held=True,
        marks=marks,
        expected_version=session.version,
        submission=None,
        acting_user=by or _someone(session.group.organisation, Role.COORDINATOR),
    )
    session.refresh_from_db()
    return session


def partner(made: Case, *, name: str = "Drita Hoxha", **details: Any) -> Any:
    """The partner's record for a case, made by a survivor-support worker of its provider."""
    from tandem.survivors.actions.partners import PartnerDetails, create_partner

    return create_partner(
        organisation=made.organisation,
        case_id=made.pk,
        details=PartnerDetails(name=name, **details),
        acting_user=_someone(made.organisation, Role.SURVIVOR_WORKER),
    )


def consent(of: Any, *, channel: str = "phone", purpose: str = "information", days: int = 180, **when: Any) -> Any:
    """Her consent for one channel and purpose, from today (or ``starts_on``) for ``days``."""
    from tandem.survivors.actions.consent import record_consent

    starts_on = when.get("starts_on", clock.today())
    return record_consent(
        partner=of,
        channel=channel,
        purpose=purpose,
        starts_on=starts_on,
        expires_on=when.get("expires_on", starts_on + timedelta(days=days)),
        service=when.get("service", ""),
        acting_user=_someone(of.organisation, Role.SURVIVOR_WORKER),
    )


def survivor_service(name: str | None = None) -> Organisation:
    """A survivor support service with one survivor-support worker."""
    service = organisation(name=name or f"Women's centre {next(_numbers)}", kind=OrganisationKind.SURVIVOR_SERVICE)
    member(service, Role.SURVIVOR_WORKER)
    return service


def share_with(of: Any, service: Organisation) -> Any:
    """Her record shared with ``service`` under a fresh consent to sharing with a named service."""
    from tandem.survivors.actions.planning import share_with_service

    agreed = consent(of, channel="in_person", purpose="share_service", service=service.name)
    return share_with_service(
        partner=of, service=service, consent=agreed, acting_user=_someone(of.organisation, Role.SURVIVOR_WORKER)
    )


def shared_item(of: Any, *, text: str = "He has bought a hunting knife.", override: str = "") -> Any:
    """One piece of information shared for risk management on her first case: under her consent,
    or the ``override`` reason."""
    from tandem.survivors.actions.planning import share_item
    from tandem.survivors.models import PartnerLink

    agreed = None if override else consent(of, channel="phone", purpose="risk_management")
    return share_item(
        partner=of,
        link=PartnerLink.objects.filter(partner=of).order_by("pk").first(),
        text=text,
        consent=agreed,
        override_reason=override,
        acting_user=_someone(of.organisation, Role.SURVIVOR_WORKER),
    )


def safety_plan(
    of: Any, *, measures: str = "Keys with her sister; call 112; the school knows.", weeks: int = 12
) -> Any:
    from tandem.survivors.actions.planning import make_safety_plan

    return make_safety_plan(
        partner=of, measures=measures, review_every=weeks, acting_user=_someone(of.organisation, Role.SURVIVOR_WORKER)
    )


def joint_review(made: Case, service: Organisation, **fields: Any) -> Any:
    """A joint review of ``made`` with ``service``, recorded by the provider's coordinator; his
    partner's record is made and shared with the service first where it is not."""
    from tandem.survivors.actions.joint import record_joint_review
    from tandem.survivors.models import PartnerLink
    from tandem.survivors.queries.planning import shared_with_service

    if made.partner_reference is not None and not shared_with_service(made.partner_reference, service.pk):
        link = PartnerLink._base_manager.filter(reference=made.partner_reference).select_related("partner").first()
        share_with(link.partner if link is not None else partner(made), service)

    return record_joint_review(
        organisation=made.organisation,
        service=service,
        case_id=made.pk,
        held_on=fields.pop("held_on", clock.today()),
        acting_user=fields.pop("by", None) or _someone(made.organisation, Role.COORDINATOR),
    )


def review_item(
    review: Any, *, side: str = "both", kind: str = "decision", text: str = "Agreed.", **fields: Any
) -> Any:
    from tandem.survivors.actions.joint import add_item

    return add_item(
        review=review,
        kind=kind,
        side=side,
        text=text,
        owner=fields.pop("owner", ""),
        due_on=fields.pop("due_on", None),
        acting_user=fields.pop("by", None) or _someone(review.organisation, Role.COORDINATOR),
    )


def conference_referral(made: Case, *, referred_on: Any = None, reason: str = "High risk: threats to kill.") -> Any:
    from tandem.survivors.actions.conference import refer_to_conference

    return refer_to_conference(
        organisation=made.organisation,
        case_id=made.pk,
        referred_on=referred_on or clock.today(),
        reason=reason,
        acting_user=_someone(made.organisation, Role.COORDINATOR),
    )


def conference_action(referral: Any, *, text: str = "Police visit her address", owner: str = "Police") -> Any:
    """A meeting that heard ``referral`` and agreed one action; the action."""
    from tandem.survivors.actions.conference import record_meeting

    meeting = record_meeting(
        referral=referral,
        held_on=referral.referred_on,
        agencies="Police, centre for social work",
        actions=[(text, owner, None)],
        acting_user=_someone(referral.organisation, Role.COORDINATOR),
    )
    return meeting.actions.get()
