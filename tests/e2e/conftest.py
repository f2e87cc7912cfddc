"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against pytest-django's
live server, with the demo world in a fresh database for every test.

Run them with ``uv run pytest -m e2e``; the default run leaves them out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM directly.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django.utils.translation import gettext, override
from django_otp.oath import totp
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
TOTP_STEP = 30
# django-otp accepts the codes of this many time steps either side of now.
TOTP_TOLERANCE = 1

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile the translations before the first page is served in any language."""
    from tandem.core.i18n import compile_catalogues

    compile_catalogues()


def translated(msgid: str, language: str) -> str:
    with override(language):
        return gettext(msgid)


def totp_code(username: str, drift: int = 0) -> str:
    from tandem.demo.world import totp_key

    return f"{totp(bytes.fromhex(totp_key(username)), step=TOTP_STEP, drift=drift):06d}"


def wrong_code(username: str) -> str:
    """A code that no step django-otp would accept right now (nor just after) matches."""
    near = {totp_code(username, drift) for drift in range(-TOTP_TOLERANCE - 2, TOTP_TOLERANCE + 3)}
    return next(code for code in (f"{n:06d}" for n in range(1, 100)) if code not in near)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).")
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (fresh cookies each), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


@pytest.fixture
def reference_geography(transactional_db: None) -> None:
    """Countries and regions come from a migration; a flush between tests removes them."""
    from tandem.geo.models import Country, Region
    from tandem.geo.reference import load

    if not Country.objects.exists():
        load(Country, Region)


@pytest.fixture
def demo_world(reference_geography: None, live_server: Any) -> None:
    from tandem.demo.world import build

    build()


@pytest.fixture
def base_url(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def enter_password(base_url: str) -> Callable[[Page, str], None]:
    """The first sign-in step, ending on the code step."""
    from tandem.demo.world import DEMO_PASSWORD

    def step(page: Page, username: str) -> None:
        if not page.url.startswith(f"{base_url}/signin/"):
            page.goto(f"{base_url}/signin/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base_url}/signin/code/")

    return step


@pytest.fixture
def enter_code(base_url: str) -> Callable[[Page, str], None]:
    """The second sign-in step with the real code; django-otp takes each time step only once
    per device, so call it once per user and test."""

    def step(page: Page, username: str) -> None:
        page.locator("#id_code").fill(totp_code(username))
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base_url}/")

    return step


def switch_language(page: Page, language: str) -> None:
    page.locator("#language-select").select_option(language)
    page.locator("form.language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
