"""The man's case as a transition table: every state is reached and left as the domain says,
only coordinators and administrators move a case, each safety gate refuses on its own when its
fact is missing (and refuses when nothing is recorded), and every ending emits its event."""

from __future__ import annotations

import pytest
from django.utils import translation

from tandem.cases.rules.lifecycle import (
    ENDINGS,
    TRANSITIONS,
    CaseFacts,
    State,
    next_steps,
    refusal,
)
from tandem.core.roles import Role

COORDINATOR = {Role.COORDINATOR}
READY = CaseFacts(risk_assessed=True, partner_contact_settled=True, limitations_explained=True, open_safety_work=False)


def test_a_case_can_go_the_whole_way_from_referral_to_closure() -> None:
    state = State.REFERRED
    for event in ("start_assessment", "assess_suitable", "start_programme", "complete", "begin_follow_up", "close"):
        assert refusal(event, state, COORDINATOR, READY) is None, event
        state = TRANSITIONS[event].target
    assert state == State.CLOSED


def test_every_state_is_reached_and_every_state_but_closed_is_left() -> None:
    targets = {t.target for t in TRANSITIONS.values()}
    sources = set().union(*(t.sources for t in TRANSITIONS.values()))
    assert targets == set(State) - {State.REFERRED}
    assert sources == set(State) - {State.CLOSED}


@pytest.mark.parametrize(
    "role", [Role.FACILITATOR, Role.SURVIVOR_WORKER, Role.ORG_ADMIN, Role.REFERRER, Role.ANALYST, Role.AUDITOR]
)
def test_only_coordinators_move_a_case(role: Role) -> None:
    found = refusal("start_assessment", State.REFERRED, {role}, READY)
    assert found is not None
    assert found.message == "Only the programme's coordinators move a case."
    assert refusal("start_assessment", State.REFERRED, {Role.COORDINATOR}, READY) is None


def test_a_step_from_the_wrong_state_is_refused_naming_the_state() -> None:
    found = refusal("complete", State.WAITING, COORDINATOR, READY)
    assert found is not None
    assert found.message == "A case that is “Waiting for a group” cannot take this step."


def test_the_refusal_is_in_the_active_language() -> None:
    with translation.override("sq"):
        found = refusal("complete", State.WAITING, COORDINATOR, READY)
    assert found is not None
    assert "“" in found.message and "Waiting for a group" not in found.message


def test_an_unknown_step_is_refused() -> None:
    found = refusal("teleport", State.REFERRED, COORDINATOR, READY)
    assert found is not None and found.gate == ""


def test_nothing_recorded_means_no_start_in_a_group() -> None:
    found = refusal("start_programme", State.WAITING, COORDINATOR, CaseFacts())
    assert found is not None
    assert found.gate == "risk_assessed"


@pytest.mark.parametrize(
    ("missing", "gate"),
    [
        ({"risk_assessed": False}, "risk_assessed"),
        ({"partner_contact_settled": False}, "partner_contact"),
        ({"limitations_explained": False}, "limitations_explained"),
    ],
)
def test_each_gate_before_a_group_refuses_alone(missing: dict[str, bool], gate: str) -> None:
    facts = CaseFacts(**{**READY.__dict__, **missing})
    found = refusal("start_programme", State.WAITING, COORDINATOR, facts)
    assert found is not None
    assert found.gate == gate


def test_a_case_with_open_safety_work_cannot_be_closed() -> None:
    facts = CaseFacts(**{**READY.__dict__, "open_safety_work": True})
    found = refusal("close", State.FOLLOW_UP, COORDINATOR, facts)
    assert found is not None
    assert found.gate == "no_open_safety_work"
    assert refusal("close", State.FOLLOW_UP, COORDINATOR, READY) is None


def test_not_knowing_about_safety_work_counts_as_open() -> None:
    assert CaseFacts().open_safety_work is True


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("drop_out", "case.dropped_out"),
        ("exclude", "case.excluded"),
        ("complete", "case.completed"),
        ("transfer", "case.transferred"),
    ],
)
def test_every_ending_emits_its_event(event: str, kind: str) -> None:
    assert TRANSITIONS[event].emits == kind
    assert TRANSITIONS[event].target in ENDINGS


def test_exclusion_dropout_and_transfer_need_a_reason() -> None:
    assert {e for e, t in TRANSITIONS.items() if t.needs_reason} == {
        "assess_unsuitable",
        "exclude",
        "drop_out",
        "transfer",
    }


def test_the_next_steps_of_a_man_in_the_programme() -> None:
    steps = [t.event for t in next_steps(State.IN_PROGRAMME, COORDINATOR)]
    assert steps == ["complete", "exclude", "drop_out", "transfer"]
    assert next_steps(State.IN_PROGRAMME, {Role.FACILITATOR}) == []
