"""The programme's information sheet for partners: published by a coordinator in versions per
language; a contact in which the limits were explained says which version she was given."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.core import clock
from tandem.survivors.actions import SurvivorSideRefused
from tandem.survivors.actions.contact import record_contact
from tandem.survivors.actions.sheets import publish_sheet
from tests import factories
from tests.conftest import World, signed_in_client
from tests.survivors.matrix import SHEET_TEXT


def test_each_publication_is_a_new_version_and_the_old_one_stays(world: World) -> None:
    first = publish_sheet(organisation=world.org, language="sq", text=SHEET_TEXT, acting_user=world.coordinator)
    second = publish_sheet(
        organisation=world.org, language="sq", text=SHEET_TEXT + " v2", acting_user=world.coordinator
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.text == SHEET_TEXT


def test_a_sheet_must_say_enough(world: World) -> None:
    with pytest.raises(ValidationError) as invalid:
        publish_sheet(organisation=world.org, language="sq", text="Call us.", acting_user=world.coordinator)
    assert "text" in invalid.value.message_dict


def test_only_a_coordinator_publishes_the_sheet(world: World) -> None:
    with pytest.raises(SurvivorSideRefused):
        publish_sheet(organisation=world.org, language="sq", text=SHEET_TEXT, acting_user=world.survivor_worker)


def test_the_contact_log_says_which_version_she_was_given(world: World) -> None:
    sheet = publish_sheet(organisation=world.org, language="sq", text=SHEET_TEXT, acting_user=world.coordinator)
    partner = factories.partner(factories.case(world.org))
    record_contact(
        partner=partner,
        kind="contact",
        channel="phone",
        purpose="information",
        outcome="offer_made",
        first_offer=True,
        limitations_explained=True,
        sheet=sheet,
        happened_at=clock.now() - timedelta(minutes=5),
        acting_user=world.survivor_worker,
    )
    page = signed_in_client(world.survivor_worker).get(reverse("survivors:partner", args=[partner.pk]))
    assert reverse("survivors:sheet", args=[sheet.pk]) in page.content.decode()
