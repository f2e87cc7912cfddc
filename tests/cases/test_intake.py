"""The intake and suitability assessment: recorded and changed by the people working on the case,
never over someone else's change, shown on the case page, and followed by the coordinator's
decision on suitability."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tandem.cases.actions import CaseRefused, StaleCase, move_case, records as actions
from tandem.cases.models import Case, Intake
from tandem.cases.rules.lifecycle import State
from tandem.core.models import AuditEntry
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

ANSWERS = actions.IntakeAnswers(
    motivation="some",
    denial="minimises",
    substance_use="some",
    mental_health="none",
    language_needs="Albanian; no interpreter needed.",
    summary="Says he wants to keep his family together; blames stress at work.",
)
POSTED = {
    "version": "0",
    "motivation": "some",
    "denial": "minimises",
    "substance_use": "some",
    "mental_health": "none",
    "language_needs": "Albanian",
    "summary": "Blames stress at work.",
}


def assessed(world: World) -> Case:
    return factories.case(world.org, agency=world.agency, state=State.ASSESSMENT)


def test_a_facilitator_records_the_intake_assessment(world: World) -> None:
    case = assessed(world)
    intake = actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.facilitator)
    assert (intake.motivation, intake.denial, intake.version) == ("some", "minimises", 1)
    assert intake.recorded_by == world.facilitator


def test_recording_the_intake_is_audited_without_what_it_says(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.facilitator)
    entry = AuditEntry.objects.get(action="cases.intake.recorded")
    assert entry.actor == world.facilitator
    assert "stress" not in entry.detail


def test_the_summary_of_the_intake_is_encrypted_at_rest(world: World) -> None:
    intake = actions.record_intake(
        case=assessed(world), answers=ANSWERS, expected_version=0, acting_user=world.facilitator
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM cases_intake WHERE id = %s", [intake.pk])
        (stored,) = cursor.fetchone()
    assert "stress" not in stored


def test_a_coordinator_changes_the_intake_at_the_version_she_opened(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.facilitator)
    changed = actions.record_intake(
        case=case,
        answers=actions.IntakeAnswers(motivation="own", denial="accepts", substance_use="none", mental_health="none"),
        expected_version=1,
        acting_user=world.coordinator,
    )
    assert (changed.motivation, changed.version, changed.recorded_by) == ("own", 2, world.coordinator)
    entry = AuditEntry.objects.get(action="cases.intake.changed")
    assert "motivation" in entry.detail and "mental_health" not in entry.detail


def test_a_change_over_someone_elses_is_refused_as_stale(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.facilitator)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=1, acting_user=world.coordinator)
    with pytest.raises(StaleCase):
        actions.record_intake(case=case, answers=ANSWERS, expected_version=1, acting_user=world.facilitator)
    assert Intake.objects.get(case=case).version == 2


def test_a_second_first_assessment_is_refused_as_stale(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.facilitator)
    with pytest.raises(StaleCase):
        actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.coordinator)


def test_an_answer_outside_the_choices_is_refused_naming_the_field(world: World) -> None:
    bad = actions.IntakeAnswers(motivation="eager", denial="accepts", substance_use="none", mental_health="none")
    with pytest.raises(ValidationError) as refused:
        actions.record_intake(case=assessed(world), answers=bad, expected_version=0, acting_user=world.facilitator)
    assert set(refused.value.message_dict) == {"motivation"}


def test_a_summary_over_the_limit_is_refused_and_nothing_saved(world: World) -> None:
    case = assessed(world)
    long = actions.IntakeAnswers(
        motivation="own", denial="accepts", substance_use="none", mental_health="none", summary="x" * 10_001
    )
    with pytest.raises(ValidationError) as refused:
        actions.record_intake(case=case, answers=long, expected_version=0, acting_user=world.facilitator)
    assert "summary" in refused.value.message_dict
    assert not Intake.objects.filter(case=case).exists()


def test_the_provider_administrator_may_not_record_an_intake(world: World) -> None:
    with pytest.raises(CaseRefused):
        actions.record_intake(case=assessed(world), answers=ANSWERS, expected_version=0, acting_user=world.org_admin)
    assert AuditEntry.objects.filter(action="access.denied", actor=world.org_admin).exists()


def test_the_coordinator_then_decides_on_suitability_with_a_step_of_the_case(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.facilitator)
    moved = move_case(case=case, event="assess_suitable", expected_version=case.version, acting_user=world.coordinator)
    assert moved.state == State.WAITING


def test_the_intake_page_records_the_assessment(world: World) -> None:
    case = assessed(world)
    response = signed_in_client(world.facilitator).post(f"/cases/{case.pk}/intake/", POSTED)
    assert response.status_code == 302
    assert Intake.objects.get(case=case).language_needs == "Albanian"


def test_the_intake_page_answers_409_with_a_clear_message_to_a_stale_form(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.coordinator)
    response = signed_in_client(world.facilitator).post(f"/cases/{case.pk}/intake/", POSTED)
    assert response.status_code == 409
    assert "Someone else recorded this assessment after you opened it" in response.content.decode()
    assert Intake.objects.get(case=case).language_needs == ANSWERS.language_needs


def test_the_intake_page_opens_with_the_recorded_answers_and_version(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.coordinator)
    response = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/intake/")
    form = response.context["form"]
    assert (form.initial["version"], form.initial["denial"]) == (1, "minimises")


def test_a_missing_answer_on_the_intake_page_is_named_with_422(world: World) -> None:
    case = assessed(world)
    response = signed_in_client(world.facilitator).post(f"/cases/{case.pk}/intake/", {**POSTED, "mental_health": ""})
    assert response.status_code == 422
    assert "mental_health" in response.context["form"].errors


def test_the_case_page_shows_the_intake_panel(world: World) -> None:
    case = assessed(world)
    actions.record_intake(case=case, answers=ANSWERS, expected_version=0, acting_user=world.coordinator)
    page = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/").content.decode()
    assert "Intake and suitability assessment" in page
    assert "Minimises or blames others" in page
