"""Work items: opened by rules, seen by whom they concern, escalated when overdue, closed by
the action that fulfils them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy

from tandem.core import audit, clock, work
from tandem.core.models import AuditEntry, User, WorkItem
from tandem.core.queries import get_work_to_escalate, open_work_count, open_work_of
from tandem.core.roles import Role
from tandem.core.work import Hours, WorkingDays, WorkRule
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db

BELGRADE = ZoneInfo("Europe/Belgrade")
MONDAY = datetime(2026, 12, 14, 9, tzinfo=BELGRADE)

CALL_BACK = work.register(
    WorkRule(
        key="test.call_back",
        title=gettext_lazy("Call back about %(case)s"),
        due=WorkingDays(2),
        escalate_every=Hours(4),
        link=lambda item: f"/somewhere/{item.subject_id}/",
    )
)


def opened(world: World, **assigned) -> WorkItem:
    with clock.frozen(MONDAY):
        item = work.open_work(
            rule=CALL_BACK,
            organisation=world.org,
            subject=world.org,
            params={"case": "C-12"},
            country_code="RS",
            **assigned,
        )
    assert item is not None
    return item


def work_to_escalate() -> list[WorkItem]:
    return list(get_work_to_escalate(clock.now()))


def visible(user: User) -> list[WorkItem]:
    return list(WorkItem.objects.visible_to(user))


def test_work_is_due_in_working_days_of_its_country(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    assert item.due_at == datetime(2026, 12, 16, 9, tzinfo=BELGRADE)
    assert work.title_of(item) == "Call back about C-12"
    assert work.link_of(item) == f"/somewhere/{world.org.pk}/"


def test_the_same_work_is_opened_only_once(world: World) -> None:
    opened(world, owner=world.facilitator)
    with clock.frozen(MONDAY):
        again = work.open_work(
            rule=CALL_BACK, organisation=world.org, subject=world.org, params={}, owner=world.facilitator
        )
    assert again is None
    assert WorkItem.objects.count() == 1


def test_opening_work_is_on_the_record(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    assert AuditEntry.objects.filter(action="work.opened", object_id=str(item.pk)).exists()


def test_work_needs_an_owner_or_a_team(world: World) -> None:
    with pytest.raises(ValueError):
        work.open_work(rule=CALL_BACK, organisation=world.org, subject=world.org, params={})


def test_the_owner_sees_her_work_and_a_colleague_with_another_role_does_not(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    assert visible(world.facilitator) == [item]
    assert visible(world.survivor_worker) == []
    assert visible(world.outsider) == []


def test_a_team_is_everyone_with_the_role_in_the_organisation(world: World) -> None:
    item = opened(world, team_role=Role.FACILITATOR)
    assert list(open_work_of(world.facilitator)) == [item]
    assert list(open_work_of(world.survivor_worker)) == []


def test_coordinators_oversee_all_open_work_of_their_organisation(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    assert visible(world.coordinator) == [item]
    # ... but it is not hers to do.
    assert list(open_work_of(world.coordinator)) == []


def test_administrators_see_work_about_no_person_but_not_work_of_a_compartment(world: World) -> None:
    about_nobody = opened(world, owner=world.facilitator)
    with clock.frozen(MONDAY):
        of_a_case = work.open_work(
            rule=CALL_BACK,
            organisation=world.org,
            subject=world.other_org,
            params={"case": "C-13"},
            owner=world.survivor_worker,
            compartment="survivor",
        )
    assert of_a_case is not None
    assert visible(world.org_admin) == [about_nobody]
    assert of_a_case in visible(world.coordinator)


def test_closing_work_is_done_by_the_action_that_fulfils_it(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    assert work.close_work(rule=CALL_BACK, subject=world.org, fulfilled_by="test.called", acting_user=world.facilitator)
    item.refresh_from_db()
    assert (item.state, item.fulfilled_by, item.closed_by) == (WorkItem.State.DONE, "test.called", world.facilitator)
    assert AuditEntry.objects.filter(action="work.done", object_id=str(item.pk)).exists()
    assert open_work_count(world.facilitator) == 0


def test_cancelling_the_work_of_one_owner_leaves_the_others(world: World) -> None:
    first = opened(world, owner=world.facilitator)
    second = opened(world, owner=world.coordinator)
    work.cancel_work(rule=CALL_BACK, subject=world.org, reason="left", acting_user=None, owner=world.facilitator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (WorkItem.State.CANCELLED, WorkItem.State.OPEN)


def test_overdue_work_goes_to_the_coordinators_then_to_the_administrators(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    with clock.frozen(item.due_at - timedelta(minutes=1)):
        assert work.escalate_overdue() == 0
    with clock.frozen(item.due_at + timedelta(minutes=1)):
        assert work.escalate_overdue() == 1
        assert work.escalate_overdue() == 0  # a second worker finds nothing left to do
    assert list(open_work_of(world.coordinator)) == [item]
    assert list(open_work_of(world.org_admin)) == []
    with clock.frozen(item.due_at + timedelta(hours=4, minutes=2)):
        assert work.escalate_overdue() == 1
    assert list(open_work_of(world.org_admin)) == [item]
    levels = AuditEntry.objects.filter(action="work.escalated", object_id=str(item.pk)).values_list("detail", flat=True)
    assert ['"level":1' in d for d in levels] == [True, False]


def test_escalation_looks_only_at_work_whose_time_has_come(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    assert item.escalate_at == item.due_at
    with clock.frozen(item.due_at + timedelta(minutes=1)):
        work.escalate_overdue()
    item.refresh_from_db()
    # Next looked at when the pause before the second step ends, not on every tick before.
    assert item.escalate_at == item.due_at + timedelta(minutes=1, hours=4)
    with clock.frozen(item.due_at + timedelta(hours=1)):
        assert list(work_to_escalate()) == []
    with clock.frozen(item.due_at + timedelta(hours=4, minutes=2)):
        work.escalate_overdue()
    item.refresh_from_db()
    assert item.escalation_level == 2
    assert item.escalate_at is None


def test_work_looked_at_too_early_is_looked_at_again_when_its_pause_ends(world: World) -> None:
    item = opened(world, owner=world.facilitator)
    with clock.frozen(item.due_at + timedelta(minutes=1)):
        work.escalate_overdue()
    # As a migration leaves work escalated before the worker kept the time of its next look.
    WorkItem.objects.filter(pk=item.pk).update(escalate_at=item.due_at + timedelta(minutes=1))
    with clock.frozen(item.due_at + timedelta(hours=1)):
        assert work.escalate_overdue() == 0
    item.refresh_from_db()
    assert item.escalate_at == item.due_at + timedelta(minutes=1, hours=4)


def test_an_escalation_and_its_audit_entry_stand_or_fall_together(world: World, monkeypatch) -> None:
    item = opened(world, owner=world.facilitator)

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is unreachable")

    monkeypatch.setattr(audit, "record", broken)
    with clock.frozen(item.due_at + timedelta(minutes=1)), pytest.raises(RuntimeError):
        work.escalate_overdue()
    item.refresh_from_db()
    assert item.escalation_level == 0


def test_the_work_of_a_person_is_within_what_she_may_see(world: World) -> None:
    opened(world, owner=world.facilitator)
    opened(world, team_role=Role.COORDINATOR)
    for name in ("facilitator", "coordinator", "org_admin", "survivor_worker", "outsider"):
        person = world.persona(name)
        assert set(open_work_of(person)) <= set(visible(person)), name


def test_a_closed_account_has_no_work(world: World) -> None:
    opened(world, owner=world.facilitator)
    User.objects.filter(pk=world.facilitator.pk).update(is_active=False)
    world.facilitator.refresh_from_db()
    assert list(open_work_of(world.facilitator)) == []


def test_an_organisation_without_the_first_role_escalates_straight_to_the_second(world: World) -> None:
    with clock.frozen(MONDAY):
        item = work.open_work(
            rule=CALL_BACK, organisation=world.network, subject=world.network, params={}, owner=world.analyst
        )
    assert item is not None
    assert (item.escalation_role_1, item.escalation_role_2) == (Role.ORG_ADMIN, "")
    with clock.frozen(item.due_at + timedelta(minutes=1)):
        work.escalate_overdue()
    item.refresh_from_db()
    assert item.escalation_level == 1


def test_the_work_list_shows_what_is_yours_and_the_header_counts_it(client: Client, world: World) -> None:
    opened(world, owner=world.facilitator)
    sign_in(client, world.facilitator)
    page = client.get("/work/").content.decode()
    assert "Call back about C-12" in page
    assert 'href="/somewhere/' in page
    assert '<span class="count">1' in page


def test_the_organisation_list_shows_work_by_person_and_team(client: Client, world: World) -> None:
    opened(world, owner=world.facilitator)
    opened(world, team_role=Role.SURVIVOR_WORKER)
    sign_in(client, world.coordinator)
    page = client.get(f"/work/organisations/{world.org.pk}/").content.decode()
    assert world.facilitator.get_full_name() in page
    assert "Team: Survivor-support worker" in page


def test_a_long_work_list_comes_in_pages_soonest_due_first(client: Client, world: World) -> None:
    from tandem.core.views.work import PAGE_SIZE

    for number in range(PAGE_SIZE + 1):
        with clock.frozen(MONDAY + timedelta(minutes=number)):
            work.open_work(
                rule=CALL_BACK,
                organisation=world.org,
                subject=world.org,
                params={"case": f"C-{number}"},
                owner=world.facilitator,
                key=f"case-{number}",
            )
    sign_in(client, world.facilitator)
    first = client.get("/work/").content.decode()
    assert "Call back about C-0<" in first and "C-100<" not in first
    assert "Page 1 of 2, soonest due first" in first
    second = client.get("/work/?page=2").content.decode()
    assert "Call back about C-100<" in second
    assert client.get("/work/?page=junk").status_code == 200
