from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from tandem.demo import registry, survey, world


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[survey.SurveySummary]:
    """The whole demo, built once per test module inside a transaction that is rolled back at
    its end; each test runs in its own nested transaction (the ``db`` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world.build()
        registry.build()
        yield survey.build()
        transaction.set_rollback(True)
