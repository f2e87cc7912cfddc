"""A coordinator's safety overview: each figure counts the right cases and leads to them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tandem.core import clock, work
from tandem.core.roles import Role
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

LATE = work.register(
    work.WorkRule(key="test.overview", title="Inform the partner", due=work.Hours(1))  # type: ignore[arg-type]
)


def overview(world: World) -> str:
    return signed_in_client(world.coordinator).get("/cases/safety/").content.decode()


def listed(world: World, query: str) -> set[int]:
    response = signed_in_client(world.coordinator).get(f"/cases/?{query}")
    return {case.pk for case in response.context["page"].object_list}


def test_overdue_work_is_counted_and_leads_to_its_case(world: World) -> None:
    late, fine = factories.case(world.org), factories.case(world.org)
    work.open_work(
        rule=LATE,
        organisation=world.org,
        subject=late,
        params={},
        team_role=Role.COORDINATOR,
        start=clock.now() - timedelta(hours=3),
    )
    assert listed(world, "flag=overdue_work&state=all") == {late.pk}
    assert fine.pk in listed(world, "state=all")
    assert "flag=overdue_work" in overview(world)


def test_a_rise_of_risk_this_week_is_counted(world: World) -> None:
    rising, steady = factories.case(world.org), factories.case(world.org)
    for case in (rising, steady):
        factories.risk_assessment(case)
    factories.risk_assessment(rising, answers={"threats_to_kill": "yes"})
    factories.risk_assessment(steady)
    assert listed(world, "flag=risk_rise&state=all") == {rising.pk}


def test_the_men_waiting_longest_come_first(world: World) -> None:
    first = factories.case(world.org, state=State.WAITING)
    Case.objects.filter(pk=first.pk).update(state_since=clock.now() - timedelta(days=40))
    second = factories.case(world.org, state=State.WAITING)
    page = signed_in_client(world.coordinator).get("/cases/safety/")
    assert [case.pk for case in page.context["overview"].waiting][:2] == [first.pk, second.pk]


def test_a_facilitator_has_no_safety_overview(world: World) -> None:
    assert signed_in_client(world.facilitator).get("/cases/safety/").status_code == 404


def test_the_overview_reads_a_fixed_number_of_queries_whatever_the_number_of_cases(world: World) -> None:
    client = signed_in_client(world.coordinator)
    factories.case(world.org, state=State.WAITING)
    with CaptureQueriesContext(connection) as few:
        client.get("/cases/safety/")
    for _ in range(6):
        factories.case(world.org, state=State.WAITING)
    with CaptureQueriesContext(connection) as many:
        client.get("/cases/safety/")
    assert len(many) == len(few)


def test_the_share_of_partners_told_what_the_programme_cannot_do_is_counted(world: World) -> None:
    told = factories.case(world.org, state=State.WAITING)
    factories.partner_side_ready(told)
    untold = factories.case(world.org, state=State.WAITING)
    factories.partner_side_ready(untold, limits_explained=False)
    factories.case(world.org)  # just referred: not yet counted
    found = signed_in_client(world.coordinator).get("/cases/safety/").context["overview"]
    assert (found.partners_told, found.partners_to_tell) == (1, 2)
    assert found.partners_told_percent == 50
