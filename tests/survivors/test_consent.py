"""Her consent's days and its named service are checked when it is recorded and withdrawn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tandem.core import clock
from tandem.survivors.actions.consent import record_consent, withdraw_consent
from tests import factories
from tests.conftest import World


def record(world: World, **changes: object) -> object:
    partner = factories.partner(factories.case(world.org))
    values: dict[str, object] = {
        "channel": "phone",
        "purpose": "information",
        "starts_on": clock.today(),
        "expires_on": clock.today() + timedelta(days=90),
    }
    values.update(changes)
    return record_consent(partner=partner, acting_user=world.survivor_worker, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": clock.today().replace(year=1900), "expires_on": clock.today().replace(year=1901)}, "starts_on"),
        ({"expires_on": clock.today() - timedelta(days=1)}, "expires_on"),
        ({"expires_on": clock.today() + timedelta(days=3650)}, "expires_on"),
        ({"service": "Shelter of the Sisters"}, "service"),
        ({"purpose": "share_service"}, "service"),
    ],
)
def test_a_consent_that_cannot_be_is_refused_beside_its_field(world: World, changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        record(world, **changes)
    assert field in invalid.value.message_dict


def test_a_withdrawal_before_the_consent_began_is_refused(world: World) -> None:
    consent = record(world)
    with pytest.raises(ValidationError) as invalid:
        withdraw_consent(consent=consent, acting_user=world.survivor_worker, on=clock.today() - timedelta(days=30))  # type: ignore[arg-type]
    assert "on" in invalid.value.message_dict
