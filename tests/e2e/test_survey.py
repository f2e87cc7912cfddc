"""A survey answer's whole way in a real browser: a provider's coordinator fills it in and
submits it, her country's reviewer accepts and publishes it, and the mapping report,
regenerated from the data, now counts it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_survey")]

ROUND = "Western Balkans 2026"
PROGRAMME = "Programi Ndryshimi Tiranë"  # AL-001: no answer yet in the 2026 round

# What the coordinator answers, by question: a number, a choice, or the boxes to tick.
ANSWERS: dict[str, Any] = {
    "status": "functioning",
    "regions_served": ["AL-11", "AL-02"],
    "places_per_year": "48",
    "men_started_12m": "31",
    "men_completed_12m": "22",
    "cost": "free",
    "languages": ["sq"],
    "disability_access": "yes",
    "waiting_weeks": "5",
    "max_travel_km": "60",
    "remote_delivery": "no",
    "groups_12m": "4",
    "individual_12m": "3",
    "facilitators_trained": "4",
    "facilitators_women": "2",
    "facilitators_men": "2",
    "cofacilitation": "always",
    "supervision": "external",
    "partner_contact": "yes",
    "survivors_informed": "yes",
    "joint_planning": "joint_decisions",
    "risk_assessment": "standardised",
    "information_sharing": "yes",
    "outcome_monitoring": "standardised",
    "follow_up": "yes",
    "funding_sources": ["international", "state"],
    "funding_secure": "no",
    "national_standards": "no_standards",
}


@pytest.fixture
def demo_survey(demo_world: None) -> None:
    from tandem.demo import registry, survey

    registry.build()
    survey.build()


def sign_in(page: Page, username: str, enter_password: Callable[[Page, str], None], enter_code: Any) -> None:
    enter_password(page, username)
    enter_code(page, username)


def fill_in(page: Page) -> None:
    for name, value in ANSWERS.items():
        if isinstance(value, list):
            for choice in value:
                page.locator(f"input[name={name}][value='{choice}']").check()
        elif page.locator(f"select[name={name}]").count():
            page.locator(f"select[name={name}]").select_option(value)
        else:
            page.locator(f"[name={name}]").fill(value)


def worker_round() -> None:
    """What the background worker does every few seconds: deliver the events that open work."""
    from tandem.core import clock, worker

    worker.tick("browser-tests", clock.now())


def open_round(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Survey rounds").click()
    page.get_by_role("link", name=ROUND).click()
    expect(page.locator("h1")).to_have_text(ROUND)


def test_an_answer_is_filled_in_submitted_reviewed_published_and_counted_in_the_report(
    new_context: Callable[..., BrowserContext],
    base_url: str,
    enter_password: Callable[[Page, str], None],
    enter_code: Any,
) -> None:
    coordinator = new_context().new_page()
    sign_in(coordinator, "al.coordinator", enter_password, enter_code)
    open_round(coordinator, base_url)
    coordinator.locator("form", has_text=PROGRAMME).get_by_role("button", name="Start the answer").click()
    expect(coordinator.locator("h1")).to_contain_text(PROGRAMME)

    # An impossible answer is refused with a message that says what is wrong, and what was
    # typed stays on the page to be corrected.
    fill_in(coordinator)
    coordinator.locator("[name=men_completed_12m]").fill("99")
    coordinator.get_by_role("button", name="Save", exact=True).click()
    expect(coordinator.locator(".error-summary")).to_contain_text("More men completed than started")
    expect(coordinator.locator("[name=places_per_year]")).to_have_value("48")
    coordinator.locator("[name=men_completed_12m]").fill("22")
    coordinator.get_by_role("button", name="Save", exact=True).click()
    expect(coordinator.get_by_role("status")).to_contain_text("Your answer is saved")
    coordinator.get_by_role("link", name="Edit the answer").click()
    coordinator.get_by_role("button", name="Save and submit for review").click()
    expect(coordinator.locator("main .status").first).to_have_text("Submitted")

    worker_round()

    reviewer = new_context().new_page()
    sign_in(reviewer, "al.government", enter_password, enter_code)
    # The submitted answer waits for her, in her work and at the top of the survey rounds.
    reviewer.get_by_role("navigation", name="Main").get_by_role("link", name="Your work").click()
    expect(reviewer.locator("main")).to_contain_text(PROGRAMME)
    reviewer.get_by_role("navigation", name="Main").get_by_role("link", name="Survey rounds").click()
    reviewer.get_by_role("region", name="Waiting for your review").get_by_role("link", name=PROGRAMME).click()
    expect(reviewer.locator("main")).to_contain_text("We plan and decide together about each case")
    reviewer.get_by_role("button", name="Accept").click()
    expect(reviewer.locator("main .status").first).to_have_text("Accepted")
    reviewer.get_by_role("button", name="Publish").click()
    expect(reviewer.locator("main .status").first).to_have_text("Published")

    # The report is built from the data when it is opened: the new answer is in it.
    reviewer.locator("main").get_by_role("link", name=ROUND).first.click()
    reviewer.get_by_role("link", name="Mapping report").click()
    expect(reviewer.locator("h1")).to_contain_text(ROUND)
    expect(reviewer.locator("main")).to_contain_text(PROGRAMME)
