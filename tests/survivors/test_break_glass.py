"""Her record is for her support workers. A coordinator of the man's provider reads it only by
breaking the glass: with a reason, for a few hours, without changing it, on the audit log, and
with her support workers and the organisation's administrators told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.core import clock
from tandem.core.models import AuditEntry, WorkItem
from tandem.survivors.actions import SurvivorSideRefused
from tandem.survivors.actions.access import HOURS, break_glass
from tandem.survivors.actions.partners import PartnerDetails, update_partner
from tests import factories
from tests.conftest import World, signed_in_client

REASON = "Her worker is away and the police asked where she is staying tonight."


def test_a_coordinator_does_not_reach_her_record_without_breaking_the_glass(world: World) -> None:
    case = factories.case(world.org)
    partner = factories.partner(case)
    client = signed_in_client(world.coordinator)
    assert client.get(reverse("survivors:partner", args=[partner.pk])).status_code == 404
    response = client.get(reverse("survivors:for_case", args=[case.pk]))
    assert response["Location"] == reverse("survivors:break_glass", args=[case.pk])
    form = client.get(reverse("survivors:break_glass", args=[case.pk])).content.decode()
    assert "Drita" not in form


def test_breaking_the_glass_opens_her_record_for_a_few_hours_and_tells_her_workers_and_the_admins(
    world: World,
) -> None:
    case = factories.case(world.org)
    partner = factories.partner(case)
    client = signed_in_client(world.coordinator)
    response = client.post(reverse("survivors:break_glass", args=[case.pk]), {"reason": REASON})
    assert response["Location"] == reverse("survivors:partner", args=[partner.pk])
    assert "Drita" in client.get(reverse("survivors:partner", args=[partner.pk])).content.decode()
    assert AuditEntry.objects.filter(action="survivors.break_glass", actor=world.coordinator).exists()
    told = set(WorkItem.objects.filter(rule="survivors.break_glass").values_list("team_role", flat=True))
    assert told == {"survivor_worker", "org_admin"}
    with clock.frozen(clock.now() + timedelta(hours=HOURS, minutes=1)):
        assert client.get(reverse("survivors:partner", args=[partner.pk])).status_code == 404


def test_her_workers_see_who_opened_her_record_and_why(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    break_glass(partner=partner, reason=REASON, acting_user=world.coordinator)
    page = signed_in_client(world.survivor_worker).get(reverse("survivors:partner", args=[partner.pk]))
    assert REASON in page.content.decode()


def test_a_coordinator_inside_the_glass_still_cannot_change_her_record(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    break_glass(partner=partner, reason=REASON, acting_user=world.coordinator)
    with pytest.raises(SurvivorSideRefused):
        update_partner(
            partner=partner,
            details=PartnerDetails(name="Someone else"),
            expected_version=partner.version,
            acting_user=world.coordinator,
        )


def test_breaking_the_glass_needs_a_reason(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    with pytest.raises(ValidationError) as invalid:
        break_glass(partner=partner, reason="  urgent ", acting_user=world.coordinator)
    assert "reason" in invalid.value.message_dict


def test_only_a_coordinator_of_her_provider_may_break_the_glass(world: World) -> None:
    partner = factories.partner(factories.case(world.org))
    for person in (world.facilitator, world.outsider):
        with pytest.raises(SurvivorSideRefused):
            break_glass(partner=partner, reason=REASON, acting_user=person)
