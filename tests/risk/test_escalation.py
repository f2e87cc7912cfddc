"""A high level, or a level higher than the one before, becomes work for the case's
coordinators: review the case within 24 hours and consider a referral to a multi-agency risk
assessment conference. A coordinator's review closes it, on the record."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tandem.cases.models import Case, CaseNote
from tandem.core import events, work
from tandem.core.models import AuditEntry, Event, WorkItem
from tandem.core.queries import open_work_of
from tandem.risk import actions
from tandem.risk.actions import RiskRefused
from tandem.risk.work_rules import ESCALATION, ESCALATION_REVIEWED
from tests import factories
from tests.conftest import World, signed_in_client
from tests.risk.support import HIGH_BY_SCORE, MEDIUM, STANDARD, STRANGULATION, work_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: World) -> Case:
    return factories.case(world.org, agency=world.agency)


def assessed(case: Case, chosen: dict[str, str]) -> None:
    factories.risk_assessment(case, answers=chosen, occasion="mid_programme")
    events.deliver_pending()


def escalations(case: Case) -> list[WorkItem]:
    return work_on(case, ESCALATION.key)


def test_a_high_level_opens_an_escalation_for_the_coordinators(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    [item] = escalations(case)
    assert (item.team_role, item.owner, item.organisation) == ("coordinator", None, world.org)
    assert item.priority == WorkItem.Priority.HIGH
    # 24 hours from the assessment, however late the worker delivered its event.
    assert item.event is not None
    assert item.due_at - item.event.occurred_at == timedelta(hours=24)
    assert (item.subject_type, item.subject_id, item.subject_compartment) == ("cases.case", str(case.pk), "programme")
    assert item.params["case"] == case.pk
    # The survivors' compartment adds its own work on the same event (a conference referral).
    assert item in list(open_work_of(world.coordinator))


def test_the_escalation_asks_for_a_review_and_a_marac_referral_to_be_considered(case: Case) -> None:
    assessed(case, STRANGULATION)
    [item] = escalations(case)
    assert work.title_of(item) == (
        f"The risk in case #{case.pk} is high or has risen: review the case and consider a referral "
        "to a multi-agency risk assessment conference (MARAC)"
    )
    assert work.link_of(item) == f"/cases/{case.pk}/risk/escalation/"


def test_a_high_score_without_a_forcing_answer_escalates_too(case: Case) -> None:
    assessed(case, HIGH_BY_SCORE)
    assert len(escalations(case)) == 1


def test_a_rise_from_standard_to_medium_escalates(case: Case) -> None:
    assessed(case, STANDARD)
    assert escalations(case) == []
    assessed(case, MEDIUM)
    [item] = escalations(case)
    assert (item.params["before"], item.params["level"]) == ("standard", "medium")


def test_the_same_level_again_does_not_escalate(case: Case) -> None:
    assessed(case, MEDIUM)
    assessed(case, MEDIUM)
    assert escalations(case) == []


def test_a_first_assessment_at_medium_is_no_rise(case: Case) -> None:
    assessed(case, MEDIUM)
    assert escalations(case) == []


def test_a_fall_does_not_escalate(case: Case) -> None:
    assessed(case, MEDIUM)
    assessed(case, STANDARD)
    assert escalations(case) == []


def test_the_same_event_delivered_twice_opens_one_escalation(case: Case) -> None:
    from tandem.risk.handlers import escalate_high_or_rising_risk

    assessed(case, STRANGULATION)
    escalate_high_or_rising_risk(Event.objects.get(kind="risk.assessed", subject_id=str(case.pk)))
    assert len(escalations(case)) == 1


def test_a_coordinators_review_closes_the_escalation_on_the_record(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    [closed] = actions.review_escalation(
        case=case, marac_referral=True, note="Referred to the MARAC of 12 May.", acting_user=world.coordinator
    )
    item = WorkItem.objects.get(pk=closed.pk)
    assert (item.state, item.closed_by, item.fulfilled_by) == ("done", world.coordinator, "risk.escalation.reviewed")
    assert item.params["marac_referral"] is True
    entry = AuditEntry.objects.get(action="risk.escalation.reviewed")
    detail = json.loads(entry.detail)
    assert (entry.actor, detail["marac_referral"], detail["work"], detail["reviewed"]) == (
        world.coordinator,
        True,
        [item.pk],
        True,
    )
    assert AuditEntry.objects.filter(action="work.done", object_id=str(item.pk), actor=world.coordinator).exists()


def test_the_review_note_is_kept_as_a_safety_note_of_the_case(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    actions.review_escalation(
        case=case, marac_referral=False, note="Discussed with the team: no referral.", acting_user=world.coordinator
    )
    note = CaseNote.objects.get(case=case)
    assert (note.category, note.text, note.written_by) == (
        "safety",
        "Discussed with the team: no referral.",
        world.coordinator,
    )


def test_the_review_is_an_event_for_the_other_domains(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    actions.review_escalation(case=case, marac_referral=True, note="Referred.", acting_user=world.coordinator)
    event = Event.objects.get(kind=ESCALATION_REVIEWED)
    assert event.payload["marac_referral"] is True
    assert "Referred." not in json.dumps(event.payload)


def test_one_review_answers_every_escalation_open_on_the_case(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    assessed(case, HIGH_BY_SCORE)
    closed = actions.review_escalation(
        case=case, marac_referral=False, note="Both seen.", acting_user=world.coordinator
    )
    assert len(closed) == 2
    assert work_on(case, ESCALATION.key, state="open") == []


def test_a_facilitator_may_not_review_an_escalation(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    with pytest.raises(RiskRefused):
        actions.review_escalation(case=case, marac_referral=False, note="Seen.", acting_user=world.facilitator)
    assert work_on(case, ESCALATION.key, state="open") != []
    assert AuditEntry.objects.filter(action="access.denied", actor=world.facilitator).exists()


def test_a_review_without_a_note_is_refused_and_changes_nothing(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    with pytest.raises(ValidationError) as refused:
        actions.review_escalation(case=case, marac_referral=False, note="  ", acting_user=world.coordinator)
    assert "note" in refused.value.message_dict
    assert len(work_on(case, ESCALATION.key, state="open")) == 1
    assert not CaseNote.objects.filter(case=case).exists()


def test_there_is_nothing_to_review_without_an_open_escalation(world: World, case: Case) -> None:
    assessed(case, STANDARD)
    with pytest.raises(RiskRefused):
        actions.review_escalation(case=case, marac_referral=False, note="Seen.", acting_user=world.coordinator)


def test_the_review_page_records_the_review_and_returns_to_the_case(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    client = signed_in_client(world.coordinator)
    url = f"/cases/{case.pk}/risk/escalation/"
    page = client.get(url).content.decode()
    assert "Record the review and close the escalation" in page
    assert "The risk is high: a coordinator reviews the case." in page
    response = client.post(url, {"marac_referral": "yes", "note": "Referred to the MARAC."})
    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/")
    assert work_on(case, ESCALATION.key, state="done")[0].params["marac_referral"] is True
    after = client.get(url).content.decode()
    assert "No escalation of this case is waiting for review." in after
    assert "Made" in after


def test_the_review_page_refuses_a_facilitator_with_a_message(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    client = signed_in_client(world.facilitator)
    url = f"/cases/{case.pk}/risk/escalation/"
    assert "Record the review" not in client.get(url).content.decode()
    response = client.post(url, {"marac_referral": "no", "note": "Seen."})
    assert response.status_code == 422
    assert "Only the programme&#x27;s coordinators review a risk escalation." in response.content.decode()


def test_the_review_form_names_what_is_missing(world: World, case: Case) -> None:
    assessed(case, STRANGULATION)
    response = signed_in_client(world.coordinator).post(f"/cases/{case.pk}/risk/escalation/", {"note": ""})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Say whether a referral was made." in page
    assert "Say what you decided and why." in page
    assert len(work_on(case, ESCALATION.key, state="open")) == 1
