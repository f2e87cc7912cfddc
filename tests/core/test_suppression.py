"""One small-number rule, with one source for its threshold."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from tandem.core.suppression import share, threshold_for, too_few
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_share_over_fewer_than_the_threshold_is_suppressed() -> None:
    assert share(3, 4, threshold=5).percent is None
    assert share(3, 4, threshold=5).suppressed
    assert share(3, 5, threshold=5).percent == 60.0


def test_nothing_counted_is_no_share_and_not_a_small_number() -> None:
    assert share(0, 0, threshold=5) == share(0, 0, threshold=5)
    assert share(0, 0, threshold=5).percent is None
    assert not too_few(0, 5)


@override_settings(TANDEM_SMALL_NUMBER=7)
def test_the_installation_sets_the_floor() -> None:
    assert threshold_for(None) == 7
    assert threshold_for(factories.organisation()) == 7


@override_settings(TANDEM_SMALL_NUMBER=5)
def test_an_organisation_may_raise_the_threshold_for_its_own_figures() -> None:
    network = factories.organisation(kind="network")
    network.suppression_threshold = 10
    assert threshold_for(network) == 10


@override_settings(TANDEM_SMALL_NUMBER=5)
def test_an_organisation_may_not_lower_it() -> None:
    network = factories.organisation(kind="network")
    network.suppression_threshold = 3
    assert threshold_for(network) == 5
    with pytest.raises(ValidationError):
        network.full_clean()
