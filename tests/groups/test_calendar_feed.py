"""A facilitator's calendar address: she alone makes it, she or a coordinator stops it, only its
hash is kept, and the feed behind it shows her sessions and catch-ups (group, number, time,
venue) and never a man's name or case, for as long as she runs groups for the provider."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from tandem.core import clock
from tandem.core.actions import remove_member
from tandem.core.models import AuditEntry, Membership as Place
from tandem.groups import queries
from tandem.groups.actions import GroupRefused, attendance, feeds, planning
from tandem.groups.models import CalendarFeed, FacilitatorProfile, Group
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

CALENDAR = "/groups/calendar/"
MAN = "Arben Kanarinaj"


@pytest.fixture
def her(world: World) -> FacilitatorProfile:
    """The world's facilitator, with a profile at the provider."""
    return factories.facilitator(world.org, "woman", person=world.facilitator)


@pytest.fixture
def her_group(world: World, her: FacilitatorProfile) -> Group:
    return factories.group(world.org, team=[her, factories.facilitator(world.org, "man")])


def feed_url(token: str) -> str:
    return f"/groups/calendar/{token}.ics"


def fetch(token: str) -> Any:
    """The feed as a calendar app reads it: without signing in."""
    return Client().get(feed_url(token))


def events(response: Any) -> dict[str, Any]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def unfolded(response: Any) -> str:
    return str(response.content.decode()).replace("\r\n ", "").replace("\r\n\t", "")


def make(profile: FacilitatorProfile) -> str:
    return feeds.make_feed(profile=profile, acting_user=profile.user)


# --- Making and stopping the address ---------------------------------------------------------------


def test_a_facilitator_makes_her_address_on_her_calendar_page_and_her_calendar_app_reads_it(
    world: World, her: FacilitatorProfile, her_group: Group
) -> None:
    page = signed_in_client(world.facilitator).post(CALENDAR, {"action": "make", "profile": her.pk})
    assert page.status_code == 200
    found = re.search(r"https?://[^\"<]+/groups/calendar/([A-Za-z0-9_-]+)\.ics", page.content.decode())
    assert found is not None
    response = fetch(found.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    first = queries.sessions_of(her_group)[0]
    event = events(response)[f"session-{first.pk}@tandem"]
    assert str(event["SUMMARY"]) == "Tuesday group — session 1"
    assert str(event["LOCATION"]) == "Community centre, room 2"
    assert event.decoded("DTSTART") == first.start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == first.end


def test_the_feed_is_kept_out_of_caches_search_engines_and_referrers(world: World, her: FacilitatorProfile) -> None:
    response = fetch(make(her))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_address_is_shown_once_and_only_its_hash_is_kept(world: World, her: FacilitatorProfile) -> None:
    client = signed_in_client(world.facilitator)
    made = client.post(CALENDAR, {"action": "make", "profile": her.pk}).content.decode()
    token = re.findall(r"/groups/calendar/([A-Za-z0-9_-]+)\.ics", made)[0]
    assert token not in client.get(CALENDAR).content.decode()
    feed = queries.live_feed_of(her)
    assert feed is not None
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert AuditEntry.objects.filter(action="groups.calendar_feed.made", actor=world.facilitator).exists()
    assert not AuditEntry.objects.filter(detail__icontains=token).exists()


def test_a_new_address_stops_the_old_one(world: World, her: FacilitatorProfile) -> None:
    old = make(her)
    new = make(her)
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200
    assert CalendarFeed.objects.filter(facilitator=her, revoked_at__isnull=True).count() == 1


def test_a_facilitator_stops_her_address(world: World, her: FacilitatorProfile) -> None:
    token = make(her)
    response = signed_in_client(world.facilitator).post(CALENDAR, {"action": "revoke", "profile": her.pk})
    assert response.status_code == 302
    assert fetch(token).status_code == 404
    assert AuditEntry.objects.filter(action="groups.calendar_feed.revoked", actor=world.facilitator).exists()


def test_a_coordinator_stops_a_facilitators_address(world: World, her: FacilitatorProfile) -> None:
    token = make(her)
    response = signed_in_client(world.coordinator).post(f"/groups/facilitators/{her.pk}/calendar/revoke/")
    assert response.status_code == 302
    assert fetch(token).status_code == 404
    assert AuditEntry.objects.filter(action="groups.calendar_feed.revoked", actor=world.coordinator).exists()


def test_a_colleague_cannot_stop_a_facilitators_address(world: World) -> None:
    colleague = factories.facilitator(world.org, "man")
    token = make(colleague)
    factories.facilitator(world.org, "woman", person=world.facilitator)
    response = signed_in_client(world.facilitator).post(f"/groups/facilitators/{colleague.pk}/calendar/revoke/")
    assert response.status_code == 422
    assert fetch(token).status_code == 200


def test_a_coordinator_cannot_make_an_address_for_someone_else(world: World, her: FacilitatorProfile) -> None:
    with pytest.raises(GroupRefused):
        feeds.make_feed(profile=her, acting_user=world.coordinator)
    assert queries.live_feed_of(her) is None
    assert AuditEntry.objects.filter(action="groups.calendar_feed.refused", actor=world.coordinator).exists()


def test_nobody_makes_an_address_with_someone_elses_profile_on_the_calendar_page(
    world: World, her: FacilitatorProfile
) -> None:
    response = signed_in_client(world.coordinator).post(CALENDAR, {"action": "make", "profile": her.pk})
    assert response.status_code == 422
    assert queries.live_feed_of(her) is None


# --- When the address stops working ---------------------------------------------------------------


def test_an_unknown_address_finds_nothing(world: World) -> None:
    assert fetch("not-a-real-secret").status_code == 404


def test_the_address_stops_working_when_she_leaves_the_organisation(world: World, her: FacilitatorProfile) -> None:
    token = make(her)
    remove_member(
        membership=Place.objects.get(user=world.facilitator, organisation=world.org), acting_user=world.org_admin
    )
    assert fetch(token).status_code == 404


def test_the_address_stops_working_when_she_no_longer_runs_groups(world: World, her: FacilitatorProfile) -> None:
    token = make(her)
    planning.save_facilitator(
        organisation=world.org,
        person=world.facilitator,
        details=planning.ProfileDetails(gender="woman", active=False),
        expected_version=her.version,
        acting_user=world.coordinator,
    )
    assert fetch(token).status_code == 404


def test_the_address_stays_stopped_when_she_runs_groups_again(world: World, her: FacilitatorProfile) -> None:
    token = make(her)
    for active in (False, True):
        her.refresh_from_db()
        planning.save_facilitator(
            organisation=world.org,
            person=world.facilitator,
            details=planning.ProfileDetails(gender="woman", active=active),
            expected_version=her.version,
            acting_user=world.coordinator,
        )
    assert fetch(token).status_code == 404


def test_the_address_stops_working_when_her_account_is_closed(world: World, her: FacilitatorProfile) -> None:
    token = make(her)
    world.facilitator.is_active = False
    world.facilitator.save(update_fields=["is_active"])
    assert fetch(token).status_code == 404


def test_reading_the_feed_is_not_written_to_the_audit_log(world: World, her: FacilitatorProfile) -> None:
    token = make(her)
    before = AuditEntry.objects.count()
    for _n in range(3):
        assert fetch(token).status_code == 200
    assert AuditEntry.objects.count() == before


# --- What the feed shows --------------------------------------------------------------------------


def test_a_session_that_did_not_take_place_is_cancelled_in_her_calendar(
    world: World, her: FacilitatorProfile, her_group: Group
) -> None:
    first = queries.sessions_of(her_group)[0]
    attendance.record_session(
        session=first, held=False, marks=[], expected_version=first.version, submission=None, acting_user=her.user
    )
    shown = events(fetch(make(her)))
    assert str(shown[f"session-{first.pk}@tandem"]["STATUS"]) == "CANCELLED"
    assert str(shown[f"session-{queries.sessions_of(her_group)[1].pk}@tandem"]["STATUS"]) == "CONFIRMED"


def test_her_catch_up_with_a_man_never_names_him_nor_his_case(
    world: World, her: FacilitatorProfile, her_group: Group
) -> None:
    membership = factories.allocated(world.org, her_group, name=MAN)
    missed = next(s for s in queries.sessions_of(her_group) if s.number == membership.first_session)
    factories.session_recorded(missed, {membership.pk: "acceptable_absence"})
    catch_up = attendance.plan_catch_up(
        membership=membership,
        number=membership.first_session,
        start=clock.now() + timedelta(days=2),
        facilitator=her,
        acting_user=world.coordinator,
    )
    response = fetch(make(her))
    event = events(response)[f"catch-up-{catch_up.pk}@tandem"]
    assert str(event["SUMMARY"]) == f"Catch-up session {membership.first_session} — Tuesday group"
    assert str(event["LOCATION"]) == "Community centre, room 2"
    text = unfolded(response)
    for word in (MAN, *MAN.split()):
        assert word not in text
    assert f"#{membership.case_id}" not in text
    assert f"case-{membership.case_id}" not in text.lower()


def test_the_feed_keeps_sixty_days_of_the_past_and_no_more(world: World, her: FacilitatorProfile) -> None:
    started_long_ago = factories.group(
        world.org, team=[her, factories.facilitator(world.org, "man")], start_date=clock.today() - timedelta(days=120)
    )
    shown = events(fetch(make(her)))
    sessions = queries.sessions_of(started_long_ago)
    cutoff = clock.now() - timedelta(days=60)
    assert set(shown) == {f"session-{s.pk}@tandem" for s in sessions if s.end >= cutoff}
    assert any(s.end < cutoff for s in sessions)


def test_the_feed_shows_only_her_sessions(world: World, her: FacilitatorProfile, her_group: Group) -> None:
    others = factories.group(
        world.org, team=[factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")]
    )
    shown = events(fetch(make(her)))
    assert not {f"session-{s.pk}@tandem" for s in queries.sessions_of(others)} & set(shown)
    assert len(shown) == len(queries.sessions_of(her_group))


# --- The calendar page -----------------------------------------------------------------------------


def test_programme_staff_without_a_profile_are_told_they_have_no_sessions_to_subscribe_to(world: World) -> None:
    page = signed_in_client(world.coordinator).get(CALENDAR)
    assert page.status_code == 200
    assert "You have no facilitator profile" in page.content.decode()


@pytest.mark.parametrize("persona", ["survivor_worker", "org_admin", "referrer", "analyst", "auditor"])
def test_the_calendar_page_is_not_there_for_roles_without_programme_work(world: World, persona: str) -> None:
    assert signed_in_client(world.persona(persona)).get(CALENDAR).status_code == 404


def test_the_calendar_page_warns_that_the_address_opens_her_timetable_to_whoever_has_it(
    world: World, her: FacilitatorProfile
) -> None:
    html = signed_in_client(world.facilitator).post(CALENDAR, {"action": "make", "profile": her.pk}).content.decode()
    assert "replaces any address you had before" in html
    assert "Anyone who has this address sees the times and venues of your sessions" in html
