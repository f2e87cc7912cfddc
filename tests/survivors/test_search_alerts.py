"""A search on the man's side that names a partner recorded on the survivor side, by her name or
her address, alerts the organisation's administrators: work that names who searched, and an
audit entry that says a partner was named, neither of them what was typed. The man's own name,
an unrelated word, a word too short to mean anyone, a partner of another organisation, or a
coordinator's search that found one of his cases raise nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tandem.cases.rules.matching import Search
from tandem.core import work
from tandem.core.models import AuditEntry, User, WorkItem
from tandem.survivors import alerts
from tandem.survivors.queries import searches
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

HER_NAME = "Drita Hoxha"
HER_ADDRESS = "Rruga e Kavajës 14, Tiranë"
HIS_NAME = "Arben Hoxha"


def his_case_with_her(world: World) -> Case:
    case = factories.case(world.org, name=HIS_NAME)
    factories.partner(case, name=HER_NAME, address=HER_ADDRESS)
    return case


def search(user: User, typed: str) -> None:
    response = signed_in_client(user).get(reverse("cases:case_list"), {"q": typed})
    assert response.status_code == 200


def search_alerts() -> list[WorkItem]:
    return list(WorkItem.objects.filter(rule="survivors.alert_search"))


def test_a_facilitator_searching_a_partners_name_alerts_the_organisations_administrators(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, "Drita Hoxha")
    [alert] = search_alerts()
    assert (alert.organisation_id, alert.team_role, alert.state) == (world.org.pk, "org_admin", "open")
    assert world.facilitator.get_username() in work.title_of(alert)


def test_a_facilitator_searching_a_partners_name_in_another_script_alerts_the_administrators(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, "Дрита Хоџа")
    assert len(search_alerts()) == 1


def test_a_facilitator_searching_a_partners_address_alerts_the_administrators(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, "rruga e kavajes")
    assert len(search_alerts()) == 1


def test_the_alert_is_on_the_audit_log_as_a_partner_named_without_what_was_typed(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, "Kavajës 14")
    [entry] = AuditEntry.objects.filter(action="survivors.access_alert", actor=world.facilitator)
    assert json.loads(entry.detail) == {"alert": "search", "matched": True}


def test_neither_the_work_nor_the_audit_log_keeps_what_was_typed_or_who_she_is(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, "Kavajës 14")
    [alert] = search_alerts()
    kept = [work.title_of(alert), str(alert.params), alert.key]
    kept += [f"{entry.detail} {entry.actor_label} {entry.user_agent}" for entry in AuditEntry.objects.all()]
    for secret in ("Kavaj", "kavaj", "Drita", "drita"):
        assert not any(secret in text for text in kept), secret


def test_the_page_of_the_alert_says_that_the_person_searched_for_a_partner(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, "Drita Hoxha")
    [alert] = search_alerts()
    page = signed_in_client(world.org_admin).get(reverse("survivors:alert", args=[alert.pk])).content.decode()
    assert "Searched the man" in page and world.facilitator.get_username() in page
    assert "Drita" not in page


def test_searching_the_mans_own_name_raises_no_alert(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, HIS_NAME)
    assert search_alerts() == []
    assert not AuditEntry.objects.filter(action="survivors.access_alert").exists()


def test_searching_an_unrelated_word_raises_no_alert(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, "Krasniqi")
    assert search_alerts() == []


def test_a_search_too_short_to_mean_anyone_raises_no_alert(world: World) -> None:
    case = factories.case(world.org, name=HIS_NAME)
    factories.partner(case, name="Ana Hoxha", address="Rruga Ana 3")
    search(world.facilitator, "Ana")
    assert search_alerts() == []


def test_part_of_her_name_raises_no_alert(world: World) -> None:
    # On the case list a beginning finds his name; her name is named only by whole words.
    his_case_with_her(world)
    search(world.facilitator, "Dri Hox")
    assert search_alerts() == []


def test_a_case_number_raises_no_alert(world: World) -> None:
    case = his_case_with_her(world)
    search(world.facilitator, str(case.pk))
    assert search_alerts() == []


def test_a_partner_of_another_organisation_raises_no_alert(world: World) -> None:
    factories.partner(factories.case(world.other_org, name=HIS_NAME), name=HER_NAME, address=HER_ADDRESS)
    search(world.facilitator, HER_NAME)
    assert search_alerts() == []


def test_a_search_too_long_is_not_compared_with_her_records(world: World) -> None:
    his_case_with_her(world)
    search(world.facilitator, HER_NAME + " " * 10 + "x" * 100)
    assert search_alerts() == []


def test_a_coordinator_searching_a_partners_name_that_finds_none_of_his_cases_is_alerted(world: World) -> None:
    his_case_with_her(world)
    search(world.coordinator, "Drita Hoxha")
    [alert] = search_alerts()
    assert world.coordinator.get_username() in work.title_of(alert)


def test_a_coordinator_searching_a_surname_the_man_shares_with_her_is_not_alerted(world: World) -> None:
    # The search found his case: it is taken as a search for him.
    case = factories.case(world.org, name="Marko Petrović")
    factories.partner(case, name="Ana Petrović")
    search(world.coordinator, "Petrović")
    assert search_alerts() == []


def test_a_coordinator_whose_search_found_a_closed_case_of_his_is_not_alerted(world: World) -> None:
    case = factories.case(world.org, name="Marko Petrović", state=State.CLOSED)
    factories.partner(case, name="Ana Petrović")
    search(world.coordinator, "Petrović")  # the list shows open cases; the closed one is his all the same
    assert search_alerts() == []


def test_a_coordinator_searching_her_address_that_finds_none_of_his_cases_is_alerted(world: World) -> None:
    his_case_with_her(world)
    search(world.coordinator, "Rruga e Kavajës 14")
    assert len(search_alerts()) == 1


def test_a_facilitator_searching_a_surname_of_six_letters_she_shares_with_him_is_alerted(world: World) -> None:
    # A facilitator has no reason to look for her at all: the administrator judges.
    case = factories.case(world.org, name="Marko Petrović")
    factories.partner(case, name="Ana Petrović")
    search(world.facilitator, "Petrović")
    assert len(search_alerts()) == 1


def test_a_referrer_searching_a_partners_name_in_a_providers_records_alerts_its_administrators(
    world: World,
) -> None:
    his_case_with_her(world)
    alerts.searched_for_her(world.referrer, [world.org.pk], HER_NAME, None)
    [alert] = search_alerts()
    assert alert.organisation_id == world.org.pk


def test_someone_outside_the_mans_side_raises_no_search_alert(world: World) -> None:
    his_case_with_her(world)
    alerts.searched_for_her(world.analyst, [world.org.pk], HER_NAME, None)
    assert search_alerts() == []


def test_the_comparison_names_only_the_organisations_asked_about(world: World) -> None:
    factories.partner(factories.case(world.other_org), name=HER_NAME)
    assert searches.organisations_naming([world.org.pk], Search.of(HER_NAME)) == set()
    assert searches.organisations_naming([world.other_org.pk], Search.of(HER_NAME)) == {world.other_org.pk}


def test_the_comparison_reads_at_most_its_bound_of_records_the_latest_changed_first(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.partner(factories.case(world.org), name=HER_NAME)
    factories.partner(factories.case(world.org), name="Vjosa Krasniqi")
    monkeypatch.setattr(searches, "SEARCH_BOUND", 1)
    assert searches.organisations_naming([world.org.pk], Search.of("Vjosa Krasniqi")) == {world.org.pk}
    assert searches.organisations_naming([world.org.pk], Search.of(HER_NAME)) == set()
