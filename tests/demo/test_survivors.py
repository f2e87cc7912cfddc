"""The demo's survivor side shows every part of it to a new user: partners with consent valid,
expired and withdrawn, contact logged under it, signals of several kinds seen on the man's case,
survivor-safety work on time and done, and one access alert."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from tandem.core import clock
from tandem.core.models import WorkItem
from tandem.demo import cases, groups, survivors, world
from tandem.survivors import rules
from tandem.survivors.models import Consent, ContactEntry, Partner, SafetySignal
from tandem.survivors.queries import consents_with_terms

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo_survivors(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[int]:
    """The world, its case work, its group work and its survivor side, as ``loaddemo`` builds them."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world.build()
        cases.build()
        groups.build()
        yield survivors.build()
        transaction.set_rollback(True)


def test_every_provider_has_partners_on_record(demo_survivors: int) -> None:
    assert demo_survivors >= 6 * 3
    assert Partner.objects.values("organisation").distinct().count() == 6


def test_consent_is_shown_in_every_state() -> None:
    today = clock.today()
    states = {
        rules.state_of(term, today) for partner in Partner.objects.all() for _c, term in consents_with_terms(partner)
    }
    assert {rules.ConsentState.VALID, rules.ConsentState.EXPIRED, rules.ConsentState.WITHDRAWN} <= states


def test_contact_is_logged_with_offers_limits_explained_and_safety_planning() -> None:
    assert ContactEntry.objects.filter(first_offer=True).exists()
    assert ContactEntry.objects.filter(limitations_explained=True).exists()
    assert ContactEntry.objects.filter(outcome="safety_planned").exists()
    assert Consent.objects.filter(withdrawn_on__isnull=False).exists()


def test_signals_of_several_kinds_are_sent() -> None:
    assert {"avoid_topic", "risk_increased", "contact_paused"} <= set(
        SafetySignal.objects.values_list("kind", flat=True)
    )


def test_survivor_safety_work_is_open_and_done_and_an_access_alert_waits() -> None:
    survivor_work = WorkItem.objects.filter(subject_compartment="survivor")
    assert survivor_work.filter(state="open").exists()
    assert survivor_work.filter(state="done").exists()
    assert WorkItem.objects.filter(rule="survivors.alert_tried", state="open").count() == 6


def test_every_provider_publishes_its_information_sheet_and_contacts_say_which_she_was_given() -> None:
    from tandem.survivors.models import InformationSheet

    assert InformationSheet.objects.values("organisation").distinct().count() == 6
    assert ContactEntry.objects.filter(limitations_explained=True, sheet__isnull=False).exists()


def test_every_provider_shows_the_planning_around_her_safety() -> None:
    from tandem.survivors.models import (
        BreakGlass,
        ConferenceMeeting,
        ConferenceReferral,
        JointReview,
        JointReviewItem,
        SafetyPlan,
        ServiceShare,
        SharedItem,
    )

    assert SafetyPlan.objects.values("partner__organisation").distinct().count() == 6
    assert ServiceShare.objects.filter(ended_at__isnull=True).count() == 6
    assert set(SharedItem.objects.values_list("basis", flat=True)) == {"consent", "override"}
    assert JointReview.objects.count() == 6
    assert set(JointReviewItem.objects.values_list("side", flat=True)) == {"programme", "survivor", "both"}
    assert set(JointReviewItem.objects.filter(kind="action").values_list("status", flat=True)) == {"open", "done"}
    assert ConferenceReferral.objects.filter(repeat_of__isnull=False).count() == 6
    assert ConferenceMeeting.objects.count() == 6
    assert BreakGlass.objects.count() == 6
    assert WorkItem.objects.filter(rule="survivors.plan_review", state="open").exists()
