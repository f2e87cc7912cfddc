"""The risk panel of the case page and the risk rows of its timeline: the latest level, the
trend as a chart and a table linking to each assessment, the open risk work, for the people
working on the case only, in the same number of queries however many assessments there are."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from tandem.cases.models import Case
from tandem.cases.panels import _PANELS, timeline_for
from tandem.core import clock, events
from tandem.core.models import User
from tandem.risk import actions
from tandem.risk.case_panels import risk_timeline
from tandem.risk.chart import Point, trend_chart
from tandem.risk.models import Level
from tests import factories
from tests.conftest import World, signed_in_client
from tests.risk.support import MEDIUM, STANDARD, STRANGULATION

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def case(world: World) -> Case:
    return factories.case(world.org, agency=world.agency)


def assessed(case: Case, *levels: dict[str, str]) -> None:
    start = clock.now() - timedelta(days=30)
    for days, chosen in enumerate(levels):
        with clock.frozen(start + timedelta(days=7 * days)):
            factories.risk_assessment(case, answers=chosen, occasion="mid_programme")
    events.deliver_pending()


def panel_html(reader: User, case: Case) -> str:
    panel = _PANELS["risk"]
    context = panel.build(reader, case)
    assert context is not None
    return render_to_string(panel.template, {"panel": context, "case": case})


def test_the_case_page_shows_the_latest_level_the_trend_and_each_assessment(world: World, case: Case) -> None:
    assessed(case, STANDARD, MEDIUM, STRANGULATION)
    page = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="panel-risk"' in page
    assert "Latest level" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert f"Case #{case.pk}: 3 assessments" in page
    for assessment in case.risk_assessments.all():
        assert f'href="/cases/{case.pk}/risk/{assessment.pk}/"' in page
    assert f'href="/cases/{case.pk}/risk/new/"' in page
    # The open escalation of the high level leads to its review.
    assert f'href="/cases/{case.pk}/risk/escalation/"' in page


def test_the_chart_is_one_accessible_image_with_a_marker_per_assessment(world: World, case: Case) -> None:
    now = clock.now()
    chart = trend_chart(
        [Point(now, Level.STANDARD), Point(now, Level.MEDIUM), Point(now, Level.HIGH)],
        title="Trend",
        description="Three assessments.",
    )
    root = ET.fromstring(str(chart))  # noqa: S314 - our own markup
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Trend"
    assert root.findtext(f"{SVG}desc") == "Three assessments."
    # Each level its own shape, so the chart reads without colour.
    assert len(root.findall(f"{SVG}circle")) == 1
    assert len(root.findall(f"{SVG}rect")) == 1
    assert len(root.findall(f"{SVG}path")) == 2  # the step line and the triangle
    assert "style=" not in str(chart)


def test_a_case_without_an_assessment_says_so_and_leads_to_the_form(world: World, case: Case) -> None:
    html = panel_html(world.coordinator, case)
    assert "The risk has not been assessed yet." in html
    assert "<svg" not in html
    assert f'href="/cases/{case.pk}/risk/new/"' in html


def test_the_panel_lists_the_open_risk_work(world: World, case: Case) -> None:
    events.deliver_pending()  # the case's opening makes the intake assessment due
    html = panel_html(world.coordinator, case)
    assert f"Assess the risk in case #{case.pk} at intake" in html
    assert f'href="/cases/{case.pk}/risk/new/?occasion=intake"' in html


@pytest.mark.parametrize("persona", ["survivor_worker", "org_admin", "referrer", "analyst", "outsider"])
def test_the_panel_and_the_rows_are_for_the_people_working_on_the_case_only(
    world: World, case: Case, persona: str
) -> None:
    assessed(case, STANDARD)
    reader = world.persona(persona)
    assert _PANELS["risk"].build(reader, case) is None
    assert [entry for entry in timeline_for(reader, case) if entry.kind == "risk"] == []


def test_the_timeline_has_each_assessment_and_each_escalation_and_its_review(world: World, case: Case) -> None:
    assessed(case, STANDARD, STRANGULATION)
    actions.review_escalation(case=case, marac_referral=True, note="Referred.", acting_user=world.coordinator)
    titles = [entry.title for entry in timeline_for(world.coordinator, case) if entry.kind == "risk"]
    assert titles == [
        "The escalation was reviewed; a referral to a multi-agency risk assessment conference was made.",
        "The risk is high: a coordinator reviews the case.",
        "Mid-programme: the level is High (score 3).",
        "Mid-programme: the level is Standard (score 0).",
    ]


def build_and_render(reader: User, case: Case) -> int:
    reader = User.objects.get(pk=reader.pk)  # memberships read again, as on a new request
    case = Case.objects.get(pk=case.pk)  # and the case, as a new request reads it
    with CaptureQueriesContext(connection) as captured:
        panel_html(reader, case)
        list(risk_timeline(reader, case))
    return len(captured)


def test_the_panel_and_timeline_take_the_same_queries_however_many_assessments(world: World, case: Case) -> None:
    assessed(case, STANDARD, STRANGULATION)
    few = build_and_render(world.coordinator, case)
    assessed(case, MEDIUM, STANDARD, STRANGULATION, MEDIUM, STANDARD)
    many = build_and_render(world.coordinator, case)
    # Her memberships; the assessments (read once for both) and the open risk work for the
    # panel; the escalations for the timeline.
    assert (few, many) == (4, 4)
