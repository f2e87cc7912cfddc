"""No person's answer found by subtracting one figure of the outcome report from another: two
aggregates of the same scores over groups of people that differ by fewer than the threshold are
never both shown (``tandem.outcomes.report.apart_enough`` and ``settle_changes``)."""

from __future__ import annotations

import io
import itertools
import json
import random
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from tandem.cases.models import Case
from tandem.core.models import Organisation
from tandem.core.roles import OrganisationKind, Role
from tandem.core.suppression import threshold_for
from tandem.outcomes.models import CasePoint, TimePoint
from tandem.outcomes.report import (
    OutcomeReport,
    Period,
    Published,
    ScoreClasses,
    apart_enough,
    build_report,
    group_of,
    parts_of,
)
from tandem.outcomes.report_render import render_document, render_json, render_pdf
from tandem.outcomes.rules.instruments import ANY, MAN, PARTNER, current_instrument
from tests import factories
from tests.conftest import World
from tests.outcomes.report_worlds import began, closed, hers, his, pair

T = 5  # the threshold of these unit tests' own figures


def people(*numbers: int) -> int:
    return group_of(numbers)


# --- The rule, pure -------------------------------------------------------------------------------


def test_nested_groups_one_person_apart_cannot_both_be_shown() -> None:
    assert not apart_enough([people(*range(12)), people(*range(11))], T)


def test_nested_groups_the_threshold_apart_can_both_be_shown() -> None:
    assert apart_enough([people(*range(12)), people(*range(7))], T)


def test_the_same_group_twice_only_repeats_a_figure() -> None:
    assert apart_enough([people(*range(6)), people(*range(6))], T)


def test_groups_that_add_up_to_one_person_fail_though_each_pair_is_far_apart() -> None:
    first, second = people(*range(5)), people(*range(5, 10))
    whole = first | second | people(99)
    assert apart_enough([whole, first], T) and apart_enough([whole, second], T)
    assert not apart_enough([whole, first, second], T)


def test_the_parts_of_groups_are_the_people_in_exactly_the_same_of_them() -> None:
    rng = random.Random(12)
    for _ in range(200):
        members = [set(rng.sample(range(60), rng.randrange(0, 40))) for _ in range(rng.randrange(1, 6))]
        by_combination: dict[tuple[bool, ...], set[int]] = {}
        for person in set().union(*members):
            by_combination.setdefault(tuple(person in group for group in members), set()).add(person)
        expected = sorted(group_of(part) for part in by_combination.values())
        assert sorted(parts_of([group_of(group) for group in members])) == expected


def test_a_part_of_enough_people_who_all_answered_alike_cannot_be_set_apart() -> None:
    # Of ten partners five reported violence; five more came, and all five reported it: the
    # figure over fifteen beside the one over ten would tell each of the five's answer.
    scores = {("start", "physical"): {n: float(n % 2 or n >= 10) for n in range(15)}}
    published = Published(T, classes=ScoreClasses(scores))
    published.publish([(("physical", "start"), people(*range(10)))])
    assert not published.allows([(("physical", "start"), people(*range(15)))])


def test_a_part_of_enough_people_who_answered_differently_can_be_set_apart() -> None:
    scores = {("start", "physical"): {n: float(n % 2) for n in range(15)}}
    published = Published(T, classes=ScoreClasses(scores))
    published.publish([(("physical", "start"), people(*range(10)))])
    assert published.allows([(("physical", "start"), people(*range(15)))])


def test_one_figure_alone_is_left_to_its_own_rules_about_all_alike() -> None:
    scores = {("start", "sexual"): dict.fromkeys(range(12), 0.0)}
    published = Published(T, classes=ScoreClasses(scores))
    assert published.allows([(("sexual", "start"), people(*range(12)))])


def test_a_change_without_its_means_is_shown_when_nothing_else_counts_its_people() -> None:
    published = Published(T)
    published.publish([(("fear", "start"), people(*range(7))), (("fear", "end"), people(*range(7)))])
    assert published.allows_difference(("fear", "start"), ("fear", "follow_up_6"), people(*range(6)))


def test_a_change_is_refused_when_a_figure_over_the_same_people_turns_it_into_a_mean() -> None:
    published = Published(T)
    published.publish([(("physical", "start"), people(*range(7))), (("physical", "follow_up_6"), people(*range(6)))])
    # Her share without violence six months after counts these six: with the change it would give
    # their start, and the start of seven less that of six is the seventh's.
    assert not published.allows_difference(("physical", "start"), ("physical", "follow_up_6"), people(*range(6)))


# --- The report -----------------------------------------------------------------------------------


@dataclass
class Worlds:
    threshold: int
    nested: Organisation  # threshold + 2 at the start and the end, threshold + 1 of them six months after
    apart: Organisation  # twice the threshold at the start and the end, the threshold of them six months after


def _provider(name: str) -> Organisation:
    provider = factories.organisation(name=name, kind=OrganisationKind.PROGRAMME_PROVIDER)
    for role in (Role.COORDINATOR, Role.SURVIVOR_WORKER, Role.FACILITATOR):
        factories.member(provider, role)
    return provider


def _nested(provider: Organisation, threshold: int) -> None:
    """His awareness at the start: 1 for the first man, 2 for the next ones, 4 for the last, who
    alone declines six months after. At the start of the six-month comparison it is 11/6 (with 5),
    at the start of the end comparison 15/7: seven times the one less six times the other is his.
    At the end it is 4 for the first man and 3 for the others. Her fear differs from partner to
    partner at every point, so that only the nesting hides her means."""
    for i in range(threshold + 2):
        found = pair(provider, name=f"Nested partner {i}")
        last = i == threshold + 1
        his(found, "start", awareness=4 if last else 1 if i == 0 else 2)
        his(found, "end", awareness=4 if i == 0 else 3)
        hers(found, "start", physical=1, fear=4 if last else 3 - i % 2, children_exposure=2)
        hers(found, "end", fear=2 - i % 2, children_exposure=1)
        if last:
            closed(found, "follow_up_6", her=False)
            closed(found, "follow_up_6", her=True)
        else:
            his(found, "follow_up_6", awareness=4 if i == 0 else 3)
            hers(found, "follow_up_6", fear=1 if i < 3 else 2)


def _apart_answers(respondent: str, point: str, i: int, threshold: int) -> dict[str, int | None]:
    """The answers of the ``i``-th person of the apart world at ``point``, differing from person to
    person on every sub-scale, in every change and on both sides of every yes-or-no figure. Whether
    violence happened is not asked six months after: a yes-or-no figure over the threshold of
    people would have one side of fewer."""
    found: dict[str, int | None] = {}
    for subscale in current_instrument(respondent).subscales:
        if subscale.score == ANY:
            found[subscale.key] = {"start": int(i < threshold), "end": int(i % 2 == 0)}.get(point)
        else:
            found[subscale.key] = {"start": 1 + i % 2, "end": 3 if i % 3 == 0 else 2, "follow_up_6": i % 3}[point]
    return found


def _apart(provider: Organisation, threshold: int) -> None:
    for i in range(2 * threshold):
        found = pair(provider, name=f"Apart partner {i}")
        points = ("start", "end", "follow_up_6") if i < threshold else ("start", "end")
        for point in points:
            his(found, point, **_apart_answers(MAN, point, i, threshold))
            hers(found, point, **_apart_answers(PARTNER, point, i, threshold))


@pytest.fixture(scope="module")
def module_worlds(module_world: World) -> Worlds:
    nested, apart = _provider("Provider N"), _provider("Provider A")
    threshold = threshold_for(nested)
    _nested(nested, threshold)
    _apart(apart, threshold)
    return Worlds(threshold, nested, apart)


@pytest.fixture
def worlds(module_worlds: Worlds, world: World) -> Worlds:
    return module_worlds


@pytest.fixture
def nested(worlds: Worlds) -> OutcomeReport:
    return build_report(worlds.nested)


def _change(report: OutcomeReport, side: str, after: str, subscale: str) -> Any:
    comparison = next(c for c in getattr(report, side).comparisons if c.after == after)
    return next(row for row in comparison.rows if row.subscale == subscale)


def test_the_smaller_of_two_nested_comparisons_hides_its_means(worlds: Worlds, nested: OutcomeReport) -> None:
    awareness = _change(nested, "his", "follow_up_6", "awareness")
    assert awareness.mean_before.suppressed and not awareness.mean_before.small
    assert awareness.mean_after.suppressed


def test_the_smaller_of_two_nested_comparisons_keeps_its_people_and_its_change(
    worlds: Worlds, nested: OutcomeReport
) -> None:
    awareness = _change(nested, "his", "follow_up_6", "awareness")
    t = worlds.threshold
    assert awareness.n.value == t + 1
    assert awareness.change.value == pytest.approx((3 + t) / (t + 1))
    assert awareness.ci_low.value is not None and awareness.ci_high.value is not None


def test_the_larger_of_two_nested_comparisons_shows_everything(worlds: Worlds, nested: OutcomeReport) -> None:
    awareness = _change(nested, "his", "end", "awareness")
    t = worlds.threshold
    assert awareness.n.value == t + 2
    assert awareness.mean_before.value == pytest.approx((1 + 2 * t + 4) / (t + 2))
    assert awareness.mean_after.value == pytest.approx((4 + 3 * (t + 1)) / (t + 2))


def _start_sums(document: dict[str, Any], respondent: str) -> dict[str, list[tuple[int, float]]]:
    """Every (n, sum of the start scores) the JSON gives, per sub-scale: from a mean before, or
    from a mean after less its change."""
    found: dict[str, list[tuple[int, float]]] = {}
    for comparison in document[respondent]["matched_change"]:
        for row in comparison["subscales"]:
            n = row["n"]["value"]
            if row["n"]["suppressed"] or not n:
                continue
            before, after, change = (row[key]["value"] for key in ("mean_before", "mean_after", "mean_change"))
            if before is None and after is not None and change is not None:
                before = after - change
            if before is not None:
                found.setdefault(row["subscale"], []).append((n, n * before))
    return found


def test_no_two_start_sums_in_the_json_are_fewer_than_the_threshold_apart(
    worlds: Worlds, nested: OutcomeReport
) -> None:
    document = json.loads(render_json(nested, language="en"))
    for respondent in ("men", "partners"):
        for subscale, sums in _start_sums(document, respondent).items():
            sizes = sorted({n for n, _sum in sums})
            gaps = [b - a for a, b in itertools.pairwise(sizes)]
            assert all(gap >= worlds.threshold for gap in gaps), (respondent, subscale, sizes)


def test_the_last_mans_start_cannot_be_worked_out_from_the_json(nested: OutcomeReport) -> None:
    document = json.loads(render_json(nested, language="en"))
    sums = _start_sums(document, "men")["awareness"]
    # His start awareness is 4: no difference of two published start sums gives it.
    differences = {round(a - b, 6) for _n, a in sums for _m, b in sums}
    assert 4.0 not in differences


def test_her_headline_change_follows_the_rule_of_her_table(nested: OutcomeReport) -> None:
    six_months = next(c for c in nested.headline.changes if c.after == "follow_up_6")
    fear = next(row for row in six_months.rows if row.subscale == "fear")
    assert fear == _change(nested, "hers", "follow_up_6", "fear")
    assert fear.mean_before.suppressed and not fear.change.suppressed


def test_of_two_children_rows_over_nested_partners_the_smaller_is_hidden_whole(nested: OutcomeReport) -> None:
    rows = {row.point: row for row in nested.headline.children_no_longer_exposed}
    assert rows["end"].n.value is not None and not rows["end"].n.suppressed
    six_months = rows["follow_up_6"]
    assert six_months.n.suppressed and six_months.count.suppressed and six_months.rate.suppressed


def test_a_violence_change_is_hidden_when_the_headline_share_counts_the_same_partners(
    nested: OutcomeReport,
) -> None:
    # Her share without violence six months after counts the same partners as this comparison:
    # its count and the change would give their start, which the start of all gives away.
    physical = _change(nested, "hers", "follow_up_6", "physical")
    assert physical.n.value is not None
    assert all(cell.suppressed for cell in (physical.mean_before, physical.mean_after, physical.change))


def test_groups_apart_by_the_threshold_show_everything(worlds: Worlds) -> None:
    report = build_report(worlds.apart)
    rows = [row for side in (report.his, report.hers) for c in side.comparisons for row in c.rows if row.n.value]
    assert {row.n.value for row in rows} == {worlds.threshold, 2 * worlds.threshold}
    for row in rows:
        cells = (row.mean_before, row.mean_after, row.change, row.ci_low, row.ci_high)
        assert not any(cell.suppressed for cell in cells), row.subscale


# --- Across reports: another period, or another day --------------------------------------------


def _her_fear_at_the_end(report: OutcomeReport) -> Any:
    return _change(report, "hers", "end", "fear")


def test_the_same_report_again_shows_the_same_figures(worlds: Worlds) -> None:
    first, second = build_report(worlds.apart), build_report(worlds.apart)
    assert first.as_json() | {"generated_at": None} == second.as_json() | {"generated_at": None}


def test_one_more_partner_since_the_last_report_hides_the_means_it_showed(worlds: Worlds) -> None:
    before = _her_fear_at_the_end(build_report(worlds.apart))
    assert not before.mean_before.suppressed
    late = pair(worlds.apart, name="Late partner")
    for point, fear in (("start", 4), ("end", 0)):
        his(late, point, **_apart_answers(MAN, point, 0, worlds.threshold))
        hers(late, point, **{**_apart_answers(PARTNER, point, 0, worlds.threshold), "fear": fear})
    after = _her_fear_at_the_end(build_report(worlds.apart))
    # Her start would be the new sum less the sum shown before: the means are not shown again.
    assert after.n.value == before.n.value + 1
    assert after.mean_before.suppressed and after.mean_after.suppressed


def test_a_report_over_the_months_before_one_partner_began_cannot_be_set_against_the_whole(worlds: Worlds) -> None:
    t = worlds.threshold
    whole = _her_fear_at_the_end(build_report(worlds.apart))
    # The same people less the one whose case began last (here: in a month of her own).
    last = Case.objects.filter(organisation=worlds.apart).order_by("-pk").first()
    assert last is not None
    CasePoint._base_manager.filter(case=last, point=TimePoint.START).update(opens_on=began() + timedelta(days=40))
    earlier = build_report(worlds.apart, Period(began() - timedelta(days=400), began() + timedelta(days=10)))
    fewer = _her_fear_at_the_end(earlier)
    assert (whole.n.value, fewer.n.value) == (2 * t, 2 * t - 1)
    assert fewer.mean_before.suppressed and fewer.mean_after.suppressed


def test_figures_far_enough_apart_are_shown_in_both_reports(worlds: Worlds) -> None:
    shown = [_her_fear_at_the_end(build_report(worlds.apart)) for _ in range(2)]
    assert [row.mean_before.suppressed for row in shown] == [False, False]


# --- The page, the PDF and the JSON agree ---------------------------------------------------------


def _awareness_row(html: str, after: str) -> list[str]:
    """The figures of his awareness row in the men's table from the start to ``after``."""
    men = html.split('id="outcomes-change-his"', 1)[1]
    caption = f"Matched change from {TimePoint.START.label} to {TimePoint(after).label}"
    table = men.split(caption, 1)[1].split("</table>", 1)[0]
    row = table.split("Awareness of himself", 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="number">(.*?)</td>', row)


def test_the_page_shows_the_hidden_means_as_not_shown_and_the_change(nested: OutcomeReport) -> None:
    document = json.loads(render_json(nested, language="en"))
    six_months = next(c for c in document["men"]["matched_change"] if c["after"] == "follow_up_6")
    awareness = next(row for row in six_months["subscales"] if row["subscale"] == "awareness")
    assert awareness["mean_before"] == awareness["mean_after"] == {"value": None, "suppressed": True}
    n, before, after, change = _awareness_row(render_document(nested, language="en"), "follow_up_6")
    assert (before, after) == ("not shown", "not shown")
    assert int(n) == awareness["n"]["value"]
    assert float(change) == pytest.approx(awareness["mean_change"]["value"], abs=0.005)


def test_the_hidden_means_are_nowhere_in_the_page_or_the_pdf(worlds: Worlds, nested: OutcomeReport) -> None:
    t = worlds.threshold
    hidden = [f"{(1 + 2 * t) / (t + 1):.2f}", f"{(4 + 3 * t) / (t + 1):.2f}"]
    shown = f"{(1 + 2 * t + 4) / (t + 2):.2f}"
    html = render_document(nested, language="en")
    pages = PdfReader(io.BytesIO(render_pdf(nested, language="en"))).pages
    pdf = "\n".join(page.extract_text() or "" for page in pages)
    for text in (html, pdf):
        assert shown in text
        assert not any(value in text for value in hidden), hidden
