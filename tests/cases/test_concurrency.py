"""Two people moving the same case at once, on two connections: the second waits for the first
and is then refused as stale, so that the case takes one step, not two."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from tandem.cases import actions
from tandem.cases.actions import ReferralDetails, StaleCase
from tandem.cases.models import Case, CaseStep
from tandem.cases.rules.lifecycle import State
from tandem.core.roles import OrganisationKind, Role
from tests import factories


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections are PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_moving_one_case_at_once_take_one_step() -> None:
    provider = factories.organisation(kind=OrganisationKind.PROGRAMME_PROVIDER)
    first, second = factories.member(provider, Role.COORDINATOR), factories.member(provider, Role.COORDINATOR)
    referral = actions.submit_referral(
        provider=provider, details=ReferralDetails(name="Marko Petrović", reason="Court order."), acting_user=first
    )
    case = actions.accept_referral(referral=referral, expected_version=referral.version, acting_user=first)
    version = case.version
    first_moved, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def mover(name: str, user: object, hold: bool) -> None:
        try:
            mine = Case.objects.get(pk=case.pk)
            with transaction.atomic():
                actions.move_case(case=mine, event="start_assessment", expected_version=version, acting_user=user)  # type: ignore[arg-type]
                if hold:  # keep the row locked until the other has tried
                    first_moved.set()
                    release.wait(10)
            outcome[name] = "moved"
        except StaleCase:
            outcome[name] = "stale"
        except BaseException as error:  # reported below
            outcome[name] = error
        finally:
            connections.close_all()

    holder = threading.Thread(target=mover, args=("first", first, True))
    holder.start()
    assert first_moved.wait(10)
    other = threading.Thread(target=mover, args=("second", second, False))
    other.start()
    time.sleep(0.5)  # the second is now waiting on the first's lock
    assert other.is_alive()
    release.set()
    holder.join(10)
    other.join(10)
    assert outcome == {"first": "moved", "second": "stale"}
    assert Case.objects.get(pk=case.pk).state == State.ASSESSMENT
    assert CaseStep.objects.filter(case=case).count() == 1
