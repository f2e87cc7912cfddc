"""Signing in with a password and a code, in a real browser, in English and in Albanian."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import AXE_SCRIPT, TOTP_STEP, switch_language, translated, wrong_code

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_world")]

COORDINATOR = "al.coordinator"
HOME_HEADING = "What you can do here"
WRONG_CODE_ERROR = (
    "This code is not right. Check that your phone's clock is correct and enter the code "
    "that your authenticator app shows now."
)
BLOCKING_IMPACTS = {"serious", "critical"}

PasswordStep = Callable[[Page, str], None]
CodeStep = Callable[[Page, str], None]


def signed_out(page: Page) -> None:
    expect(page.locator("form[action='/signout/']")).to_have_count(0)


def test_coordinator_signs_in_with_two_factors_switches_to_albanian_and_signs_out(
    page: Page, base_url: str, enter_password: PasswordStep, enter_code: CodeStep
) -> None:
    albanian_heading = translated(HOME_HEADING, "sq")
    assert albanian_heading != HOME_HEADING, "the Albanian catalogue has no translation of the home page"

    page.goto(f"{base_url}/signin/")
    enter_password(page, COORDINATOR)
    enter_code(page, COORDINATOR)
    expect(page.locator("main")).to_contain_text(HOME_HEADING)

    switch_language(page, "sq")
    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator("#what-you-can-do")).to_have_text(albanian_heading)

    page.locator("form[action='/signout/'] button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/signin/")
    expect(page.locator("#id_username")).to_be_visible()
    signed_out(page)


def test_wrong_code_shows_the_translated_error(page: Page, base_url: str, enter_password: PasswordStep) -> None:
    albanian_error = translated(WRONG_CODE_ERROR, "sq")
    assert albanian_error != WRONG_CODE_ERROR, "the Albanian catalogue has no translation of the wrong-code error"

    page.goto(f"{base_url}/signin/")
    switch_language(page, "sq")
    enter_password(page, COORDINATOR)
    page.locator("#id_code").fill(wrong_code(COORDINATOR))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{base_url}/signin/code/")
    expect(page.locator("html")).to_have_attribute("lang", "sq")
    expect(page.locator("#id_code-error")).to_have_text(albanian_error)
    signed_out(page)
    page.goto(f"{base_url}/")
    expect(page.locator("main a[href='/signin/']")).to_be_visible()
    signed_out(page)


def _serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations: list[dict[str, Any]] = page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def _describe(where: str, violation: dict[str, Any]) -> str:
    lines = [f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in violation["nodes"][:5]:
        lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
        summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
        if summary:
            lines.append(f"      {summary}")
    return "\n".join(lines)


def test_sign_in_code_and_home_pages_have_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext],
    base_url: str,
    enter_password: PasswordStep,
    enter_code: CodeStep,
) -> None:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run 'npm ci' in the repository first.")
    # The strict CSP would block the injected axe script; this context alone bypasses it.
    page = new_context(bypass_csp=True).new_page()
    problems: list[str] = []

    page.goto(f"{base_url}/signin/")
    problems += [_describe("sign-in page", v) for v in _serious_violations(page)]
    enter_password(page, COORDINATOR)
    problems += [_describe("code page", v) for v in _serious_violations(page)]
    enter_code(page, COORDINATOR)
    problems += [_describe("home page", v) for v in _serious_violations(page)]

    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)


def test_the_strict_content_security_policy_blocks_nothing_on_the_sign_in_journey(
    page: Page, base_url: str, enter_password: PasswordStep, enter_code: CodeStep
) -> None:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))

    response = page.goto(f"{base_url}/signin/")
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'none'" in policy and "script-src 'self'" in policy, f"no strict CSP header: {policy!r}"
    enter_password(page, COORDINATOR)
    enter_code(page, COORDINATOR)
    switch_language(page, "sq")
    page.locator("form[action='/signout/'] button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/signin/")

    blocked = [m for m in messages if "content security policy" in m.lower()]
    assert not blocked, "the browser reported CSP violations:\n" + "\n".join(blocked)


def test_a_coordinator_adds_a_second_authenticator_from_her_account_page(
    page: Page, base_url: str, enter_password: PasswordStep, enter_code: CodeStep
) -> None:
    import base64

    from django_otp.oath import totp

    from tandem.demo.world import DEMO_PASSWORD

    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.goto(f"{base_url}/signin/")
    enter_password(page, COORDINATOR)
    enter_code(page, COORDINATOR)
    page.goto(f"{base_url}/account/")
    devices = page.locator("main table tbody tr")
    before = devices.count()

    page.locator("main form[action='/account/authenticators/add/'] button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/account/authenticators/add/")
    expect(page.locator("img.qr")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.locator("#id_code").fill(f"{totp(key, step=TOTP_STEP):06d}")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{base_url}/account/")
    expect(page.locator(".messages")).to_contain_text("The authenticator app has been added.")
    expect(devices).to_have_count(before + 1)
    blocked = [m for m in messages if "content security policy" in m.lower()]
    assert not blocked, "the browser reported CSP violations:\n" + "\n".join(blocked)


def test_the_pages_icon_loads_and_favicon_ico_is_not_missing(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/signin/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon is not None
    for address in (f"{base_url}{icon}", f"{base_url}/favicon.ico"):
        response = page.request.get(address)
        assert response.ok, f"{address}: {response.status}"
        assert response.headers["content-type"].startswith("image/svg+xml"), address
