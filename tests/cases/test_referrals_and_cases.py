"""Referrals and cases through their actions: who may send, decide and move; what each step
writes to the record and emits; what each role can see; duplicates chosen or confirmed; stale
forms refused; the safety gates consulted before a move."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

from tandem.cases import actions, queries
from tandem.cases.actions import CaseRefused, ReferralDetails, StaleCase
from tandem.cases.models import Case, CaseStep, Participant, Referral, ReferralRoute, ReferralState
from tandem.cases.rules.lifecycle import CaseFacts, State
from tandem.core.models import AuditEntry, Event
from tandem.core.roles import Role
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

DETAILS = ReferralDetails(
    name="Ђорђе Ђокић",
    reason="Court order after an assault on his partner.",
    birth_date=date(1980, 1, 1),
    identity_number="0101980710012",
    partner_known=True,
)
READY = CaseFacts(risk_assessed=True, partner_contact_settled=True, limitations_explained=True, open_safety_work=False)


def referred(world: World, details: ReferralDetails = DETAILS) -> Referral:
    return actions.submit_referral(
        provider=world.org, details=details, referring_organisation=world.agency, acting_user=world.referrer
    )


def opened(world: World) -> Case:
    referral = referred(world)
    return actions.accept_referral(referral=referral, expected_version=referral.version, acting_user=world.coordinator)


# --- Sending a referral -------------------------------------------------------------------------


def test_a_referrer_sends_a_referral_from_her_agency(world: World) -> None:
    referral = referred(world)
    assert (referral.state, referral.route) == (ReferralState.SUBMITTED, ReferralRoute.SOCIAL_WORK)
    entry = AuditEntry.objects.get(action="cases.referral.submitted")
    assert entry.actor == world.referrer
    assert "Ђокић" not in entry.detail


def test_what_is_known_of_the_man_is_encrypted_at_rest(world: World) -> None:
    referral = referred(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, reason FROM cases_referral WHERE id = %s", [referral.pk])
        name, reason = cursor.fetchone()
    assert "Ђокић" not in name
    assert "assault" not in reason


def test_someone_who_is_not_a_referrer_of_the_agency_cannot_send_from_it(world: World) -> None:
    with pytest.raises(CaseRefused):
        actions.submit_referral(
            provider=world.org, details=DETAILS, referring_organisation=world.agency, acting_user=world.facilitator
        )
    assert not Referral.objects.exists()
    assert AuditEntry.objects.filter(action="access.denied", actor=world.facilitator).exists()


def test_the_providers_coordinator_enters_a_self_referral(world: World) -> None:
    referral = actions.submit_referral(provider=world.org, details=DETAILS, acting_user=world.coordinator)
    assert (referral.route, referral.referring_organisation) == (ReferralRoute.SELF, None)


def test_a_referral_without_name_or_reason_is_refused_naming_both_and_nothing_is_saved(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        referred(world, ReferralDetails(name=" ", reason=""))
    assert set(refused.value.message_dict) == {"name", "reason"}
    assert not Referral.objects.exists()


def test_a_referral_goes_only_to_a_programme_provider(world: World) -> None:
    with pytest.raises(ValidationError):
        actions.submit_referral(
            provider=world.network, details=DETAILS, referring_organisation=world.agency, acting_user=world.referrer
        )


# --- Who sees a referral and a case -------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("referrer", True),
        ("coordinator", True),
        ("facilitator", True),
        ("survivor_worker", False),
        ("org_admin", False),
        ("analyst", False),
        ("gov_viewer", False),
        ("auditor", False),
        ("outsider", False),
    ],
)
def test_who_sees_a_referral(world: World, persona: str, sees: bool) -> None:
    referral = referred(world)
    assert queries.referrals_visible_to(world.persona(persona)).filter(pk=referral.pk).exists() is sees


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("coordinator", True),
        ("facilitator", True),
        ("referrer", False),
        ("survivor_worker", False),
        ("analyst", False),
        ("auditor", False),
        ("outsider", False),
    ],
)
def test_who_sees_a_case(world: World, persona: str, sees: bool) -> None:
    case = opened(world)
    assert queries.cases_visible_to(world.persona(persona)).filter(pk=case.pk).exists() is sees


def test_another_providers_coordinator_reaching_for_a_case_gets_nothing_and_is_recorded(world: World) -> None:
    case = opened(world)
    stranger = factories.member(world.other_org, Role.COORDINATOR)
    with pytest.raises(Http404):
        queries.access_case(stranger, case.pk)
    assert AuditEntry.objects.filter(action="access.denied", actor=stranger).exists()


# --- Deciding on a referral ---------------------------------------------------------------------


def test_accepting_a_referral_opens_the_case_of_a_new_man_on_the_record(world: World) -> None:
    case = opened(world)
    assert case.state == State.REFERRED
    assert Participant.objects.get().name == "Ђорђе Ђокић"
    entry = AuditEntry.objects.get(action="cases.referral.accepted")
    assert '"chosen":"new"' in entry.detail
    assert Event.objects.filter(kind="case.opened", subject_id=str(case.pk)).exists()


def test_a_man_already_known_in_another_script_is_offered_and_chosen(world: World) -> None:
    first = opened(world)
    Case.objects.filter(pk=first.pk).update(state=State.CLOSED)  # his earlier case is over
    second = referred(world, ReferralDetails(name="Djordje Djokic", reason="Probation condition."))
    found = queries.possible_duplicates(second)
    assert [candidate.key for candidate in found] == [first.participant_id]
    case = actions.accept_referral(
        referral=second, expected_version=second.version, existing=first.participant, acting_user=world.coordinator
    )
    assert case.participant_id == first.participant_id
    assert Participant.objects.count() == 1
    entries = AuditEntry.objects.filter(action="cases.referral.accepted").order_by("seq")
    assert [('"chosen":"existing"' in entry.detail) for entry in entries] == [False, True]


def test_a_man_with_an_open_case_is_not_given_a_second_one(world: World) -> None:
    first = opened(world)
    second = referred(world, ReferralDetails(name="Djordje Djokic", reason="A new incident."))
    with pytest.raises(CaseRefused) as refused:
        actions.accept_referral(
            referral=second, expected_version=second.version, existing=first.participant, acting_user=world.coordinator
        )
    assert f"#{first.pk}" in refused.value.message
    assert Case.objects.count() == 1
    assert Referral.objects.get(pk=second.pk).state == ReferralState.SUBMITTED


def test_a_man_of_another_provider_cannot_be_chosen(world: World) -> None:
    theirs = actions.submit_referral(
        provider=world.other_org,
        details=DETAILS,
        acting_user=factories.member(world.other_org, Role.COORDINATOR),
    )
    their_case = actions.accept_referral(
        referral=theirs,
        expected_version=theirs.version,
        acting_user=factories.member(world.other_org, Role.COORDINATOR),
    )
    referral = referred(world)
    with pytest.raises(CaseRefused):
        actions.accept_referral(
            referral=referral,
            expected_version=referral.version,
            existing=their_case.participant,
            acting_user=world.coordinator,
        )


def test_a_facilitator_cannot_decide_on_a_referral(world: World) -> None:
    referral = referred(world)
    with pytest.raises(CaseRefused):
        actions.accept_referral(referral=referral, expected_version=referral.version, acting_user=world.facilitator)
    assert AuditEntry.objects.filter(action="access.denied", actor=world.facilitator).exists()
    assert not Case.objects.exists()


def test_a_decision_on_a_referral_changed_meanwhile_is_refused(world: World) -> None:
    referral = referred(world)
    actions.ask_for_more_information(
        referral=referral, expected_version=referral.version, reason="His address?", acting_user=world.coordinator
    )
    with pytest.raises(StaleCase):
        actions.accept_referral(referral=referral, expected_version=1, acting_user=world.coordinator)
    assert not Case.objects.exists()


def test_a_rejection_needs_a_reason_and_the_referrer_sees_it(world: World) -> None:
    referral = referred(world)
    with pytest.raises(ValidationError):
        actions.reject_referral(
            referral=referral, expected_version=referral.version, reason=" ", acting_user=world.coordinator
        )
    actions.reject_referral(
        referral=referral,
        expected_version=referral.version,
        reason="No place this year.",
        acting_user=world.coordinator,
    )
    seen = queries.referrals_visible_to(world.referrer).get(pk=referral.pk)
    assert (seen.state, seen.decision_reason) == (ReferralState.REJECTED, "No place this year.")


# --- Moving a case ------------------------------------------------------------------------------


def test_the_coordinator_starts_the_assessment_and_the_step_is_kept(world: World) -> None:
    case = opened(world)
    actions.move_case(case=case, event="start_assessment", expected_version=case.version, acting_user=world.coordinator)
    assert Case.objects.get(pk=case.pk).state == State.ASSESSMENT
    step = CaseStep.objects.get(case=case)
    assert (step.from_state, step.to_state, step.taken_by) == (State.REFERRED, State.ASSESSMENT, world.coordinator)
    assert AuditEntry.objects.filter(action="cases.case.start_assessment").exists()


def test_no_start_in_a_group_while_nothing_is_recorded_and_the_refusal_is_on_the_record(world: World) -> None:
    case = opened(world)
    for event in ("start_assessment", "assess_suitable"):
        actions.move_case(case=case, event=event, expected_version=case.version, acting_user=world.coordinator)
    with pytest.raises(CaseRefused) as refused:
        actions.move_case(
            case=case, event="start_programme", expected_version=case.version, acting_user=world.coordinator
        )
    assert refused.value.gate == "risk_assessed"
    assert Case.objects.get(pk=case.pk).state == State.WAITING
    assert '"gate":"risk_assessed"' in AuditEntry.objects.get(action="cases.case.refused").detail


def test_a_facilitator_cannot_move_a_case(world: World) -> None:
    case = opened(world)
    with pytest.raises(CaseRefused):
        actions.move_case(
            case=case, event="start_assessment", expected_version=case.version, acting_user=world.facilitator
        )
    assert Case.objects.get(pk=case.pk).state == State.REFERRED


def test_someone_of_another_organisation_moving_a_case_is_a_denied_attempt(world: World) -> None:
    case = opened(world)
    with pytest.raises(CaseRefused):
        actions.move_case(case=case, event="start_assessment", expected_version=case.version, acting_user=world.analyst)
    assert AuditEntry.objects.filter(action="access.denied", actor=world.analyst).exists()


def test_two_moves_from_the_same_version_cannot_both_succeed(world: World) -> None:
    case = opened(world)
    version = case.version
    actions.move_case(case=case, event="start_assessment", expected_version=version, acting_user=world.coordinator)
    again = Case.objects.get(pk=case.pk)
    again.state = State.REFERRED  # as the second person's form still shows it
    with pytest.raises(StaleCase):
        actions.move_case(case=again, event="start_assessment", expected_version=version, acting_user=world.coordinator)
    assert CaseStep.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("complete", "case.completed"),
        ("drop_out", "case.dropped_out"),
        ("exclude", "case.excluded"),
        ("transfer", "case.transferred"),
    ],
)
def test_each_ending_emits_its_event_with_no_name_in_it(
    world: World, monkeypatch: pytest.MonkeyPatch, event: str, kind: str
) -> None:
    monkeypatch.setattr(actions, "case_facts", lambda case: READY)
    case = opened(world)
    for step in ("start_assessment", "assess_suitable", "start_programme"):
        actions.move_case(case=case, event=step, expected_version=case.version, acting_user=world.coordinator)
    actions.move_case(
        case=case, event=event, expected_version=case.version, reason="As recorded.", acting_user=world.coordinator
    )
    emitted = Event.objects.get(kind=kind, subject_id=str(case.pk))
    assert emitted.payload == {"from": State.IN_PROGRAMME, "to": Case.objects.get(pk=case.pk).state}
    assert "Ђокић" not in str(emitted.payload)


def test_a_dropout_without_a_reason_is_refused_and_nothing_moves(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "case_facts", lambda case: READY)
    case = opened(world)
    for step in ("start_assessment", "assess_suitable", "start_programme"):
        actions.move_case(case=case, event=step, expected_version=case.version, acting_user=world.coordinator)
    with pytest.raises(ValidationError):
        actions.move_case(case=case, event="drop_out", expected_version=case.version, acting_user=world.coordinator)
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRAMME


def test_the_gates_read_nothing_recorded_as_no() -> None:
    facts = queries.case_facts(Case(pk=0, organisation_id=0))
    assert (facts.risk_assessed, facts.partner_contact_settled, facts.limitations_explained) == (False, False, False)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_date": date(1, 1, 1)}, "birth_date"),
        ({"deadline": date(1, 1, 1)}, "deadline"),
        ({"name": "Marko \u202eciwotep"}, "name"),
    ],
)
def test_a_typing_mistake_in_a_referral_is_refused_naming_the_field(
    world: World, changes: dict[str, object], field: str
) -> None:
    from dataclasses import replace

    with pytest.raises(ValidationError) as refused:
        referred(world, replace(DETAILS, **changes))  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert not Referral.objects.exists()
