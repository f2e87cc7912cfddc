"""Her questionnaire link in a real browser: she opens the link her support worker sent, answers
every question, sends, and is thanked; the same link opened again no longer works, and nothing
is left in the browser's cookies. The quick exit takes her to a neutral page, and the back
button does not bring the questionnaire back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import translated

pytestmark = pytest.mark.e2e

LANGUAGE = "sq"
GONE = "This link no longer works. If you want to answer, ask the person who sent it for a new one."


@pytest.fixture
def token(reference_geography: None, live_server: Any) -> str:
    """A link to the start point of a partner who agreed to outcome questionnaires by SMS,
    issued by her support worker (in Albanian)."""
    from tandem.core import events
    from tandem.core.roles import OrganisationKind, Role
    from tandem.outcomes.link_actions import issue_link
    from tests import factories
    from tests.outcomes.support import her_points, started

    provider = factories.organisation(name="Provider of the link", kind=OrganisationKind.PROGRAMME_PROVIDER)
    worker = factories.member(provider, Role.SURVIVOR_WORKER)
    partner = factories.partner(started(provider), name="Mirjeta Berisha")
    factories.consent(partner, channel="sms", purpose="questionnaires")
    events.deliver_pending()
    _link, made = issue_link(point=her_points(partner)["start"], channel="sms", language=LANGUAGE, acting_user=worker)
    return made


def test_she_answers_through_her_link_once_and_nothing_stays_in_her_browser(
    token: str, base_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    from tandem.outcomes.forms import answer_field_name
    from tandem.outcomes.models import Mode, PartnerResponse
    from tandem.outcomes.rules.instruments import PARTNER, current_instrument

    context = new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{base_url}/q/{token}/")
    expect(page).to_have_title(translated("Questionnaire", LANGUAGE))
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGE)
    for item in current_instrument(PARTNER).items:
        page.locator(f"input[name={answer_field_name(item.key)}][value='1']").check()
    page.get_by_role("button", name=translated("Send my answers", LANGUAGE)).click()
    expect(page.locator("main")).to_contain_text(
        translated("Your answers are sent. You can close this page now.", LANGUAGE)
    )
    assert context.cookies() == []
    response = PartnerResponse._base_manager.get()
    assert (response.mode, response.answered) == (Mode.LINK, len(current_instrument(PARTNER).items))

    page.goto(f"{base_url}/q/{token}/")
    expect(page.locator("main")).to_contain_text(translated(GONE, "en"))
    expect(page.locator("form")).to_have_count(0)
    assert context.cookies() == []


def _away_and_back(page: Page, base_url: str, token: str) -> None:
    page.goto(f"{base_url}/programmes/")
    page.goto(f"{base_url}/q/{token}/")
    page.locator("a[data-quick-exit]").click()
    expect(page).to_have_url(f"{base_url}/healthz")


def test_the_quick_exit_leaves_no_way_back_to_the_questionnaire(
    token: str, base_url: str, page: Page, settings: Any
) -> None:
    settings.TANDEM_QUICK_EXIT_URL = f"{base_url}/healthz"
    _away_and_back(page, base_url, token)
    page.go_back()
    expect(page).to_have_url(f"{base_url}/programmes/")
    expect(page.locator("input[type=radio]")).to_have_count(0)


def test_the_quick_exit_leaves_even_without_javascript(
    token: str, base_url: str, new_context: Callable[..., BrowserContext], settings: Any
) -> None:
    settings.TANDEM_QUICK_EXIT_URL = f"{base_url}/healthz"
    page = new_context(java_script_enabled=False).new_page()
    _away_and_back(page, base_url, token)


def test_her_pages_have_no_serious_accessibility_violations(
    token: str, base_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    from tests.e2e.test_signin import _describe, _serious_violations

    page = new_context(bypass_csp=True).new_page()
    page.goto(f"{base_url}/q/{token}/")
    problems = [_describe("her questionnaire", v) for v in _serious_violations(page)]
    page.goto(f"{base_url}/q/never-issued/")
    problems += [_describe("link that no longer works", v) for v in _serious_violations(page)]
    assert problems == [], "\n".join(problems)
