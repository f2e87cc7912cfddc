"""The public directory of programmes in a real browser: usable without signing in, filterable
without JavaScript, and accessible."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import AXE_SCRIPT
from tests.e2e.test_signin import _describe, _serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_registry")]


@pytest.fixture
def demo_registry(demo_world: None) -> None:
    from tandem.demo import registry

    registry.build()


def test_a_visitor_filters_the_directory_by_country_and_opens_a_programme(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/programmes/")
    expect(page.locator("main")).to_contain_text("Program Novi Sad")
    page.locator("#id_country").select_option("AL")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).not_to_contain_text("Program Novi Sad")
    page.locator("main a", has_text="Programi Ndryshimi Tiranë").click()
    expect(page.locator("h1")).to_have_text("Programi Ndryshimi Tiranë")
    expect(page.locator("main")).to_contain_text("Court-mandated")


def test_the_directory_and_a_programme_page_have_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext], base_url: str
) -> None:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run 'npm ci' in the repository first.")
    page = new_context(bypass_csp=True).new_page()
    problems: list[str] = []
    page.goto(f"{base_url}/programmes/")
    problems += [_describe("directory", v) for v in _serious_violations(page)]
    page.locator("main ul.directory a").first.click()
    problems += [_describe("programme page", v) for v in _serious_violations(page)]
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)
