"""A referral's way in a real browser: a court's referrer sends it; the programme's coordinator
finds that the man, written in the other script, is already known and chooses him; the intake
and the risk assessment are recorded; the start in a group is refused while the survivor side
has recorded nothing, and made once it has."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_world")]

PROVIDER = "Centar Drugačije"
KNOWN = "Đorđe Đokić"
REFERRED = "Ђорђе Ђокић"  # the same man, as the court's clerk writes him in Cyrillic
REFERRER = "rs.referrer3"  # of the court in Serbia
COORDINATOR = "rs.coordinator"
BORN = date(1984, 5, 17)


@pytest.fixture
def known_man(demo_world: None) -> int:
    """A man the provider already knows from an earlier referral, entered by its coordinator."""
    from tandem.cases import actions
    from tandem.cases.actions import ReferralDetails
    from tandem.core.models import Organisation, User

    provider = Organisation.objects.get(name=PROVIDER)
    coordinator = User.objects.get(username=COORDINATOR)
    earlier = actions.submit_referral(
        provider=provider,
        details=ReferralDetails(
            name=KNOWN, reason="Came of his own accord in 2024; the programme ended.", birth_date=BORN
        ),
        acting_user=coordinator,
    )
    case = actions.accept_referral(referral=earlier, expected_version=earlier.version, acting_user=coordinator)
    # His earlier case ended: a man with an open case is not given a second one.
    case = actions.move_case(
        case=case, event="start_assessment", expected_version=case.version, acting_user=coordinator
    )
    case = actions.move_case(
        case=case,
        event="assess_unsuitable",
        expected_version=case.version,
        reason="Not ready for group work then.",
        acting_user=coordinator,
    )
    return case.participant_id


def sign_in(page: Page, username: str, enter_password: Callable[[Page, str], None], enter_code: Any) -> None:
    enter_password(page, username)
    enter_code(page, username)


def main_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def step(page: Page, label: str) -> None:
    page.locator("section.next-steps").get_by_role("button", name=label).click()


def send_referral(referrer: Page, base_url: str) -> None:
    referrer.goto(f"{base_url}/cases/referrals/new/")
    provider = referrer.locator("select[name=provider] option", has_text=PROVIDER).first.inner_text()
    referrer.locator("select[name=provider]").select_option(label=provider)
    # Sent without the reason: the form says what to fix, and keeps what was typed.
    referrer.locator("[name=name]").fill(REFERRED)
    referrer.locator("[name=birth_date]").fill(BORN.isoformat())
    referrer.locator("input[name=partner_known][value=yes]").check()
    referrer.get_by_role("button", name="Send the referral").click()
    expect(referrer.locator(".error-summary")).to_be_visible()
    expect(referrer.locator("[name=name]")).to_have_value(REFERRED)
    referrer.locator("[name=reason]").fill(
        "Sentenced for violence against his partner; the court orders the programme."
    )
    referrer.get_by_role("button", name="Send the referral").click()
    expect(referrer.get_by_role("status")).to_be_visible()
    expect(referrer.locator("main")).to_contain_text(REFERRED)


def record_intake(coordinator: Page) -> None:
    coordinator.get_by_role("link", name="Record the intake assessment").click()
    coordinator.locator("input[name=motivation][value=some]").check()
    coordinator.locator("input[name=denial][value=minimises]").check()
    coordinator.locator("input[name=substance_use][value=some]").check()
    coordinator.locator("input[name=mental_health][value=none]").check()
    coordinator.locator("[name=language_needs]").fill("Serbian; no interpreter needed.")
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator.get_by_role("status")).to_be_visible()


def record_risk(coordinator: Page) -> None:
    coordinator.get_by_role("link", name="Record a risk assessment").click()
    coordinator.locator("input[name=occasion][value=intake]").check()
    for radio in coordinator.locator("input[type=radio][name^=answer_][value=no]").all():
        radio.check()
    coordinator.locator("input[name=answer_separation][value=yes]").check()
    coordinator.get_by_role("button", name="Record the assessment").click()
    expect(coordinator.get_by_role("status")).to_be_visible()


def test_a_referral_goes_through_the_duplicate_check_intake_risk_and_the_gate_to_a_group(
    known_man: int,
    new_context: Callable[..., BrowserContext],
    base_url: str,
    enter_password: Callable[[Page, str], None],
    enter_code: Any,
) -> None:
    from tandem.cases.models import Case
    from tests import factories

    referrer = new_context().new_page()
    sign_in(referrer, REFERRER, enter_password, enter_code)
    send_referral(referrer, base_url)

    coordinator = new_context().new_page()
    sign_in(coordinator, COORDINATOR, enter_password, enter_code)
    coordinator.goto(f"{base_url}/cases/referrals/")
    coordinator.get_by_role("row", name=REFERRED).get_by_role("link").first.click()
    # The man is already known, in the other script: she chooses him rather than a new record.
    expect(coordinator.locator("main")).to_contain_text(KNOWN)
    coordinator.locator(f"input[name=accept-participant][value='{known_man}']").check()
    coordinator.get_by_role("button", name="Accept and open his case").click()
    case = Case.objects.latest("pk")
    expect(coordinator).to_have_url(f"{base_url}/cases/{case.pk}/")
    assert case.participant_id == known_man

    step(coordinator, "Start the assessment")
    expect(coordinator.locator("main .status").first).to_have_text("Assessment")
    record_intake(coordinator)
    record_risk(coordinator)
    coordinator.goto(f"{base_url}/cases/{case.pk}/")
    step(coordinator, "Suitable: wait for a group")
    expect(coordinator.locator("main .status").first).to_have_text("Waiting for a group")

    # Nothing is recorded on the survivor side yet: the start in a group is refused, saying why.
    step(coordinator, "Start in a group")
    expect(coordinator.locator(".error-summary")).to_contain_text("has not yet recorded that contact was offered")
    expect(coordinator.locator("main .status").first).to_have_text("Waiting for a group")

    # The partner's support worker records the offer of contact and the programme's limits.
    factories.partner_side_ready(Case.objects.get(pk=case.pk))
    coordinator.goto(f"{base_url}/cases/{case.pk}/")
    expect(coordinator.locator("main")).to_contain_text("Yes, on")
    step(coordinator, "Start in a group")
    expect(coordinator.locator("main .status").first).to_have_text("In the programme")
