"""Group work in a real browser: a coordinator plans a group and is refused a team of two men,
then plans it with a woman and a man; she places a waiting man in it; a facilitator records the
first session on a phone-sized screen, raising a concern for his partner's safety; and the
coordinator sees what that concern set going on the man's case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.test_signin import _describe, _serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_world")]

PROVIDER = "Centar Drugačije"
COORDINATOR = "rs.coordinator"
FACILITATOR = "rs.group.facilitator"
MAN = "Nenad Živković"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def staff(demo_world: None) -> dict[str, Any]:
    """Two men and a woman who run groups; the woman signs in herself. And a man waiting."""
    from tandem.core.models import AuthenticatorDevice, Organisation
    from tandem.core.roles import Role
    from tandem.demo.world import DEMO_PASSWORD, totp_key
    from tests import factories

    provider = Organisation.objects.get(name=PROVIDER)
    woman_user = factories.member(provider, Role.FACILITATOR, FACILITATOR, with_device=False)
    # Her authenticator holds the demo's key for her name, as every demo account's does.
    AuthenticatorDevice.objects.create(user=woman_user, name="phone", key=totp_key(FACILITATOR), confirmed=True)
    woman_user.first_name, woman_user.last_name = "Jelena", "Marković"
    woman_user.set_password(DEMO_PASSWORD)
    woman_user.save()
    men = []
    for first, last in (("Marko", "Petrović"), ("Stefan", "Ilić")):
        person = factories.member(provider, Role.FACILITATOR, with_device=False)
        person.first_name, person.last_name = first, last
        person.save()
        men.append(factories.facilitator(provider, "man", person=person))
    woman = factories.facilitator(provider, "woman", person=woman_user)
    waiting = factories.waiting_case(provider, name=MAN)
    return {"woman": woman, "men": men, "waiting": waiting}


def sign_in(page: Page, username: str, enter_password: Callable[[Page, str], None], enter_code: Any) -> None:
    enter_password(page, username)
    enter_code(page, username)


def fill_plan(page: Page, first_day: Any) -> None:
    page.locator("[name=name]").fill("Monday evening group")
    page.locator("input[name=intake][value=closed]").check()
    page.locator("[name=venue]").fill("Community centre, room 3")
    page.locator("select[name=weekday]").select_option(str(first_day.weekday()))
    page.locator("[name=start_time]").fill("08:00")
    page.locator("[name=start_date]").fill(first_day.isoformat())
    page.locator("main select[name=language]").select_option("sr-latn")


def test_a_group_is_planned_with_a_mixed_team_and_a_session_recorded_on_a_phone_raises_a_concern(
    staff: dict[str, Any],
    new_context: Callable[..., BrowserContext],
    base_url: str,
    enter_password: Callable[[Page, str], None],
    enter_code: Any,
) -> None:
    from tandem.core import clock, events
    from tandem.groups.models import Group

    first_day = clock.today() - timedelta(days=15)
    coordinator = new_context(bypass_csp=True).new_page()
    sign_in(coordinator, COORDINATOR, enter_password, enter_code)
    coordinator.get_by_role("navigation", name="Main").get_by_role("link", name="Groups", exact=True).click()
    coordinator.get_by_role("link", name="Plan a new group").click()
    fill_plan(coordinator, first_day)

    # Two men: refused, naming the rule and what would satisfy it; what was typed is kept.
    for man in staff["men"]:
        coordinator.locator(f"input[name=facilitators][value='{man.pk}']").check()
    coordinator.get_by_role("button", name="Plan the group").click()
    expect(coordinator.locator(".error-summary")).to_contain_text("Add a woman facilitator")
    expect(coordinator.locator("[name=venue]")).to_have_value("Community centre, room 3")
    assert not Group.objects.filter(name="Monday evening group").exists()

    # A woman and a man: accepted.
    coordinator.locator(f"input[name=facilitators][value='{staff['men'][1].pk}']").uncheck()
    coordinator.locator(f"input[name=facilitators][value='{staff['woman'].pk}']").check()
    coordinator.get_by_role("button", name="Plan the group").click()
    expect(coordinator.get_by_role("status")).to_contain_text("The group is planned")
    group = Group.objects.get(name="Monday evening group")
    expect(coordinator).to_have_url(f"{base_url}/groups/{group.pk}/")

    # The waiting man is placed in it: he starts in the programme.
    case = staff["waiting"]
    coordinator.get_by_role("button", name=f"Place case #{case.pk} here").click()
    expect(coordinator.get_by_role("status")).to_contain_text("starts in the programme")
    problems = [_describe("group page", v) for v in _serious_violations(coordinator)]

    # The facilitator records the first session on her phone.
    phone = new_context(**PHONE, bypass_csp=True).new_page()
    sign_in(phone, FACILITATOR, enter_password, enter_code)
    phone.goto(f"{base_url}/groups/{group.pk}/")
    phone.get_by_role("link", name="Record session 1", exact=False).click()
    expect(phone.locator("form.attendance")).to_contain_text(MAN)
    problems += [_describe("attendance page", v) for v in _serious_violations(phone)]
    card = phone.locator("fieldset.man", has_text=MAN)
    card.get_by_label("Attended", exact=True).check()
    card.locator("summary").click()
    card.get_by_label("Concern for the partner's safety").check()
    card.get_by_label("What gives concern").fill("He said his wife will pay for the court order.")
    phone.get_by_role("button", name="Record the session").click()
    expect(phone.get_by_role("status")).to_contain_text("Session 1 is recorded")
    # Nothing on the page needs more than the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The worker delivers the concern; the coordinator sees it on the man's case, with the
    # risk review it made due.
    events.deliver_pending()
    coordinator.goto(f"{base_url}/cases/{case.pk}/")
    expect(coordinator.locator("main")).to_contain_text("Concern for the partner's safety raised in session 1")
    expect(coordinator.locator("main")).to_contain_text("a facilitator raised a concern for the partner's safety")
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)
