"""The survivor side × every persona (``tests/survivors/matrix.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from tandem.core import clock
from tandem.core.models import User, WorkItem
from tandem.core.roles import OrganisationKind, Role
from tandem.survivors import alerts
from tandem.survivors.actions.sheets import publish_sheet
from tests import factories
from tests.conftest import World
from tests.matrix_check import check_row
from tests.permission_matrix import PERSONAS, Row
from tests.survivors.matrix import ROWS, SHEET_TEXT


@dataclass
class Fixture:
    world: World
    platform_admin: User
    case: Any  # of the world's provider, its partner recorded
    partner: Any
    other_case: Any  # of a provider nobody of the world belongs to
    other_partner: Any
    other_consent: Any
    other_alert: Any  # an access alert of the other provider
    sheet: Any  # the world's provider's information sheet
    other_sheet: Any
    service: Any  # a survivor service the world's provider reviews cases with
    other_share: Any  # the other partner's record shared with it
    review: Any  # a joint review of the world's case with the service
    action_item: Any  # an action on it, for both sides
    other_review: Any
    other_item: Any
    referral: Any  # the world's case referred to the risk conference
    other_referral: Any
    conference_action: Any  # an action its meeting agreed
    other_conference_action: Any

    def alert(self) -> Any:
        """A fresh access alert of the world's provider, about its facilitator."""
        from tandem.core.models import WorkItem

        WorkItem.objects.filter(rule="survivors.alert_tried", organisation=self.world.org).delete()
        alerts.programme_side_tried(self.world.facilitator, "/survivors/", None)
        return WorkItem.objects.get(rule="survivors.alert_tried", organisation=self.world.org)

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)

    def partner_version(self) -> int:
        self.partner.refresh_from_db()
        return int(self.partner.version)


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    world = module_world
    platform_admin = factories.platform_admin("survivors_matrix_admin")
    factories.totp_device(platform_admin)
    case = factories.case(world.org)
    partner = factories.partner(case)
    factories.consent(partner, channel="phone", purpose="information")
    elsewhere = factories.organisation(name="Provider S", kind=OrganisationKind.PROGRAMME_PROVIDER)
    factories.member(elsewhere, Role.COORDINATOR)
    factories.member(elsewhere, Role.SURVIVOR_WORKER)
    factories.member(elsewhere, Role.ORG_ADMIN)
    elsewhere_facilitator = factories.member(elsewhere, Role.FACILITATOR)
    alerts.programme_side_tried(elsewhere_facilitator, "/survivors/", None)
    other_case = factories.case(elsewhere)
    other_partner = factories.partner(other_case)
    service = factories.survivor_service("Women's centre")
    review = factories.joint_review(case, service, by=world.coordinator)
    other_share = factories.share_with(other_partner, service)
    other_review = factories.joint_review(other_case, service)
    return Fixture(
        world=world,
        platform_admin=platform_admin,
        case=case,
        partner=partner,
        other_case=other_case,
        other_partner=other_partner,
        other_consent=factories.consent(other_partner),
        other_alert=WorkItem.objects.get(rule="survivors.alert_tried", organisation=elsewhere),
        sheet=publish_sheet(organisation=world.org, language="sq", text=SHEET_TEXT, acting_user=world.coordinator),
        other_sheet=publish_sheet(
            organisation=elsewhere,
            language="sq",
            text=SHEET_TEXT,
            acting_user=factories._someone(elsewhere, Role.COORDINATOR),
        ),
        service=service,
        other_share=other_share,
        review=review,
        action_item=factories.review_item(
            review, kind="action", owner="Programme", due_on=clock.today(), by=world.coordinator
        ),
        other_review=other_review,
        other_item=factories.review_item(other_review, kind="action", owner="Service", due_on=clock.today()),
        referral=(referral := factories.conference_referral(case)),
        other_referral=(other_referral := factories.conference_referral(other_case)),
        conference_action=factories.conference_action(referral),
        other_conference_action=factories.conference_action(other_referral),
    )


@pytest.fixture
def fx(module_fx: Fixture, world: World) -> Fixture:
    return replace(module_fx, world=world)


@pytest.mark.parametrize(
    ("row", "persona"),
    [
        pytest.param(row, persona, id=f"{row.name}-{row.method}-{row.relation}-{persona}")
        for row in ROWS
        for persona in PERSONAS
    ],
)
def test_survivor_side_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
