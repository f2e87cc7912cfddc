"""Joint case reviews with survivor services (each item read by the side it names), the joint-review
measure on the coordinator's overview, and referrals to the risk conference (MARAC)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.cases.rules.lifecycle import State
from tandem.core import clock, events
from tandem.core.models import WorkItem
from tandem.core.roles import Role
from tandem.risk import actions as risk_actions
from tandem.survivors import rules
from tests import factories
from tests.conftest import World, signed_in_client
from tests.risk.support import STRANGULATION


@pytest.fixture
def review(world: World):
    case = factories.case(world.org)
    service = factories.survivor_service()
    made = factories.joint_review(case, service, by=world.coordinator)
    factories.review_item(made, side="programme", text="Raise his minimising in group", by=world.coordinator)
    factories.review_item(made, side="survivor", text="She is moving next month", by=world.coordinator)
    factories.review_item(made, side="both", text="Review again in March", by=world.coordinator)
    return made


def _page(user, review) -> str:
    response = signed_in_client(user).get(reverse("survivors:joint_review", args=[review.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_facilitator_reads_the_programme_side_and_both_never_the_survivor_side(world: World, review) -> None:
    page = _page(world.facilitator, review)
    assert "Raise his minimising in group" in page and "Review again in March" in page
    assert "She is moving next month" not in page


def test_the_services_worker_reads_the_survivor_side_and_both_never_the_programme_side(
    world: World,
    review,
) -> None:
    page = _page(factories._someone(review.service, Role.SURVIVOR_WORKER), review)
    assert "She is moving next month" in page and "Review again in March" in page
    assert "Raise his minimising in group" not in page


def test_the_providers_coordinator_reads_every_side(world: World, review) -> None:
    page = _page(world.coordinator, review)
    for text in ("Raise his minimising in group", "She is moving next month", "Review again in March"):
        assert text in page


def test_the_survivor_side_cannot_write_an_item_for_the_programme_side_alone(world: World, review) -> None:
    with pytest.raises(ValidationError) as refused:
        factories.review_item(review, side="programme", by=factories._someone(review.service, Role.SURVIVOR_WORKER))
    assert "side" in refused.value.message_dict


def test_an_action_needs_an_owner_and_a_due_day(world: World, review) -> None:
    with pytest.raises(ValidationError) as refused:
        factories.review_item(review, kind="action", by=world.coordinator)
    assert {"owner", "due_on"} <= set(refused.value.message_dict)


def test_a_stale_status_change_is_refused(world: World, review) -> None:
    from tandem.survivors.actions import SurvivorSideRefused
    from tandem.survivors.actions.joint import set_action_status

    action = factories.review_item(review, kind="action", owner="Police", due_on=clock.today(), by=world.coordinator)
    set_action_status(item=action, status="done", expected_version=action.version, acting_user=world.coordinator)
    with pytest.raises(SurvivorSideRefused):
        set_action_status(item=action, status="dropped", expected_version=1, acting_user=world.coordinator)


def test_the_overview_counts_cases_reviewed_jointly_in_the_last_six_months(world: World) -> None:
    from tandem.cases.queries.overview import safety_overview

    service = factories.survivor_service()
    reviewed = factories.case(world.org, state=State.IN_PROGRAMME)
    factories.case(world.org, state=State.IN_PROGRAMME)
    long_ago = factories.case(world.org, state=State.IN_PROGRAMME)
    factories.joint_review(reviewed, service)
    with clock.frozen(clock.now() - timedelta(days=300)):
        factories.joint_review(long_ago, service)
    overview = safety_overview(world.coordinator)
    assert overview.jointly_reviewed == 1
    page = signed_in_client(world.coordinator).get(reverse("cases:safety_overview")).content.decode()
    assert "reviewed jointly with a survivor service in the last 6 months" in page


def test_a_high_risk_is_work_to_refer_to_the_risk_conference(world: World) -> None:
    case = factories.case(world.org)
    factories.risk_assessment(case, answers=STRANGULATION)
    events.deliver_pending()
    [item] = WorkItem.objects.filter(rule="survivors.conference_refer", subject_id=str(case.pk), state="open")
    assert item.team_role == "coordinator" and item.subject_compartment == "survivor"


def test_recording_the_referral_closes_the_work(world: World) -> None:
    case = factories.case(world.org)
    factories.risk_assessment(case, answers=STRANGULATION)
    events.deliver_pending()
    factories.conference_referral(case)
    assert not WorkItem.objects.filter(rule="survivors.conference_refer", subject_id=str(case.pk), state="open")


def test_a_risk_review_that_decides_against_a_referral_ends_the_work(world: World) -> None:
    case = factories.case(world.org)
    factories.risk_assessment(case, answers=STRANGULATION)
    events.deliver_pending()
    risk_actions.review_escalation(
        case=case, marac_referral=False, note="Police already hold a protection order.", acting_user=world.coordinator
    )
    events.deliver_pending()
    assert not WorkItem.objects.filter(rule="survivors.conference_refer", subject_id=str(case.pk), state="open")


def test_a_second_referral_within_a_year_is_a_repeat(world: World) -> None:
    case = factories.case(world.org)
    first = factories.conference_referral(case, referred_on=clock.today() - timedelta(days=200))
    second = factories.conference_referral(case)
    assert first.repeat_of is None and second.repeat_of_id == first.pk


def test_a_referral_about_her_through_another_mans_case_is_a_repeat(world: World) -> None:
    case = factories.case(world.org)
    partner = factories.partner(case)
    other = factories.case(world.org)
    from tandem.survivors.actions.partners import link_case

    link_case(partner=partner, case_id=other.pk, acting_user=world.survivor_worker)
    first = factories.conference_referral(case, referred_on=clock.today() - timedelta(days=30))
    assert factories.conference_referral(other).repeat_of_id == first.pk


def test_a_referral_more_than_a_year_later_is_not_a_repeat(world: World) -> None:
    case = factories.case(world.org)
    with clock.frozen(clock.now() - timedelta(days=400)):
        factories.conference_referral(case)
    assert factories.conference_referral(case).repeat_of is None


def test_the_threshold_is_met_by_a_high_risk_and_considered_for_a_medium_one_with_a_serious_signal() -> None:
    assert rules.conference_threshold("high") == rules.Threshold.REFER
    assert rules.conference_threshold("medium", serious_signal=True) == rules.Threshold.CONSIDER
    assert rules.conference_threshold("medium") == rules.Threshold.NONE
    assert rules.conference_threshold("standard", serious_signal=True) == rules.Threshold.NONE


def test_a_meeting_with_an_action_missing_its_owner_saves_nothing(world: World) -> None:
    from tandem.survivors.models import ConferenceMeeting

    referral = factories.conference_referral(factories.case(world.org))
    response = signed_in_client(world.coordinator).post(
        reverse("survivors:meeting_new", args=[referral.pk]),
        {"held_on": clock.today().isoformat(), "agencies": "Police", "action_1": "Visit her"},
    )
    assert response.status_code == 422
    assert "Action 1 needs" in response.content.decode()
    assert not ConferenceMeeting.objects.filter(referral=referral).exists()


def test_his_case_page_shows_the_programme_side_of_joint_reviews_never_the_survivor_side(world: World, review) -> None:
    from tandem.cases.queries import get_case_of_event

    case = get_case_of_event("cases.case", str(review.case_number))
    assert case is not None
    for user in (world.facilitator, world.coordinator):
        page = signed_in_client(user).get(reverse("cases:case", args=[case.pk])).content.decode()
        assert "Raise his minimising in group" in page and "Review again in March" in page
        assert "She is moving next month" not in page


def test_a_conference_action_changed_meanwhile_is_not_overwritten(world: World) -> None:
    referral = factories.conference_referral(factories.case(world.org))
    action = factories.conference_action(referral)
    client = signed_in_client(world.coordinator)
    url = reverse("survivors:conference_action_status", args=[action.pk])
    client.post(url, {"was": "open", "status": "done"})
    client.post(url, {"was": "open", "status": "dropped"})
    action.refresh_from_db()
    assert action.status == "done"


def test_a_joint_review_is_held_only_with_a_service_she_shares_her_record_with(world: World) -> None:
    from tandem.survivors.actions.joint import record_joint_review

    case = factories.case(world.org)
    factories.partner(case)
    stranger = factories.survivor_service()
    with pytest.raises(ValidationError) as refused:
        record_joint_review(
            organisation=world.org,
            service=stranger,
            case_id=case.pk,
            held_on=clock.today(),
            acting_user=world.coordinator,
        )
    assert "service" in refused.value.message_dict


def test_his_facilitator_never_reads_which_service_supports_her(world: World) -> None:
    case = factories.case(world.org)
    review = factories.joint_review(case, factories.survivor_service("Shelter Yllka"))
    client = signed_in_client(world.facilitator)
    for url in (reverse("survivors:joint_list"), reverse("survivors:joint_review", args=[review.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert "Shelter Yllka" not in page.content.decode()


def test_a_referral_sent_twice_the_same_day_is_one_referral(world: World) -> None:
    from tandem.survivors.actions import SurvivorSideRefused

    case = factories.case(world.org)
    factories.conference_referral(case)
    with pytest.raises(SurvivorSideRefused):
        factories.conference_referral(case)
