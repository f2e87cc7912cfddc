"""The survivor side in a real browser: the partner's support worker makes her record from the
man's case number, logs the first offer with the programme's limits explained, records her
consent and a contact under it, and tells the programme that the risk has increased. The man's
facilitator sees that signal on his case, finds nothing at the partner's address, and her
attempt is on the audit log and alerts the administrators. Case work's start gate passes once
her side is recorded; his exclusion is work for her worker due within a day, escalated when it
is overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.test_signin import _describe, _serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_world")]

PROVIDER = "Centar Drugačije"
WORKER = "rs.partner-support"
FACILITATOR = "rs.facilitator.w"
MAN = "Dragan Stojković"
PARTNER = "Jovana Marić"


@pytest.fixture
def waiting(demo_world: None) -> Any:
    """A man assessed and waiting for a group; nothing recorded yet on his partner's side."""
    from tandem.cases.rules.lifecycle import State
    from tandem.core.models import Organisation
    from tests import factories

    case = factories.case(Organisation.objects.get(name=PROVIDER), state=State.WAITING, name=MAN)
    factories.risk_assessment(case)
    return case


def sign_in(page: Page, username: str, enter_password: Callable[[Page, str], None], enter_code: Any) -> None:
    enter_password(page, username)
    enter_code(page, username)


def test_her_side_is_recorded_and_signalled_and_his_side_sees_only_the_signal(  # noqa: PLR0915 - one story
    waiting: Any,
    new_context: Callable[..., BrowserContext],
    base_url: str,
    enter_password: Callable[[Page, str], None],
    enter_code: Any,
) -> None:
    from tandem.cases import actions as case_actions
    from tandem.core import clock, events, work
    from tandem.core.models import AuditEntry, User, WorkItem
    from tandem.survivors.models import Partner

    case = waiting
    worker = new_context(bypass_csp=True).new_page()
    sign_in(worker, WORKER, enter_password, enter_code)
    worker.get_by_role("navigation", name="Main").get_by_role("link", name="Partners", exact=True).click()
    worker.get_by_role("link", name="Make the record of a partner").click()
    worker.locator("[name=case]").fill(str(case.pk))
    worker.locator("[name=name]").fill(PARTNER)
    worker.locator("[name=safe_times]").fill("Mornings, when he is at work")
    worker.get_by_role("button", name="Save").click()
    expect(worker.get_by_role("status")).to_contain_text("Her record is made")
    partner = Partner.objects.get(links__case_number=case.pk)
    expect(worker).to_have_url(f"{base_url}/survivors/{partner.pk}/")
    problems = [_describe("partner page", v) for v in _serious_violations(worker)]

    # The first offer, by phone, with the programme's limits explained: no consent needed yet.
    worker.get_by_role("link", name="Log a contact or an attempt").click()
    expect(worker.locator(".safe-contact")).to_contain_text("Mornings, when he is at work")
    worker.locator("input[name=kind][value=contact]").check()
    worker.locator("select[name=outcome]").select_option("offer_made")
    worker.get_by_label("Support was offered to her").check()
    worker.get_by_label("The programme's limits were explained to her").check()
    worker.get_by_role("button", name="Log").click()
    expect(worker.get_by_role("status")).to_contain_text("The contact is logged")

    # Safety planning without her consent: refused, saying what to record.
    worker.get_by_role("link", name="Log a contact or an attempt").click()
    worker.locator("input[name=kind][value=contact]").check()
    worker.locator("select[name=purpose]").select_option("safety_planning")
    worker.locator("select[name=outcome]").select_option("safety_planned")
    worker.get_by_role("button", name="Log").click()
    expect(worker.locator(".error-summary")).to_contain_text("Record her consent first")

    # Her consent, then the contact under it.
    worker.goto(f"{base_url}/survivors/{partner.pk}/consents/new/")
    worker.locator("select[name=channel]").select_option("phone")
    worker.locator("select[name=purpose]").select_option("safety_planning")
    worker.locator("[name=expires_on]").fill((clock.today() + timedelta(days=180)).isoformat())
    worker.get_by_role("button", name="Record").click()
    expect(worker.get_by_role("status")).to_contain_text("Her consent is recorded")
    worker.get_by_role("link", name="Log a contact or an attempt").click()
    worker.locator("input[name=kind][value=contact]").check()
    worker.locator("select[name=purpose]").select_option("safety_planning")
    worker.locator("select[name=outcome]").select_option("safety_planned")
    worker.get_by_role("button", name="Log").click()
    expect(worker.get_by_role("status")).to_contain_text("The contact is logged")

    # The risk has increased: the programme side is told.
    worker.get_by_role("link", name="Send a safety signal to the programme").click()
    worker.locator("select[name=kind]").select_option("risk_increased")
    worker.locator("select[name=level]").select_option("serious")
    worker.locator("[name=summary]").fill("He has been waiting outside her work.")
    worker.get_by_role("button", name="Send").click()
    expect(worker.get_by_role("status")).to_contain_text("The signal is sent")

    # Case work's start gate now passes: her side recorded the offer and the limits explained.
    case.refresh_from_db()
    coordinator = User.objects.get(username="rs.coordinator")
    case = case_actions.move_case(
        case=case, event="start_programme", expected_version=case.version, acting_user=coordinator
    )

    # The man's facilitator sees the signal on his case, never her words.
    facilitator = new_context(bypass_csp=True).new_page()
    sign_in(facilitator, FACILITATOR, enter_password, enter_code)
    facilitator.goto(f"{base_url}/cases/{case.pk}/")
    panel = facilitator.locator("#panel-signals").locator("xpath=..")
    expect(panel).to_contain_text("Risk increased")
    expect(panel).to_contain_text("Serious concern")
    expect(facilitator.locator("main")).not_to_contain_text("waiting outside her work")
    expect(facilitator.locator("main")).not_to_contain_text(PARTNER)
    # Her record is not there for him: 404, on the audit log, and the administrators alerted.
    response = facilitator.goto(f"{base_url}/survivors/{partner.pk}/")
    assert response is not None and response.status == 404
    expect(facilitator.locator("main")).not_to_contain_text(PARTNER)
    assert AuditEntry.objects.filter(action="survivors.access_alert", actor__username=FACILITATOR).exists()
    assert WorkItem.objects.filter(rule="survivors.alert_tried", team_role="org_admin", state="open").exists()

    # He is excluded: telling her is work for her worker, due within a day.
    case.refresh_from_db()
    case_actions.move_case(
        case=case, event="exclude", expected_version=case.version, acting_user=coordinator, reason="Threats."
    )
    events.deliver_pending()
    item = WorkItem.objects.get(rule="survivors.inform_exclusion", subject_id=str(case.pk))
    assert item.due_at - item.created_at <= timedelta(hours=24, minutes=1)
    worker.goto(f"{base_url}/survivors/")
    expect(worker.locator("main")).to_contain_text(f"Tell the partner of case #{case.pk} that he was excluded")
    # A day and an hour later nobody has done it: it escalates to the coordinators.
    with clock.frozen(item.due_at + timedelta(hours=1)):
        work.escalate_overdue()
    item.refresh_from_db()
    assert (item.escalation_level, item.escalation_role_1) == (1, "coordinator")
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)
