"""Joint planning in a real browser: the provider's coordinator records a joint case review with the
survivor service and writes one item for the programme side and one for the survivor side; the
service's worker reads the survivor side and never the programme's; the partner's worker shares
one piece of information with the programme on a safety override; the man's facilitator sees it,
marked as shared, with the programme side of the review, on his case, and nothing else of hers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.test_signin import _describe, _serious_violations
from tests.e2e.test_survivor_side import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_world")]

PROVIDER = "Centar Drugačije"
PARTNER = "Milica Savić"
PROGRAMME_ITEM = "Facilitators raise his excuses about the bail conditions"
SURVIVOR_ITEM = "She stays with her aunt until the hearing"


@pytest.fixture
def her_case(demo_world: None) -> Any:
    """A man in the programme; his partner's record made by her worker, her address on it, and
    shared with the survivor service she chose."""
    from tandem.cases.rules.lifecycle import State
    from tandem.core.models import Membership, Organisation
    from tests import factories

    case = factories.case(Organisation.objects.get(name=PROVIDER), state=State.IN_PROGRAMME, name="Nenad Ilić")
    partner = factories.partner(case, name=PARTNER, address="Bulevar oslobođenja 7")
    factories.share_with(partner, Membership.objects.get(user__username="rs.survivor").organisation)
    return case, partner


def test_a_joint_review_is_read_by_side_and_a_shared_item_reaches_his_case(
    her_case: Any,
    new_context: Callable[..., BrowserContext],
    base_url: str,
    enter_password: Callable[[Page, str], None],
    enter_code: Any,
) -> None:
    from tandem.core.models import Membership

    case, partner = her_case
    service = Membership.objects.get(user__username="rs.survivor").organisation

    coordinator = new_context(bypass_csp=True).new_page()
    sign_in(coordinator, "rs.coordinator", enter_password, enter_code)
    coordinator.get_by_role("navigation", name="Main").get_by_role("link", name="Joint reviews").click()
    coordinator.get_by_role("link", name="Record a joint case review").click()
    coordinator.locator("[name=case]").fill(str(case.pk))
    coordinator.locator("select[name=service]").select_option(label=service.name)
    coordinator.get_by_role("button", name="Record").click()
    expect(coordinator.get_by_role("status")).to_contain_text("The joint review is recorded")
    for side, text in (("programme", PROGRAMME_ITEM), ("survivor", SURVIVOR_ITEM)):
        coordinator.locator("select[name=kind]").select_option("decision")
        coordinator.locator("select[name=side]").select_option(side)
        coordinator.locator("[name=text]").fill(text)
        coordinator.get_by_role("button", name="Add").click()
        expect(coordinator.get_by_role("status")).to_contain_text("The item is added")
    # An action without its owner is refused, saying what to give.
    coordinator.locator("select[name=kind]").select_option("action")
    coordinator.locator("[name=text]").fill("Tell each other of any contact he makes")
    coordinator.get_by_role("button", name="Add").click()
    expect(coordinator.locator(".error-summary")).to_contain_text("Name who does it")
    review_url = coordinator.url
    problems = [_describe("joint review", v) for v in _serious_violations(coordinator)]

    # The service's worker reads the survivor side and both, never the programme side.
    service_worker = new_context(bypass_csp=True).new_page()
    sign_in(service_worker, "rs.survivor", enter_password, enter_code)
    service_worker.goto(review_url)
    expect(service_worker.locator("main")).to_contain_text(SURVIVOR_ITEM)
    expect(service_worker.locator("main")).not_to_contain_text(PROGRAMME_ITEM)

    # Her worker shares one thing with the programme on a safety override.
    worker = new_context(bypass_csp=True).new_page()
    sign_in(worker, "rs.partner-support", enter_password, enter_code)
    worker.goto(f"{base_url}/survivors/{partner.pk}/")
    worker.get_by_role("link", name="Share one piece of information with the programme").click()
    worker.locator("[name=text]").fill("He asked their son where she sleeps.")
    worker.get_by_role("button", name="Share").click()
    expect(worker.locator(".error-summary")).to_contain_text("safety override")
    worker.locator("[name=override_reason]").fill("He may come for her tonight; she cannot be reached to ask.")
    worker.get_by_role("button", name="Share").click()
    expect(worker.get_by_role("status")).to_contain_text("marked as shared")

    # The man's facilitator sees it on his case, marked, with the programme side of the review.
    facilitator = new_context(bypass_csp=True).new_page()
    sign_in(facilitator, "rs.facilitator.w", enter_password, enter_code)
    facilitator.goto(f"{base_url}/cases/{case.pk}/")
    panel = facilitator.locator("#panel-signals").locator("xpath=..")
    expect(panel).to_contain_text("He asked their son where she sleeps.")
    expect(panel).to_contain_text("Shared by the partner's support worker")
    expect(panel).to_contain_text(PROGRAMME_ITEM)
    main = facilitator.locator("main")
    for secret in (SURVIVOR_ITEM, PARTNER, "Bulevar oslobođenja", "she cannot be reached to ask"):
        expect(main).not_to_contain_text(secret)
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)
