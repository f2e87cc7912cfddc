"""Canaries: a value planted in every field of the partner's record, her consent, the contact log
and a signal's words for the coordinators, and proof that no page or export of the man's side
holds any of them, for any role. Only the topic of "do not raise a topic in group" crosses, by
design, and it is planted nowhere else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from tandem.core import clock, events
from tandem.groups import queries as group_queries
from tandem.outcomes.actions import close_without_answers
from tandem.outcomes.models import PartnerPoint, PointState, TimePoint
from tandem.survivors.actions import record_safety_signal
from tandem.survivors.actions.contact import record_contact
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

FIELDS = (
    "address",
    "phones",
    "email",
    "whereabouts",
    "safe_times",
    "code_word",
    "safe_intermediary",
    "safe_contact_notes",
)
CANARIES = {field: f"CANARY-{field.upper()}-5e1d" for field in FIELDS}
CANARY_NAME = "Canarina Verdhë"
CANARY_NOTE = "CANARY-CONTACT-NOTE-a1b2"
CANARY_SERVICE = "CANARY-SERVICE-c3d4"
CANARY_SUMMARY = "CANARY-SUMMARY-e5f6"
CANARY_PLAN = "CANARY-PLAN-0a9b"
CANARY_OVERRIDE = "CANARY-OVERRIDE-REASON-7c7c"
CANARY_SURVIVOR_ITEM = "CANARY-SURVIVOR-SIDE-ITEM-1f2e"
CANARY_REFERRAL = "CANARY-CONFERENCE-REASON-3d4c"
CANARY_QUESTIONNAIRE = "CANARY-HER-QUESTIONNAIRE-NOTE-9e8d"
ALL = (
    *CANARIES.values(),
    CANARY_NAME,
    CANARY_NOTE,
    CANARY_SERVICE,
    CANARY_SUMMARY,
    CANARY_PLAN,
    CANARY_OVERRIDE,
    CANARY_SURVIVOR_ITEM,
    CANARY_REFERRAL,
    CANARY_QUESTIONNAIRE,
)


@pytest.fixture
def planted(world: World) -> dict[str, object]:
    group = factories.group(world.org)
    membership = factories.allocated(world.org, group)
    case = membership.case
    factories.session_recorded(group_queries.sessions_of(group)[0])
    partner = factories.partner(case, name=CANARY_NAME, **CANARIES)
    factories.consent(partner, purpose="safety_planning")
    factories.consent(partner, purpose="share_service", service=CANARY_SERVICE)
    record_contact(
        partner=partner,
        kind="contact",
        channel="phone",
        purpose="safety_planning",
        outcome="safety_planned",
        note=CANARY_NOTE,
        happened_at=clock.now() - timedelta(hours=1),
        acting_user=world.survivor_worker,
    )
    assert case.partner_reference is not None
    record_safety_signal(
        organisation=world.org,
        reference=case.partner_reference,
        kind="risk_increased",
        level="serious",
        summary=CANARY_SUMMARY,
        acting_user=world.survivor_worker,
    )
    # Planning around her safety: her plan, an item shared on an override (the text crosses, the
    # reason does not), a joint review's survivor-side item, a risk conference referral.
    factories.safety_plan(partner, measures=CANARY_PLAN)
    factories.shared_item(partner, text="Shared on purpose: he bought a knife.", override=CANARY_OVERRIDE)
    service = factories.survivor_service()
    factories.share_with(partner, service)
    review = factories.joint_review(case, service, by=world.coordinator)
    factories.review_item(review, side="survivor", text=CANARY_SURVIVOR_ITEM, by=world.coordinator)
    factories.review_item(review, side="programme", text="Programme side: challenge his minimising")
    factories.conference_referral(case, reason=CANARY_REFERRAL)
    events.deliver_pending()
    # Her outcome questionnaire declined, with her worker's note of why.
    her_start = PartnerPoint._base_manager.get(partner=partner, point=TimePoint.START)
    close_without_answers(
        point=her_start,
        state=PointState.DECLINED,
        note=CANARY_QUESTIONNAIRE,
        expected_version=her_start.version,
        acting_user=world.survivor_worker,
    )
    return {
        "case": case,
        "group": group,
        "session": group_queries.sessions_of(group)[0],
        "review": review,
    }


def programme_side_urls(planted: dict[str, object]) -> list[str]:
    case, group, session = planted["case"], planted["group"], planted["session"]
    return [
        reverse("core:home"),
        reverse("core:work_list"),
        reverse("cases:case_list"),
        reverse("cases:case_list") + "?q=Canarina",
        reverse("cases:safety_overview"),
        reverse("cases:case", args=[case.pk]),  # type: ignore[attr-defined]
        reverse("cases:referral_sent_list"),
        reverse("groups:group_list"),
        reverse("groups:group", args=[group.pk]),  # type: ignore[attr-defined]
        reverse("groups:session", args=[group.pk, session.pk]),  # type: ignore[attr-defined]
        reverse("groups:waitlist"),
        reverse("groups:fidelity"),
        reverse("groups:fidelity_csv") + f"?year={clock.today().year}",
        reverse("outcomes:report"),
        reverse("outcomes:report_json"),
        reverse("outcomes:benchmarks"),
        reverse("outcomes:pool_log"),
        reverse("outcomes:import"),
        reverse("outcomes:xlsform", args=["man"]),
    ]


@pytest.mark.parametrize(
    "persona", ["facilitator", "coordinator", "referrer", "org_admin", "analyst", "gov_viewer", "auditor"]
)
def test_no_page_of_the_mans_side_holds_her_values(world: World, planted: dict[str, object], persona: str) -> None:
    client = signed_in_client(world.persona(persona))
    for url in programme_side_urls(planted):
        body = client.get(url).content.decode("utf-8", errors="replace")
        found = [canary for canary in ALL if canary in body]
        assert found == [], f"{persona} {url}: {found}"


def test_the_referrers_page_of_her_referral_holds_none_of_her_values(world: World, planted: dict[str, object]) -> None:
    case = planted["case"]
    referral = case.referral  # type: ignore[attr-defined]
    body = signed_in_client(world.referrer).get(reverse("cases:referral", args=[referral.pk])).content.decode()
    assert [canary for canary in ALL if canary in body] == []


def test_the_facilitators_view_of_a_joint_review_holds_none_of_her_values(
    world: World, planted: dict[str, object]
) -> None:
    review: Any = planted["review"]
    client = signed_in_client(world.facilitator)
    page = reverse("survivors:joint_review", args=[review.pk])
    for url in (reverse("survivors:joint_list"), page):
        body = client.get(url).content.decode()
        assert [canary for canary in ALL if canary in body] == [], url
    assert "challenge his minimising" in client.get(page).content.decode()
