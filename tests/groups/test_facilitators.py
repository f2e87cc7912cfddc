"""The facilitators' pages: the provider's coordinators record and change profiles and write
supervision and continuity notes; the provider's facilitators read the list and profiles, and
only the coordinators and the facilitator herself read the notes about her."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.core.models import AuditEntry, User
from tandem.core.navigation import pages_for
from tandem.core.roles import Role
from tandem.groups import queries
from tandem.groups.actions import planning
from tandem.groups.models import FacilitatorProfile
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

LIST = "/groups/facilitators/"


def profile_url(profile: FacilitatorProfile, rest: str = "") -> str:
    return f"/groups/facilitators/{profile.pk}/{rest}"


def note(world: World, profile: FacilitatorProfile, text: str) -> None:
    planning.add_facilitator_note(profile=profile, kind="supervision", text=text, acting_user=world.coordinator)


def place_of(world: World, person: User) -> int:
    return next(p.pk for p in queries.staff_without_profile([world.org.pk]) if p.user_id == person.pk)


# --- Adding and changing a profile ------------------------------------------------------------------


def test_a_coordinator_adds_the_profile_of_a_facilitator_who_has_none(world: World) -> None:
    response = signed_in_client(world.coordinator).post(
        "/groups/facilitators/new/",
        {
            "person": place_of(world, world.facilitator),
            "version": 0,
            "gender": "woman",
            "trained_on": "2024-03-01",
            "certified_on": "2024-09-15",
            "active": "on",
        },
    )
    profile = queries.profile_of(world.facilitator, world.org.pk)
    assert profile is not None
    assert response.status_code == 302
    assert response["Location"] == profile_url(profile)
    assert (profile.gender, profile.trained_on, profile.certified_on, profile.active) == (
        "woman",
        date(2024, 3, 1),
        date(2024, 9, 15),
        True,
    )
    assert AuditEntry.objects.filter(action="groups.facilitator.saved", actor=world.coordinator).exists()


def test_the_new_profile_form_offers_only_the_providers_staff_without_a_profile(world: World) -> None:
    colleague = factories.facilitator(world.org, "man")
    response = signed_in_client(world.coordinator).get("/groups/facilitators/new/")
    assert response.status_code == 200
    offered = {label for value, label in response.context["form"].fields["person"].choices if value}
    assert world.facilitator.get_full_name() in offered
    assert world.coordinator.get_full_name() in offered
    assert str(colleague) not in offered
    assert world.survivor_worker.get_full_name() not in offered
    assert world.outsider.get_full_name() not in offered


@pytest.mark.parametrize("persona", ["facilitator", "survivor_worker", "org_admin", "referrer", "auditor"])
def test_only_a_coordinator_reaches_the_new_profile_form(world: World, persona: str) -> None:
    assert signed_in_client(world.persona(persona)).get("/groups/facilitators/new/").status_code == 404


def test_a_coordinator_changes_a_profile(world: World) -> None:
    profile = factories.facilitator(world.org, "woman")
    response = signed_in_client(world.coordinator).post(
        profile_url(profile, "edit/"),
        {"version": profile.version, "gender": "woman", "trained_on": "2025-01-10", "certified_on": ""},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.trained_on, profile.active, profile.version) == (date(2025, 1, 10), False, 2)


def test_a_change_made_on_a_form_opened_before_someone_elses_is_refused(world: World) -> None:
    profile = factories.facilitator(world.org, "woman")
    opened_at = profile.version
    planning.save_facilitator(
        organisation=world.org,
        person=profile.user,
        details=planning.ProfileDetails(gender="woman", certified_on=date(2025, 5, 5)),
        expected_version=opened_at,
        acting_user=world.coordinator,
    )
    response = signed_in_client(world.coordinator).post(
        profile_url(profile, "edit/"), {"version": opened_at, "gender": "man", "active": "on"}
    )
    assert response.status_code == 409
    assert "Someone else changed this record meanwhile" in response.content.decode()
    profile.refresh_from_db()
    assert (profile.gender, profile.certified_on) == ("woman", date(2025, 5, 5))


def test_a_certification_before_the_training_is_sent_back_to_be_corrected(world: World) -> None:
    profile = factories.facilitator(world.org, "woman")
    response = signed_in_client(world.coordinator).post(
        profile_url(profile, "edit/"),
        {"version": profile.version, "gender": "woman", "trained_on": "2025-01-10", "certified_on": "2024-01-10"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["certified_on"]


def test_a_facilitator_cannot_change_a_profile_not_even_her_own(world: World) -> None:
    profile = factories.facilitator(world.org, "woman", person=world.facilitator)
    response = signed_in_client(world.facilitator).post(
        profile_url(profile, "edit/"), {"version": profile.version, "gender": "man", "active": "on"}
    )
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == ["Only the programme's coordinators can do this."]
    profile.refresh_from_db()
    assert (profile.gender, profile.version) == ("woman", 1)
    assert AuditEntry.objects.filter(action="groups.facilitator.refused", actor=world.facilitator).exists()


def test_a_facilitator_cannot_add_a_note_about_a_colleague(world: World) -> None:
    colleague = factories.facilitator(world.org, "man")
    response = signed_in_client(world.facilitator).post(
        profile_url(colleague, "notes/new/"), {"kind": "supervision", "text": "Running late again."}
    )
    assert response.status_code == 422
    assert queries.notes_about(world.coordinator, colleague) == []


def test_a_coordinator_adds_a_continuity_note(world: World) -> None:
    profile = factories.facilitator(world.org, "woman")
    response = signed_in_client(world.coordinator).post(
        profile_url(profile, "notes/new/"), {"kind": "continuity", "text": "Covers the Tuesday group in May."}
    )
    assert response.status_code == 302
    [written] = queries.notes_about(world.coordinator, profile)
    assert (written.kind, written.text, written.written_by) == (
        "continuity",
        "Covers the Tuesday group in May.",
        world.coordinator,
    )


# --- Reading ---------------------------------------------------------------------------------------


def test_the_notes_about_a_facilitator_are_shown_to_the_coordinator_and_to_herself(world: World) -> None:
    profile = factories.facilitator(world.org, "woman", person=world.facilitator)
    note(world, profile, "Discussed the collusion in session 7.")
    for person in (world.coordinator, world.facilitator):
        page = signed_in_client(person).get(profile_url(profile))
        assert page.status_code == 200
        assert "Discussed the collusion in session 7." in page.content.decode()


def test_a_colleague_sees_the_profile_but_neither_the_notes_nor_that_there_are_any(world: World) -> None:
    profile = factories.facilitator(world.org, "woman")
    note(world, profile, "Discussed the collusion in session 7.")
    page = signed_in_client(world.facilitator).get(profile_url(profile))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Discussed the collusion" not in html
    assert "Supervision and continuity notes" not in html
    assert page.context["reads_notes"] is False


@pytest.mark.parametrize("persona", ["survivor_worker", "org_admin", "referrer", "analyst", "auditor", "outsider"])
def test_nobody_else_finds_a_facilitators_profile(world: World, persona: str) -> None:
    profile = factories.facilitator(world.org, "woman")
    client = signed_in_client(world.persona(persona))
    assert client.get(profile_url(profile)).status_code == 404
    assert client.post(profile_url(profile, "edit/"), {"version": 1, "gender": "man"}).status_code == 404


@pytest.mark.parametrize("persona", ["survivor_worker", "org_admin", "referrer", "analyst", "auditor"])
def test_the_list_is_not_there_for_roles_without_programme_work(world: World, persona: str) -> None:
    assert signed_in_client(world.persona(persona)).get(LIST).status_code == 404


def test_the_list_shows_the_providers_facilitators_and_not_another_providers(world: World) -> None:
    ours = factories.facilitator(world.org, "woman", person=world.facilitator)
    theirs = factories.facilitator(world.other_org, "man")
    page = signed_in_client(world.facilitator).get(LIST)
    assert page.status_code == 200
    assert [profile.pk for profile in page.context["profiles"]] == [ours.pk]
    assert str(theirs) not in page.content.decode()


def test_the_list_counts_the_sessions_each_facilitator_ran_that_were_held(world: World) -> None:
    woman, man = factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")
    group = factories.group(world.org, team=[woman, man])
    sessions = queries.sessions_of(group)
    factories.session_recorded(sessions[0])
    factories.session_recorded(sessions[1])
    page = signed_in_client(world.coordinator).get(LIST)
    assert {profile.pk: profile.sessions_run for profile in page.context["profiles"]} == {woman.pk: 2, man.pk: 2}


def test_coordinators_are_offered_to_add_and_change_profiles_and_facilitators_are_not(world: World) -> None:
    factories.facilitator(world.org, "woman")
    assert "/groups/facilitators/new/" in signed_in_client(world.coordinator).get(LIST).content.decode()
    html = signed_in_client(world.facilitator).get(LIST).content.decode()
    assert "/groups/facilitators/new/" not in html
    assert "/edit/" not in html


def list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(captured)


def test_the_list_reads_the_database_as_often_with_more_facilitators_and_sessions(world: World) -> None:
    client = signed_in_client(world.coordinator)
    factories.facilitator(world.org, "woman")
    client.get(LIST)  # the session and the language are settled once
    before = list_queries(client)
    woman, man = factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")
    factories.session_recorded(queries.sessions_of(factories.group(world.org, team=[woman, man]))[0])
    factories.facilitator(world.org, "other")
    after = list_queries(client)
    assert (before, after) == (LIST_QUERIES, LIST_QUERIES)


# The session (read, and saved in a savepoint), the user, her authenticator, her places, the
# facilitators with their sessions counted, her open work and the site's wording.
LIST_QUERIES = 10


# --- In the header ---------------------------------------------------------------------------------


def test_the_facilitators_page_is_in_the_header_of_programme_staff_only(world: World) -> None:
    def shown(person: User) -> bool:
        return "group_facilitators" in {link.key for link in pages_for(person)}

    assert shown(world.facilitator) and shown(world.coordinator)
    assert not any(shown(world.persona(p)) for p in ("survivor_worker", "org_admin", "referrer", "auditor"))


def test_my_calendar_is_in_the_header_of_the_people_who_may_run_sessions(world: World) -> None:
    # Told by role alone, so that no page reads the database for the link.
    def shown(person: User) -> bool:
        return "my_calendar" in {link.key for link in pages_for(person)}

    assert shown(world.facilitator) and shown(world.coordinator)
    assert not shown(factories.member(world.org, Role.SURVIVOR_WORKER, with_device=False))
    assert not any(shown(world.persona(p)) for p in ("org_admin", "referrer", "analyst", "auditor"))
