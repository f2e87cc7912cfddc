"""Contact with the partner: refused without her valid consent for its channel and purpose,
except for offering her support before she was ever reached; the first offer and the limits
explained are what case work's start gate reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tandem.cases import actions as case_actions
from tandem.cases.queries import partner_facts
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.survivors.actions import SurvivorSideRefused
from tandem.survivors.actions.consent import withdraw_consent
from tandem.survivors.actions.contact import record_contact
from tandem.survivors.models import ContactEntry, Partner
from tests import factories
from tests.conftest import World


def log(partner: Partner, world: World, **changes: object) -> ContactEntry:
    values: dict[str, object] = {
        "kind": "contact",
        "channel": "phone",
        "purpose": "information",
        "outcome": "informed",
        "happened_at": clock.now() - timedelta(minutes=10),
    }
    values.update(changes)
    return record_contact(partner=partner, acting_user=world.survivor_worker, **values)  # type: ignore[arg-type]


def test_support_may_be_offered_before_she_was_ever_reached_without_consent(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    partner = factories.partner(case)
    log(partner, world, kind="attempt", outcome="no_answer", first_offer=True)
    log(partner, world, kind="contact", outcome="offer_made", first_offer=True)
    assert partner_facts(case).contact_offered_on == clock.today()


def test_a_contact_without_consent_is_refused_saying_what_to_record_and_nothing_is_saved(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    log(partner, world, outcome="offer_made", first_offer=True)
    with pytest.raises(SurvivorSideRefused) as refused:
        log(partner, world, purpose="safety_planning", outcome="safety_planned")
    assert "Record her consent" in refused.value.message
    assert ContactEntry.objects.filter(partner=partner).count() == 1


def test_a_contact_under_valid_consent_is_logged(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    factories.consent(partner, purpose="safety_planning")
    entry = log(partner, world, purpose="safety_planning", outcome="safety_planned", note="Plan reviewed.")
    assert entry.note == "Plan reviewed."


def test_a_contact_after_her_consent_expired_is_refused_with_its_last_day(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    factories.consent(partner, starts_on=clock.today() - timedelta(days=60), expires_on=clock.today() - timedelta(1))
    with pytest.raises(SurvivorSideRefused) as refused:
        log(partner, world)
    assert "expired" in refused.value.message


def test_a_contact_after_she_withdrew_consent_is_refused(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    consent = factories.consent(partner)
    withdraw_consent(consent=consent, acting_user=world.survivor_worker)
    with pytest.raises(SurvivorSideRefused) as refused:
        log(partner, world)
    assert "withdrew" in refused.value.message


def test_an_attempt_cannot_end_as_if_she_was_informed(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    factories.consent(partner)
    with pytest.raises(ValidationError) as invalid:
        log(partner, world, kind="attempt", outcome="informed")
    assert "outcome" in invalid.value.message_dict


def test_a_contact_in_the_future_is_refused(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    factories.consent(partner)
    with pytest.raises(ValidationError) as invalid:
        log(partner, world, happened_at=clock.now() + timedelta(days=1))
    assert "happened_at" in invalid.value.message_dict


def test_the_start_gate_passes_once_her_side_records_the_offer_and_the_limits_explained(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    factories.risk_assessment(case)
    partner = factories.partner(case)
    with pytest.raises(case_actions.CaseRefused):
        case_actions.move_case(
            case=case, event="start_programme", expected_version=case.version, acting_user=world.coordinator
        )
    log(partner, world, outcome="offer_made", first_offer=True, limitations_explained=True)
    case.refresh_from_db()
    moved = case_actions.move_case(
        case=case, event="start_programme", expected_version=case.version, acting_user=world.coordinator
    )
    assert moved.state == State.IN_PROGRAMME


def test_a_facilitator_may_not_log_a_contact(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    with pytest.raises(SurvivorSideRefused):
        record_contact(
            partner=partner,
            kind="attempt",
            channel="phone",
            purpose="information",
            outcome="no_answer",
            happened_at=clock.now(),
            first_offer=True,
            acting_user=world.facilitator,
        )


def test_offering_support_without_consent_is_only_an_offer_of_information(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    with pytest.raises(SurvivorSideRefused):
        log(partner, world, purpose="risk_management", outcome="safety_planned", first_offer=True)
    assert not ContactEntry.objects.filter(partner=partner).exists()
