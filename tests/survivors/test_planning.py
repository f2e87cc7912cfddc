"""Planning around her safety: her record shared with a survivor service she chose, information
shared with the programme for risk management, her safety plan and its reviews."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.core import clock, events
from tandem.core.models import AuditEntry, WorkItem
from tandem.core.roles import Role
from tandem.survivors.actions.consent import withdraw_consent
from tandem.survivors.actions.planning import end_share, review_safety_plan, share_item, share_with_service
from tandem.survivors.models import PartnerLink, SafetyPlan, SharedItem
from tests import factories
from tests.conftest import World, signed_in_client
from tests.risk.support import STRANGULATION


def _service_worker(service):
    return factories._someone(service, Role.SURVIVOR_WORKER)


def test_a_service_she_agreed_to_share_with_reads_her_record(world: World) -> None:
    partner = factories.partner(factories.case(world.org), address="Rruga e Kavajës 12")
    service = factories.survivor_service()
    factories.share_with(partner, service)
    page = signed_in_client(_service_worker(service)).get(reverse("survivors:partner", args=[partner.pk]))
    assert page.status_code == 200
    assert "Rruga e Kavajës 12" in page.content.decode()
    assert "shared with your service" in page.content.decode()


def test_a_service_never_changes_her_record(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    service = factories.survivor_service()
    factories.share_with(partner, service)
    client = signed_in_client(_service_worker(service))
    assert client.get(reverse("survivors:partner_edit", args=[partner.pk])).status_code == 404
    assert client.get(reverse("survivors:plan", args=[partner.pk])).status_code == 404


def test_a_service_she_did_not_agree_to_finds_nothing(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    factories.share_with(partner, factories.survivor_service())
    stranger = factories.survivor_service()
    response = signed_in_client(_service_worker(stranger)).get(reverse("survivors:partner", args=[partner.pk]))
    assert response.status_code == 404


def test_withdrawing_the_consent_ends_the_services_access_from_that_day(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    service = factories.survivor_service()
    share = factories.share_with(partner, service)
    withdraw_consent(consent=share.consent, acting_user=world.survivor_worker)
    response = signed_in_client(_service_worker(service)).get(reverse("survivors:partner", args=[partner.pk]))
    assert response.status_code == 404


def test_an_expired_consent_ends_the_services_access(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    service = factories.survivor_service()
    factories.share_with(partner, service)
    with clock.frozen(clock.now() + timedelta(days=200)):
        response = signed_in_client(_service_worker(service)).get(reverse("survivors:partner", args=[partner.pk]))
    assert response.status_code == 404


def test_ending_a_share_ends_the_services_access(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    service = factories.survivor_service()
    end_share(share=factories.share_with(partner, service), acting_user=world.survivor_worker)
    response = signed_in_client(_service_worker(service)).get(reverse("survivors:partner", args=[partner.pk]))
    assert response.status_code == 404


def test_a_share_needs_her_valid_consent_to_sharing_with_a_named_service(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    wrong = factories.consent(partner, purpose="information")
    with pytest.raises(ValidationError) as refused:
        share_with_service(
            partner=partner, service=factories.survivor_service(), consent=wrong, acting_user=world.survivor_worker
        )
    assert "consent" in refused.value.message_dict


def test_information_shared_on_her_consent_is_on_his_case_marked_and_audited(world: World) -> None:
    case = factories.case(world.org)
    partner = factories.partner(case)
    factories.shared_item(partner, text="He has bought a hunting knife.")
    page = signed_in_client(world.facilitator).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "He has bought a hunting knife." in page
    assert "Shared by the partner&#x27;s support worker" in page or "Shared by the partner's support worker" in page
    assert AuditEntry.objects.filter(action="survivors.shared_item.read", actor=world.facilitator).exists()


def test_nothing_of_her_record_but_the_shared_item_reaches_his_case(world: World) -> None:
    case = factories.case(world.org)
    partner = factories.partner(case, address="Rruga Myslym Shyri 40", whereabouts="Her sister's flat")
    factories.safety_plan(partner, measures="Safe room at her sister's flat")
    factories.shared_item(partner)
    page = signed_in_client(world.facilitator).get(reverse("cases:case", args=[case.pk])).content.decode()
    for secret in ("Drita Hoxha", "Rruga Myslym Shyri 40", "Her sister", "Safe room"):
        assert secret not in page


def test_sharing_without_consent_or_override_is_refused_and_saves_nothing(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    with pytest.raises(ValidationError) as refused:
        share_item(
            partner=partner,
            link=PartnerLink.objects.get(partner=partner),
            text="He asked where she sleeps.",
            consent=None,
            override_reason="",
            acting_user=world.survivor_worker,
        )
    assert "without her consent" in refused.value.message_dict["consent"][0]
    assert not SharedItem.objects.filter(partner=partner).exists()


def test_sharing_under_an_expired_consent_is_refused(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    old = factories.consent(partner, purpose="risk_management", starts_on=clock.today() - timedelta(days=60), days=30)
    with pytest.raises(ValidationError) as refused:
        share_item(
            partner=partner,
            link=PartnerLink.objects.get(partner=partner),
            text="He asked where she sleeps.",
            consent=old,
            override_reason="",
            acting_user=world.survivor_worker,
        )
    assert "expired" in refused.value.message_dict["consent"][0]


def test_a_safety_override_shares_with_its_reason_recorded(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    item = factories.shared_item(partner, override="He threatened to take the children tonight.")
    assert item.basis == "override" and item.consent is None
    assert item.override_reason.startswith("He threatened")


def test_a_short_override_reason_is_refused(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    with pytest.raises(ValidationError) as refused:
        factories.shared_item(partner, override="danger")
    assert "override_reason" in refused.value.message_dict


def test_the_shared_form_refused_says_what_is_missing(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    link = PartnerLink.objects.get(partner=partner)
    response = signed_in_client(world.survivor_worker).post(
        reverse("survivors:shared_item_new", args=[partner.pk]), {"link": link.pk, "text": "He asked."}
    )
    assert response.status_code == 422
    assert "safety override" in response.content.decode()


def test_a_safety_plan_schedules_its_review_as_work(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    plan = factories.safety_plan(partner, weeks=4)
    [item] = WorkItem.objects.filter(rule="survivors.plan_review", subject_id=str(plan.pk), state="open")
    assert item.due_at.date() == plan.next_review_on == clock.today() + timedelta(weeks=4)
    assert item.team_role == "survivor_worker"


def test_reviewing_the_plan_closes_its_review_and_schedules_the_next(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    plan = factories.safety_plan(partner, weeks=4)
    review_safety_plan(
        plan=plan,
        reason="scheduled",
        note="She moved.",
        measures="New address known to the police only.",
        review_every=6,
        expected_version=plan.version,
        acting_user=world.survivor_worker,
    )
    open_items = WorkItem.objects.filter(rule="survivors.plan_review", subject_id=str(plan.pk), state="open")
    assert [item.due_at.date() for item in open_items] == [clock.today() + timedelta(weeks=6)]
    assert SafetyPlan.objects.get(pk=plan.pk).reviews.count() == 2


def test_a_stale_review_of_the_plan_is_refused(world: World) -> None:
    from tandem.survivors.actions import SurvivorSideRefused

    plan = factories.safety_plan(factories.partner(factories.case(world.org)))
    with pytest.raises(SurvivorSideRefused):
        review_safety_plan(
            plan=plan,
            reason="other",
            note="",
            measures="x",
            review_every=4,
            expected_version=plan.version + 5,
            acting_user=world.survivor_worker,
        )


def test_a_change_in_his_risk_is_work_to_review_her_plan(world: World) -> None:
    case = factories.case(world.org)
    plan = factories.safety_plan(factories.partner(case))
    factories.risk_assessment(case, answers=STRANGULATION)
    events.deliver_pending()
    [item] = WorkItem.objects.filter(rule="survivors.plan_risk_changed", subject_id=str(plan.pk), state="open")
    assert item.subject_compartment == "survivor" and item.team_role == "survivor_worker"


def test_a_service_sees_its_own_share_never_which_other_services_hold_her_record(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    ours, theirs = factories.survivor_service("Ours"), factories.survivor_service("Shelter Lule")
    factories.share_with(partner, ours)
    factories.share_with(partner, theirs)
    page = signed_in_client(_service_worker(ours)).get(reverse("survivors:partner", args=[partner.pk]))
    assert "Shelter Lule" not in page.content.decode()


def test_her_record_is_shared_only_with_the_service_her_consent_names(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    named, other = factories.survivor_service("Shelter Drita"), factories.survivor_service("Shelter Lule")
    agreed = factories.consent(partner, channel="in_person", purpose="share_service", service=named.name)
    with pytest.raises(ValidationError) as refused:
        share_with_service(partner=partner, service=other, consent=agreed, acting_user=world.survivor_worker)
    assert "consent" in refused.value.message_dict
    share_with_service(partner=partner, service=named, consent=agreed, acting_user=world.survivor_worker)
