"""The outcome report of a programme: response rates that count what was declined and missed,
matched change over the people who answered both times, headline figures from the partners'
answers, and no figure about fewer partners (or men) than the threshold, nor one that the
others give away."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from scipy import stats as scipy_stats

from tandem.core.models import AuditEntry, Organisation
from tandem.core.navigation import pages_for
from tandem.core.roles import OrganisationKind, Role
from tandem.outcomes import report_render
from tandem.outcomes.models import PointState, TimePoint
from tandem.outcomes.report import (
    HIDDEN,
    NO_RATE,
    SUPPRESSED_RATE,
    OutcomeReport,
    Period,
    ShareRow,
    build_report,
    hidden_in_row,
    shown,
)
from tandem.outcomes.report_render import render_document, render_json, render_pdf
from tests import factories
from tests.conftest import World, signed_in_client
from tests.outcomes.report_worlds import Pair, began, closed, hers, his, pair, someone

CANARY_NAME = "Kanarina Zqxwvut"
CANARY_NOTE = "canary-note-she-moved-to-Fier-7731"
SMALL_NAME = "Kanarina Small Yyqvz"


@dataclass
class Worlds:
    world: World
    big: Organisation  # 13 men and 13 partners
    small: Organisation  # 3 men and 3 partners
    pairs: list[Pair]
    uniform: Organisation  # 10 men and 10 partners, all alike on one side of every figure


def _big(provider: Organisation) -> list[Pair]:
    pairs = [pair(provider, name=CANARY_NAME if i == 12 else f"Partner {i}") for i in range(13)]
    for i, found in enumerate(pairs):
        # Her start: seven partners report physical violence, four of them sexual violence too, and
        # five neither; a third of them are most afraid.
        if i < 12:
            hers(
                found,
                "start",
                physical=int(i < 7),
                sexual=int(3 <= i < 7),
                fear=4 if i % 3 == 0 else 3,
                space_for_action=1,
                children_exposure=2,
            )
        else:
            closed(found, "start", her=True, note=CANARY_NOTE)
        # Her end: six answer (four less afraid, two much less), six decline, one could not be reached.
        if i < 6:
            hers(found, "end", fear=2 if i < 4 else 1, children_exposure=1)
        elif i < 12:
            closed(found, "end", her=True)
        else:
            closed(found, "end", her=True, state=PointState.MISSED)
        # Six months after: seven report no violence and less fear, five as before, and the
        # thirteenth (who declined at the start) violence.
        if i < 7:
            hers(found, "follow_up_6", fear=1, space_for_action=3, children_exposure=0 if i < 6 else 1)
        elif i < 12:
            hers(found, "follow_up_6", physical=1, fear=3, space_for_action=1, children_exposure=1)
        else:
            hers(found, "follow_up_6", physical=1, fear=2)
        # His: all answer at the start and the end, eight reporting physical violence at the start
        # and five of them at the end; three decline six months after.
        his(found, "start", physical=int(i < 8), awareness=1)
        his(found, "end", physical=int(i < 5), awareness=3)
        if i < 10:
            his(found, "follow_up_6", awareness=3)
        else:
            closed(found, "follow_up_6", her=False)
    return pairs


def _small(provider: Organisation) -> None:
    for i in range(3):
        found = pair(provider, name=SMALL_NAME if i == 0 else f"Small partner {i}")
        hers(found, "start", physical=1, fear=3)
        hers(found, "follow_up_6", fear=1)
        his(found, "start", physical=1)
        his(found, "follow_up_6")


def _uniform(provider: Organisation) -> None:
    """Every partner reports physical violence at the start and none six months after, all of them
    equally afraid at the start; no man reports physical violence at the start and half of them
    do six months after; every man's awareness rises by the same two points."""
    for i in range(10):
        found = pair(provider, name=f"Uniform partner {i}")
        hers(found, "start", physical=1, fear=3)
        hers(found, "follow_up_6", fear=1 + i % 2)
        his(found, "start", awareness=1 + i % 2)
        his(found, "follow_up_6", physical=int(i < 5), awareness=3 + i % 2)


def _provider(name: str) -> Organisation:
    provider = factories.organisation(name=name, kind=OrganisationKind.PROGRAMME_PROVIDER)
    for role in (Role.COORDINATOR, Role.SURVIVOR_WORKER, Role.FACILITATOR):
        factories.member(provider, role)
    return provider


@pytest.fixture(scope="module")
def module_worlds(module_world: World) -> Worlds:
    small, uniform = _provider("Provider S"), _provider("Provider U")
    _small(small)
    _uniform(uniform)
    return Worlds(module_world, module_world.org, small, _big(module_world.org), uniform)


@pytest.fixture
def worlds(module_worlds: Worlds, world: World) -> Worlds:
    return Worlds(world, module_worlds.big, module_worlds.small, module_worlds.pairs, module_worlds.uniform)


@pytest.fixture
def big(worlds: Worlds) -> OutcomeReport:
    return build_report(worlds.big)


@pytest.fixture
def small(worlds: Worlds) -> OutcomeReport:
    return build_report(worlds.small)


@pytest.fixture
def uniform(worlds: Worlds) -> OutcomeReport:
    return build_report(worlds.uniform)


def _row(report: OutcomeReport, side: str, point: str) -> Any:
    return next(row for row in getattr(report, side).responses if row.point == point)


def _change(report: OutcomeReport, side: str, after: str, subscale: str) -> Any:
    comparison = next(c for c in getattr(report, side).comparisons if c.after == after)
    return next(row for row in comparison.rows if row.subscale == subscale)


# --- Secondary suppression, as a rule -------------------------------------------------------------


def test_a_small_total_hides_its_whole_row() -> None:
    assert hidden_in_row(4, [2, 1, 1], 5) == (True, [True, True, True])


def test_one_small_count_hides_the_next_smallest_beside_it() -> None:
    assert hidden_in_row(20, [14, 3, 3], 5) == (False, [False, True, True])
    assert hidden_in_row(20, [12, 2, 6], 5) == (False, [False, True, True])


def test_the_answered_count_is_hidden_last() -> None:
    assert hidden_in_row(13, [12, 1, 0], 5, keep=0) == (False, [False, True, True])
    assert hidden_in_row(13, [3, 10, 0], 5, keep=0) == (False, [True, False, True])


def test_counts_of_none_are_shown() -> None:
    assert hidden_in_row(9, [9, 0, 0], 5) == (False, [False, False, False])


# --- Response rates and attrition -----------------------------------------------------------------


def test_response_rates_count_what_was_answered_of_what_was_due(big: OutcomeReport) -> None:
    row = _row(big, "hers", "follow_up_6")
    assert (row.scheduled.value, row.answered.value, row.declined.value, row.missed.value) == (13, 13, 0, 0)
    assert row.response.share.value == 1.0


def test_a_point_missed_because_he_left_before_it_is_attrition(big: OutcomeReport) -> None:
    row = _row(big, "his", "midway")
    assert (row.scheduled.value, row.missed.value, row.answered.value) == (13, 13, 0)
    assert row.attrition.share.value == 1.0


def test_a_point_whose_window_is_still_open_is_not_counted_yet(big: OutcomeReport) -> None:
    row = _row(big, "his", "follow_up_12")
    assert (row.scheduled.value, row.missed.value) == (0, 0)
    assert row.response.share.value is None and not row.response.suppressed


def test_declined_and_missed_points_count_as_due(big: OutcomeReport) -> None:
    # Her end: 6 answered, 6 declined, 1 missed: the one missed is hidden, and the declined too.
    row = _row(big, "hers", "end")
    assert (row.scheduled.value, row.answered.value) == (13, 6)
    assert row.missed.suppressed and row.missed.small
    assert row.declined.suppressed and not row.declined.small
    assert row.response.share.value == pytest.approx(6 / 13)


def test_a_few_declined_hide_the_missed_beside_them(big: OutcomeReport) -> None:
    # His six months after: 10 answered, 3 declined, none missed.
    row = _row(big, "his", "follow_up_6")
    assert (row.scheduled.value, row.answered.value) == (13, 10)
    assert row.declined.suppressed and row.declined.small
    assert row.missed.suppressed and not row.missed.small


def test_a_chart_bar_whose_share_is_hidden_says_not_shown_not_nothing_to_count() -> None:
    hidden = ShareRow("follow_up_6", HIDDEN, shown(9), SUPPRESSED_RATE)
    empty = ShareRow("follow_up_12", shown(0), shown(0), NO_RATE)
    with translation.override("en"):
        image = str(report_render._violence_chart(report_render.Texts(5), [hidden, empty]))
    chart = base64.b64decode(image.split("base64,", 1)[1].split('"', 1)[0]).decode()
    assert chart.count("not shown") == 1 and chart.count("nothing to count yet") == 1


# --- Matched change -------------------------------------------------------------------------------


def test_matched_change_counts_only_those_with_both_points(big: OutcomeReport) -> None:
    # Thirteen partners answered six months after, twelve of them at the start.
    fear = _change(big, "hers", "follow_up_6", "fear")
    assert fear.n.value == 12
    assert fear.mean_before.value == pytest.approx((4 * 4 + 8 * 3) / 12)
    assert fear.mean_after.value == pytest.approx((7 * 1 + 5 * 3) / 12)
    assert fear.change.value == pytest.approx(-18 / 12)


def test_matched_change_has_the_paired_t_interval(big: OutcomeReport) -> None:
    fear = _change(big, "hers", "follow_up_6", "fear")
    before = [4.0 if i % 3 == 0 else 3.0 for i in range(12)]
    expected = scipy_stats.ttest_rel([1.0] * 7 + [3.0] * 5, before).confidence_interval()
    assert (fear.ci_low.value, fear.ci_high.value) == (pytest.approx(expected.low), pytest.approx(expected.high))
    assert fear.improved is True


def test_a_comparison_over_fewer_than_the_threshold_is_not_shown(small: OutcomeReport) -> None:
    fear = _change(small, "hers", "follow_up_6", "fear")
    assert fear.n.suppressed and fear.n.small
    assert all(cell.suppressed for cell in (fear.mean_before, fear.mean_after, fear.change, fear.ci_low))


def test_an_any_comparison_where_nobody_reported_it_before_is_hidden(uniform: OutcomeReport) -> None:
    # No man reports physical violence at the start, five of ten six months after: the share at
    # the start would say of each that he reported none.
    physical = _change(uniform, "his", "follow_up_6", "physical")
    assert physical.n.value == 10
    cells = (physical.mean_before, physical.mean_after, physical.change, physical.ci_low, physical.ci_high)
    assert all(cell.suppressed for cell in cells)


def test_a_comparison_where_everyone_gave_the_same_score_shows_no_means(uniform: OutcomeReport) -> None:
    # Every partner's fear is 3 at the start, 1 or 2 six months after.
    fear = _change(uniform, "hers", "follow_up_6", "fear")
    assert fear.n.value == 10
    assert fear.mean_before.suppressed and fear.mean_after.suppressed
    assert fear.change.value == pytest.approx(-1.5)
    assert fear.ci_low.value is not None and fear.ci_high.value is not None


def test_a_change_that_is_the_same_for_everyone_is_hidden(uniform: OutcomeReport) -> None:
    # Every man's awareness rises by two points, from 1 or 2 to 3 or 4: only the number shows.
    awareness = _change(uniform, "his", "follow_up_6", "awareness")
    assert awareness.n.value == 10
    cells = (awareness.mean_before, awareness.mean_after, awareness.change, awareness.ci_low, awareness.ci_high)
    assert all(cell.suppressed for cell in cells)


def test_the_partners_who_declined_are_not_in_the_comparison(big: OutcomeReport) -> None:
    # Of the six who answered at the end, from 4, 3, 3, 4, 3, 3 to 2, 2, 2, 2, 1, 1.
    assert _change(big, "hers", "end", "fear").n.value == 6
    assert _change(big, "hers", "end", "fear").change.value == pytest.approx(-10 / 6)


def test_his_view_is_reported_beside_hers(big: OutcomeReport) -> None:
    # Eight of thirteen men report physical violence at the start, five of them at the end.
    physical = _change(big, "his", "end", "physical")
    assert (physical.n.value, physical.change.value) == (13, pytest.approx(-3 / 13))


# --- Headline figures -----------------------------------------------------------------------------


def test_the_share_without_physical_or_sexual_violence_is_of_the_partners_who_answered(big: OutcomeReport) -> None:
    rows = {row.point: row for row in big.headline.violence_free}
    assert (rows["follow_up_6"].count.value, rows["follow_up_6"].n.value) == (7, 13)
    assert rows["follow_up_6"].rate.share.value == pytest.approx(7 / 13)
    assert (rows["start"].count.value, rows["start"].n.value) == (5, 12)


def test_her_fear_and_space_for_action_are_headline_changes(big: OutcomeReport) -> None:
    six_months = next(c for c in big.headline.changes if c.after == "follow_up_6")
    changes = {row.subscale: row.change.value for row in six_months.rows}
    assert changes == {"fear": pytest.approx(-18 / 12), "space_for_action": pytest.approx(14 / 12)}


def test_children_no_longer_exposed_are_counted_of_those_exposed_at_the_start(big: OutcomeReport) -> None:
    row = next(r for r in big.headline.children_no_longer_exposed if r.point == "follow_up_6")
    assert (row.count.value, row.n.value) == (6, 12)
    assert row.rate.share.value == pytest.approx(0.5)


def test_the_partner_who_declined_at_the_start_cannot_be_found_by_subtraction(big: OutcomeReport) -> None:
    # Seven of thirteen report no violence six months after; had the comparison of the twelve who
    # also answered at the start shown its shares of violence, the thirteenth's would follow.
    physical = _change(big, "hers", "follow_up_6", "physical")
    assert physical.n.value == 12
    assert all(cell.suppressed for cell in (physical.mean_before, physical.mean_after, physical.change))


def test_no_partner_free_of_violence_is_not_shown_as_none(uniform: OutcomeReport) -> None:
    # All ten partners report violence at the start: "none of them" tells each one's answer.
    start = next(row for row in uniform.headline.violence_free if row.point == "start")
    assert start.n.value == 10
    assert start.count.suppressed and start.rate.suppressed


def test_every_partner_free_of_violence_is_not_shown_as_all(uniform: OutcomeReport) -> None:
    # All ten partners report no violence six months after: "all of them" tells each one's answer.
    six_months = next(row for row in uniform.headline.violence_free if row.point == "follow_up_6")
    assert six_months.n.value == 10
    assert six_months.count.suppressed and six_months.rate.suppressed


def test_a_headline_share_of_a_small_programme_is_not_shown(small: OutcomeReport) -> None:
    six_months = next(row for row in small.headline.violence_free if row.point == "follow_up_6")
    assert six_months.n.suppressed and six_months.rate.suppressed


# --- Small numbers on every table -----------------------------------------------------------------


def _figures(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if set(node) == {"value", "suppressed"}:
            yield node
        else:
            for value in node.values():
                yield from _figures(value)
    elif isinstance(node, list):
        for value in node:
            yield from _figures(value)


def test_no_figure_about_three_partners_is_shown(small: OutcomeReport) -> None:
    document = json.loads(render_json(small, language="en"))
    for section in (document["partners"], document["headline"], document["men"]):
        shown = [cell["value"] for cell in _figures(section) if not cell["suppressed"]]
        assert all(value in (0, None) for value in shown), shown


def test_every_suppressed_figure_is_null_and_marked(small: OutcomeReport) -> None:
    cells = list(_figures(json.loads(render_json(small, language="en"))))
    assert any(cell["suppressed"] for cell in cells)
    assert all(cell["value"] is None for cell in cells if cell["suppressed"])


@pytest.mark.parametrize("which", ["big", "small"])
def test_no_hidden_count_can_be_worked_out_from_its_row(worlds: Worlds, which: str) -> None:
    report = build_report(getattr(worlds, which))
    for side in (report.his, report.hers):
        for row in side.responses:
            parts = [row.answered, row.declined, row.missed]
            hidden = [part for part in parts if part.suppressed]
            if row.scheduled.suppressed or not hidden:
                continue
            assert len(hidden) >= 2
            assert row.response.suppressed == row.answered.suppressed
            if row.answered.suppressed:
                # Only when it is small itself: the comparisons and headline figures of that
                # point count no more people than answered, and are hidden by their own rule.
                assert row.answered.small


def test_a_share_is_hidden_whenever_its_count_is(worlds: Worlds) -> None:
    for organisation in (worlds.big, worlds.small):
        report = build_report(organisation)
        for row in (*report.headline.violence_free, *report.headline.children_no_longer_exposed):
            if row.count.suppressed or row.n.suppressed:
                assert row.rate.suppressed


def test_the_page_of_a_small_programme_says_fewer_than_the_threshold(worlds: Worlds) -> None:
    coordinator = someone(worlds.small, Role.COORDINATOR)
    body = signed_in_client(coordinator).get(reverse("outcomes:report")).content.decode()
    assert "fewer than 5" in body


# --- The page, its downloads and who reads them ---------------------------------------------------


def test_the_page_shows_the_report_of_the_readers_provider(worlds: Worlds) -> None:
    response = signed_in_client(worlds.world.coordinator).get(reverse("outcomes:report"))
    assert response.status_code == 200
    assert worlds.big.name in response.content.decode()


def test_the_report_is_in_the_navigation_of_its_readers_only(worlds: Worlds) -> None:
    def keys(user: Any) -> list[str]:
        return [link.key for link in pages_for(user)]

    for reader in (worlds.world.coordinator, worlds.world.org_admin, worlds.world.survivor_worker):
        assert "outcome_report" in keys(reader)
    for other in (worlds.world.facilitator, worlds.world.referrer, worlds.world.analyst, worlds.world.auditor):
        assert "outcome_report" not in keys(other)


@pytest.mark.parametrize("persona", ["facilitator", "referrer", "analyst", "gov_viewer", "auditor"])
def test_the_report_is_not_there_for_those_who_do_not_read_it(worlds: Worlds, persona: str) -> None:
    client = signed_in_client(worlds.world.persona(persona))
    for name in ("outcomes:report", "outcomes:report_pdf", "outcomes:report_json"):
        assert client.get(reverse(name) + f"?organisation={worlds.big.pk}").status_code == 404


def test_another_providers_report_is_not_there(worlds: Worlds) -> None:
    client = signed_in_client(worlds.world.coordinator)
    for name in ("outcomes:report", "outcomes:report_pdf", "outcomes:report_json"):
        assert client.get(reverse(name) + f"?organisation={worlds.small.pk}").status_code == 404


def test_a_month_that_is_not_one_is_refused_with_a_message(worlds: Worlds) -> None:
    response = signed_in_client(worlds.world.coordinator).get(reverse("outcomes:report") + "?from=2025-13")
    assert response.status_code == 422
    assert "such as 2025-03" in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused(worlds: Worlds) -> None:
    response = signed_in_client(worlds.world.coordinator).get(reverse("outcomes:report") + "?from=2025-06&to=2025-01")
    assert response.status_code == 422


def test_a_period_before_the_cases_started_counts_nobody(worlds: Worlds) -> None:
    start = began()
    before = Period.of_months((start.year - 3, 1), (start.year - 2, 12))
    report = build_report(worlds.big, before)
    assert all(row.scheduled.value == 0 for row in report.his.responses)


def test_the_page_reads_the_database_the_same_number_of_times_however_many_cases(worlds: Worlds) -> None:
    client = signed_in_client(worlds.world.coordinator)
    url = reverse("outcomes:report")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    more = [pair(worlds.big) for _ in range(2)]
    for found in more:
        hers(found, "start", physical=1)
        his(found, "start")
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    # Fourteen reads, and the ledger of figures shown: its lock in a transaction and its two reads.
    assert len(first.captured_queries) == len(second.captured_queries) == 19


def test_the_pdf_is_a_pdf_and_its_download_is_on_the_record(worlds: Worlds) -> None:
    response = signed_in_client(worlds.world.coordinator).get(reverse("outcomes:report_pdf"))
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.filter(action="outcomes.report_exported").latest("seq")
    assert json.loads(entry.detail)["format"] == "pdf"
    assert entry.actor_id == worlds.world.coordinator.pk


SCHEMA_CELL = {
    "type": "object",
    "required": ["value", "suppressed"],
    "properties": {"value": {"type": ["number", "null"]}, "suppressed": {"type": "boolean"}},
    "additionalProperties": False,
}
SCHEMA_RATE = {
    "type": "object",
    "required": ["share", "ci_low", "ci_high"],
    "properties": {"share": SCHEMA_CELL, "ci_low": SCHEMA_CELL, "ci_high": SCHEMA_CELL},
}
SCHEMA_SIDE = {
    "type": "object",
    "required": ["instruments", "response_rates", "matched_change"],
    "properties": {
        "instruments": {"type": "array", "items": {"type": "string"}},
        "response_rates": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["time_point", "scheduled", "answered", "declined", "missed", "response_rate"],
                "properties": {
                    "scheduled": SCHEMA_CELL,
                    "answered": SCHEMA_CELL,
                    "declined": SCHEMA_CELL,
                    "missed": SCHEMA_CELL,
                    "response_rate": SCHEMA_RATE,
                    "attrition": SCHEMA_RATE,
                },
            },
        },
        "matched_change": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["before", "after", "subscales"],
                "properties": {
                    "subscales": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["subscale", "n", "mean_before", "mean_after", "mean_change", "ci_low"],
                            "properties": dict.fromkeys(("n", "mean_before", "mean_change", "ci_low"), SCHEMA_CELL),
                        },
                    }
                },
            },
        },
    },
}
SCHEMA = {
    "type": "object",
    "required": ["report", "programme", "period", "suppression_threshold", "men", "partners", "headline"],
    "properties": {
        "period": {
            "type": "object",
            "required": ["from", "to"],
            "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string"}},
        },
        "suppression_threshold": {"type": "integer", "minimum": 1},
        "men": SCHEMA_SIDE,
        "partners": SCHEMA_SIDE,
        "headline": {
            "type": "object",
            "required": ["no_physical_or_sexual_violence", "matched_change", "children_no_longer_exposed"],
        },
        "methodology": {"type": "array", "items": {"type": "string"}},
    },
}


def test_the_json_download_holds_the_same_numbers_and_validates(worlds: Worlds) -> None:
    response = signed_in_client(worlds.world.coordinator).get(reverse("outcomes:report_json"))
    document = json.loads(response.content)
    jsonschema.validate(document, SCHEMA)
    six_months = next(
        r for r in document["headline"]["no_physical_or_sexual_violence"] if r["time_point"] == "follow_up_6"
    )
    assert (six_months["count"]["value"], six_months["n"]["value"]) == (7, 13)
    entry = AuditEntry.objects.filter(action="outcomes.report_exported").latest("seq")
    assert json.loads(entry.detail)["format"] == "json"


def test_the_report_in_albanian_has_translated_time_points(big: OutcomeReport) -> None:
    with translation.override("sq"):
        label = str(TimePoint.FOLLOW_UP_6.label)
    assert label != str(TimePoint.FOLLOW_UP_6.label)
    assert label in render_document(big, language="sq")


# --- Canaries: nothing of hers but totals ---------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("which", ["big", "small"])
def test_her_name_and_her_words_never_appear_in_the_report(worlds: Worlds, which: str) -> None:
    report = build_report(getattr(worlds, which))
    outputs = {
        "html": render_document(report, language="en", standalone=True),
        "json": render_json(report, language="en").decode(),
        "pdf": _pdf_text(render_pdf(report, language="en")),
    }
    page = signed_in_client(worlds.world.coordinator).get(reverse("outcomes:report")).content.decode()
    outputs["page"] = page
    assert "Outcomes of the programme" in outputs["pdf"]
    for name, text in outputs.items():
        for canary in (CANARY_NAME, CANARY_NOTE, SMALL_NAME, "Kanarina"):
            assert canary not in text, f"{canary} in the {name}"
