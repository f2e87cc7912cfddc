"""Every event on the man's side that his partner must hear of is survivor-safety work, due in
hours where her danger may have risen and escalated when overdue; the signals her side sends
reach his facilitators without her words; a programme-side attempt on her pages alerts the
administrators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.cases import actions as case_actions
from tandem.cases.models import Case
from tandem.cases.queries import case_facts
from tandem.cases.rules.lifecycle import State
from tandem.core import clock, events, work
from tandem.core.models import AuditEntry, WorkItem
from tandem.survivors.actions import record_safety_signal
from tandem.survivors.actions.contact import record_contact
from tandem.survivors.models import SafetySignal
from tests import factories
from tests.conftest import World, signed_in_client

SECRET_SUMMARY = "canary-summary-7c1f"
SECRET_ADDRESS = "canary-address-Rruga-e-Kavajes-12"


def excluded(world: World) -> Case:
    case = factories.case(world.org, state=State.IN_PROGRAMME)
    events.deliver_pending()
    case.refresh_from_db()
    case_actions.move_case(
        case=case,
        event="exclude",
        expected_version=case.version,
        acting_user=world.coordinator,
        reason="Threatened another man in group.",
    )
    events.deliver_pending()
    return case


def open_survivor_work(case: Case) -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(
            subject_type="cases.case", subject_id=str(case.pk), subject_compartment="survivor", state="open"
        )
    )


def test_an_exclusion_is_work_for_the_partners_worker_due_within_24_hours(world: World) -> None:
    case = excluded(world)
    [item] = [i for i in open_survivor_work(case) if i.rule == "survivors.inform_exclusion"]
    assert item.team_role == "survivor_worker"
    assert item.due_at - item.created_at <= timedelta(hours=24, minutes=1)
    assert case_facts(case).open_safety_work


def test_overdue_survivor_work_escalates_to_the_coordinators(world: World) -> None:
    case = excluded(world)
    with clock.frozen(clock.now() + timedelta(hours=25)):
        work.escalate_overdue()
    [item] = [i for i in open_survivor_work(case) if i.rule == "survivors.inform_exclusion"]
    assert item.escalation_level == 1 and item.escalation_role_1 == "coordinator"


def test_telling_her_closes_the_work_the_exclusion_opened(world: World) -> None:
    case = excluded(world)
    partner = factories.partner(case)
    factories.consent(partner)
    record_contact(
        partner=partner,
        kind="contact",
        channel="phone",
        purpose="information",
        outcome="informed",
        happened_at=clock.now(),
        acting_user=world.survivor_worker,
    )
    assert [i.rule for i in open_survivor_work(case)] == []


def test_the_facilitators_see_a_signal_with_its_level_and_day_but_never_her_words(world: World) -> None:
    case = factories.case(world.org, state=State.IN_PROGRAMME)
    factories.partner(case, address=SECRET_ADDRESS)
    reference = case.partner_reference
    assert reference is not None
    record_safety_signal(
        organisation=world.org,
        reference=reference,
        kind="risk_increased",
        level="serious",
        summary=SECRET_SUMMARY,
        acting_user=world.survivor_worker,
    )
    record_safety_signal(
        organisation=world.org,
        reference=reference,
        kind="avoid_topic",
        level="concern",
        topic="her new job",
        acting_user=world.survivor_worker,
    )
    page = signed_in_client(world.facilitator).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "Risk increased" in page and "Serious concern" in page
    assert "her new job" in page
    assert SECRET_SUMMARY not in page and SECRET_ADDRESS not in page and "Drita" not in page
    assert reverse("survivors:for_case", args=[case.pk]) not in page


def test_a_facilitator_trying_her_record_finds_nothing_and_the_administrators_are_alerted(world: World) -> None:
    case = factories.case(world.org)
    partner = factories.partner(case)
    response = signed_in_client(world.facilitator).get(reverse("survivors:partner", args=[partner.pk]))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="survivors.access_alert", actor=world.facilitator).exists()
    [alert] = WorkItem.objects.filter(rule="survivors.alert_tried", state="open")
    assert alert.team_role == "org_admin" and alert.organisation_id == world.org.pk
    assert world.facilitator.get_username() in work.title_of(alert)


def test_an_analyst_lost_on_her_pages_is_refused_without_an_alert(world: World) -> None:
    response = signed_in_client(world.analyst).get(reverse("survivors:partner_list"))
    assert response.status_code == 404
    assert not WorkItem.objects.filter(rule="survivors.alert_tried").exists()


def test_reading_many_of_her_sides_records_within_an_hour_alerts_the_administrators(world: World) -> None:
    from tandem.survivors import alerts

    partner = factories.partner(factories.case(world.org))
    client = signed_in_client(world.survivor_worker)
    for _ in range(alerts.BULK_READS + 1):
        client.get(reverse("survivors:partner", args=[partner.pk]))
    assert WorkItem.objects.filter(rule="survivors.alert_bulk", state="open").exists()


def test_reading_her_record_through_its_edit_form_counts_towards_the_alert(world: World) -> None:
    from tandem.survivors import alerts

    partner = factories.partner(factories.case(world.org))
    client = signed_in_client(world.survivor_worker)
    for _ in range(alerts.BULK_READS + 1):
        client.get(reverse("survivors:partner_edit", args=[partner.pk]))
    assert WorkItem.objects.filter(rule="survivors.alert_bulk", state="open").exists()


def test_her_record_is_encrypted_at_rest(world: World) -> None:
    from django.db import connection

    partner = factories.partner(factories.case(world.org), address=SECRET_ADDRESS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, address FROM survivors_partner WHERE id = %s", [partner.pk])
        name, address = cursor.fetchone()
    assert "Drita" not in name and SECRET_ADDRESS not in address


def test_a_topic_not_to_raise_stays_on_his_case_however_many_signals_follow(world: World) -> None:
    from tandem.survivors.queries import signals_for_programme

    case = factories.case(world.org, state=State.IN_PROGRAMME)
    factories.partner(case)
    reference = case.partner_reference
    assert reference is not None
    send = {"organisation": world.org, "reference": reference, "acting_user": world.survivor_worker}
    record_safety_signal(kind="avoid_topic", level="concern", topic="her new job", **send)  # type: ignore[arg-type]
    for _ in range(6):
        record_safety_signal(kind="no_concerns", level="no_concern", **send)  # type: ignore[arg-type]
    assert "her new job" in [signal.topic for signal in signals_for_programme(reference)]


def test_a_signal_is_shown_on_the_case_of_the_man_it_is_about_alone(world: World) -> None:
    first, second = factories.case(world.org), factories.case(world.org)
    partner = factories.partner(first)
    from tandem.survivors.actions.partners import link_case

    link_case(partner=partner, case_id=second.pk, acting_user=world.survivor_worker)
    client = signed_in_client(world.survivor_worker)
    client.post(
        reverse("survivors:signal_new", args=[partner.pk]),
        {"case": second.pk, "kind": "risk_increased", "level": "serious"},
    )
    assert list(SafetySignal.objects.values_list("reference", flat=True)) == [second.partner_reference]


def test_a_signal_that_contradicts_its_level_is_refused(world: World) -> None:
    case = factories.case(world.org)
    assert case.partner_reference is not None
    with pytest.raises(ValidationError) as invalid:
        record_safety_signal(
            organisation=world.org,
            reference=case.partner_reference,
            kind="no_concerns",
            level="serious",
            acting_user=world.survivor_worker,
        )
    assert "level" in invalid.value.message_dict


def test_every_refused_attempt_on_her_pages_is_on_the_audit_log(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    for person in (world.analyst, world.auditor, world.org_admin):
        assert signed_in_client(person).get(reverse("survivors:partner", args=[partner.pk])).status_code == 404
        assert AuditEntry.objects.filter(action="survivors.refused", actor=person).exists()


def test_a_case_number_too_large_for_any_case_is_not_found(world: World) -> None:
    client = signed_in_client(world.survivor_worker)
    assert client.get(reverse("survivors:for_case", args=[10**20])).status_code == 404
    response = client.post(reverse("survivors:partner_new"), {"case": str(10**20), "name": "Besa"})
    assert response.status_code == 422


def test_the_administrator_reviews_an_access_alert_and_closes_it_with_what_was_done(world: World) -> None:
    signed_in_client(world.facilitator).get(reverse("survivors:partner_list"))
    [alert] = WorkItem.objects.filter(rule="survivors.alert_tried", state="open")
    assert work.link_of(alert) == reverse("survivors:alert", args=[alert.pk])
    client = signed_in_client(world.org_admin)
    page = client.get(reverse("survivors:alert", args=[alert.pk])).content.decode()
    assert "/survivors/" in page
    assert client.post(reverse("survivors:alert", args=[alert.pk]), {"note": ""}).status_code == 422
    client.post(reverse("survivors:alert", args=[alert.pk]), {"note": "She opened an old bookmark; explained."})
    alert.refresh_from_db()
    assert alert.state == "done"
    assert AuditEntry.objects.filter(action="survivors.alert_reviewed", actor=world.org_admin).exists()


def test_a_second_attempt_while_the_alert_is_open_opens_no_second_alert(world: World) -> None:
    client = signed_in_client(world.facilitator)
    client.get(reverse("survivors:partner_list"))
    client.get(reverse("survivors:partner_list"))
    assert WorkItem.objects.filter(rule="survivors.alert_tried", state="open").count() == 1


def test_an_attempt_after_the_alert_was_reviewed_is_a_new_alert(world: World) -> None:
    from tandem.survivors import alerts

    client = signed_in_client(world.facilitator)
    client.get(reverse("survivors:partner_list"))
    [first] = WorkItem.objects.filter(rule="survivors.alert_tried", state="open")
    alerts.review(item=first, note="Explained the rule to her.", acting_user=world.org_admin)
    client.get(reverse("survivors:partner_list"))
    [second] = WorkItem.objects.filter(rule="survivors.alert_tried", state="open")
    assert second.pk != first.pk
