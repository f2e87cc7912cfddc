"""Mapping indicators and Article 16 compliance, computed from published answers only."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tandem.geo.models import Country
from tandem.mapping.models import AnswerStatus, Programme, SurveyRound
from tandem.mapping.queries.figures import compute_indicators
from tandem.mapping.queries.rounds import latest_published_round
from tandem.mapping.rules.figures import DOES_NOT_MEET, MEETS, NOT_ANSWERED
from tandem.mapping.rules.indicators import INDICATORS, indicator
from tests import factories
from tests.factories import COMPLETE_VALUES

pytestmark = pytest.mark.django_db

PUBLISHED = AnswerStatus.PUBLISHED


def published(
    survey_round: SurveyRound, country: str = "AL", regions: list[str] | None = None, **values: Any
) -> Programme:
    """A programme of the registry with a published answer in the round (complete unless
    ``values`` change it; ``status`` is the programme's answer, not the answer's workflow)."""
    made = factories.programme(country=country, regions=regions or ["AL-11" if country == "AL" else "XK-D01"])
    factories.survey_answer(survey_round, made, status=PUBLISHED, programme_status=values.pop("status", None), **values)
    return made


@pytest.fixture
def survey_round() -> SurveyRound:
    return factories.survey_round(countries=["AL", "XK"])


# --- Each indicator counts what its definition says -----------------------------------------


@pytest.mark.parametrize(
    ("key", "meets", "does_not_meet"),
    [
        ("functioning", {"status": "functioning"}, {"status": "suspended"}),
        ("on_paper", {"status": "on_paper"}, {"status": "functioning"}),
        ("joint_planning", {"joint_planning": "joint_decisions"}, {"joint_planning": "information"}),
        ("survivors_informed", {"survivors_informed": "yes"}, {"survivors_informed": "no"}),
        ("partner_contact", {"partner_contact": "yes"}, {"partner_contact": "no"}),
        ("cofacilitation", {"cofacilitation": "always"}, {"cofacilitation": "sometimes"}),
        ("risk_assessment", {"risk_assessment": "standardised"}, {"risk_assessment": "structured"}),
        ("outcome_monitoring", {"outcome_monitoring": "standardised"}, {"outcome_monitoring": "own"}),
        ("supervision", {"supervision": "external"}, {"supervision": "occasional"}),
        ("supervision", {"supervision": "internal"}, {"supervision": "none"}),
        ("follow_up", {"follow_up": "yes"}, {"follow_up": "no"}),
        ("information_sharing", {"information_sharing": "yes"}, {"information_sharing": "no"}),
        ("state_funding", {"funding_sources": ["international", "state"]}, {"funding_sources": ["local"]}),
        ("funding_secure", {"funding_secure": "yes"}, {"funding_secure": "no"}),
        ("free_of_charge", {"cost": "free"}, {"cost": "sliding"}),
        ("disability_access", {"disability_access": "yes"}, {"disability_access": "no"}),
        ("national_standards", {"national_standards": "followed"}, {"national_standards": "no_standards"}),
    ],
)
def test_each_indicator_counts_what_its_definition_says(
    key: str, meets: dict[str, Any], does_not_meet: dict[str, Any]
) -> None:
    assert indicator(key).counts(meets) is True
    assert indicator(key).counts(does_not_meet) is False


def test_every_indicator_is_defined_once_with_its_texts_and_a_target() -> None:
    assert len({item.key for item in INDICATORS}) == len(INDICATORS)
    for item in INDICATORS:
        for text in (item.label, item.definition, item.numerator, item.denominator, item.recommendation):
            assert str(text).strip()
        assert 0 <= item.target <= 100


def test_a_question_left_unanswered_is_in_neither_numerator_nor_denominator(survey_round: SurveyRound) -> None:
    for _number in range(4):
        published(survey_round, partner_contact="yes")
    published(survey_round, partner_contact="no")
    published(survey_round, partner_contact=None)
    figure = compute_indicators(survey_round=survey_round).row("partner_contact").overall
    assert (figure.numerator, figure.denominator) == (4, 5)
    assert figure.percent == 80
    assert not indicator("partner_contact").applies({"partner_contact": None})


@pytest.mark.parametrize(
    "status", [AnswerStatus.DRAFT, AnswerStatus.SUBMITTED, AnswerStatus.RETURNED, AnswerStatus.ACCEPTED]
)
def test_unpublished_answers_are_never_counted(survey_round: SurveyRound, status: str) -> None:
    published(survey_round)
    factories.survey_answer(survey_round, factories.programme(), status=status, partner_contact="no")
    results = compute_indicators(survey_round=survey_round)
    assert results.answers == 1
    assert results.row("partner_contact").overall.denominator == 1
    assert len(results.programmes) == 1


def test_answers_of_another_round_are_not_counted(survey_round: SurveyRound) -> None:
    other = factories.survey_round(countries=["AL"])
    published(other)
    assert compute_indicators(survey_round=survey_round).answers == 0


# --- Small numbers --------------------------------------------------------------------------


def test_fewer_than_five_programmes_give_counts_and_a_caution_but_no_percent(survey_round: SurveyRound) -> None:
    for value in ("joint_decisions", "joint_decisions", "joint_decisions", "none"):
        published(survey_round, joint_planning=value)
    figure = compute_indicators(survey_round=survey_round).row("joint_planning").overall
    assert figure.percent is None
    assert figure.small
    assert (figure.numerator, figure.denominator) == (3, 4)
    assert figure.display() == "3 of 4 (few programmes: read with caution)"
    assert "%" not in figure.display()


def test_five_programmes_give_a_percentage(survey_round: SurveyRound) -> None:
    for value in ("joint_decisions", "joint_decisions", "joint_decisions", "none", "information"):
        published(survey_round, joint_planning=value)
    figure = compute_indicators(survey_round=survey_round).row("joint_planning").overall
    assert figure.percent == 60
    assert not figure.small
    assert figure.display() == "60\u00a0%"


def test_a_scope_without_answers_says_so(survey_round: SurveyRound) -> None:
    published(survey_round, country="AL")
    kosovo = compute_indicators(survey_round=survey_round).row("functioning").countries[1]
    assert (kosovo.scope_code, kosovo.scope_name) == ("XK", "Kosovo*")
    assert kosovo.denominator == 0
    assert kosovo.percent is None
    assert kosovo.display() == "no answers"


def test_the_threshold_can_be_lowered_by_the_installation_and_the_organisation_together(
    survey_round: SurveyRound, settings: Any
) -> None:
    settings.TANDEM_SMALL_NUMBER = 2
    survey_round.owner.suppression_threshold = 2
    survey_round.owner.save()
    published(survey_round)
    published(survey_round, partner_contact="no")
    results = compute_indicators(survey_round=survey_round)
    assert results.small_number == 2
    assert results.row("partner_contact").overall.percent == 50


# --- Scopes ---------------------------------------------------------------------------------


def test_figures_are_given_per_country_in_display_order(survey_round: SurveyRound) -> None:
    published(survey_round, country="AL", partner_contact="yes")
    published(survey_round, country="XK", partner_contact="no")
    row = compute_indicators(survey_round=survey_round).row("partner_contact")
    assert [(f.scope, f.scope_code, f.numerator, f.denominator) for f in row.countries] == [
        ("country", "AL", 1, 1),
        ("country", "XK", 0, 1),
    ]
    assert (row.overall.scope, row.overall.numerator, row.overall.denominator) == ("round", 1, 2)


def test_a_programme_counts_for_every_region_it_serves(survey_round: SurveyRound) -> None:
    published(survey_round, regions=["AL-10", "AL-11"], partner_contact="yes")
    published(survey_round, regions=["AL-11"], partner_contact="no")
    row = compute_indicators(survey_round=survey_round).row("partner_contact")
    assert [(f.scope_code, f.scope_name, f.numerator, f.denominator) for f in row.regions] == [
        ("AL-10", "Shkodër", 1, 1),
        ("AL-11", "Tiranë", 1, 2),
    ]
    assert row.overall.denominator == 2


def test_the_regions_served_are_those_of_the_answer_not_of_the_registry(survey_round: SurveyRound) -> None:
    made = factories.programme(regions=["AL-11"])
    factories.survey_answer(survey_round, made, status=PUBLISHED, regions_served=["AL-01"])
    results = compute_indicators(survey_round=survey_round)
    assert [place.code for place in results.regions] == ["AL-01"]


def test_each_programme_meets_does_not_meet_or_did_not_answer(survey_round: SurveyRound) -> None:
    meets = published(survey_round, partner_contact="yes")
    fails = published(survey_round, partner_contact="no")
    silent = published(survey_round, partner_contact=None)
    results = compute_indicators(survey_round=survey_round)
    position = [item.key for item in INDICATORS].index("partner_contact")
    outcomes = {row.code: row.figures[position] for row in results.programmes}
    assert outcomes[meets.code].outcome == MEETS
    assert outcomes[fails.code].outcome == DOES_NOT_MEET
    assert outcomes[silent.code].outcome == NOT_ANSWERED
    assert outcomes[silent.code].display() == "not answered"


def test_a_programme_hidden_from_the_public_is_marked_so(survey_round: SurveyRound) -> None:
    hidden = factories.programme(publish=False)
    factories.survey_answer(survey_round, hidden, status=PUBLISHED)
    (row,) = compute_indicators(survey_round=survey_round).programmes
    assert row.code == hidden.code
    assert not row.public


def test_one_country_limits_every_figure_to_it(survey_round: SurveyRound) -> None:
    published(survey_round, country="AL")
    published(survey_round, country="XK")
    results = compute_indicators(survey_round=survey_round, country=Country.objects.get(code="XK"))
    assert results.answers == 1
    assert [place.code for place in results.countries] == ["XK"]
    assert results.row("functioning").overall.denominator == 1


def test_the_response_rate_gives_answers_and_programmes_asked(survey_round: SurveyRound) -> None:
    published(survey_round)
    factories.programme(country="AL")
    factories.programme(country="XK", region="XK-D01")
    factories.programme(country="RS", region="RS-00")  # not a country of the round
    results = compute_indicators(survey_round=survey_round)
    assert (results.answers, results.programmes_asked) == (1, 3)
    assert (results.response.numerator, results.response.denominator) == (1, 3)


def test_indicators_below_their_target_are_listed_for_the_recommendations(survey_round: SurveyRound) -> None:
    for _number in range(5):
        published(survey_round, joint_planning="information")
    below = [row.key for row in compute_indicators(survey_round=survey_round).below_target()]
    assert below == ["joint_planning"]


def test_on_paper_misses_its_target_when_above_it(survey_round: SurveyRound) -> None:
    for status in ("on_paper", "functioning", "functioning", "functioning", "functioning"):
        published(survey_round, status=status)
    row = compute_indicators(survey_round=survey_round).row("on_paper")
    assert row.overall.percent == 20
    assert row.misses_target


def test_the_number_of_queries_does_not_grow_with_the_answers(
    survey_round: SurveyRound, django_assert_num_queries: Any
) -> None:
    for _number in range(3):
        published(survey_round)
    with django_assert_num_queries(4):
        compute_indicators(survey_round=survey_round)
    for _number in range(6):
        published(survey_round, country="XK")
    with django_assert_num_queries(4):
        compute_indicators(survey_round=survey_round)


# --- Article 16 compliance ------------------------------------------------------------------


def test_compliance_gives_the_mean_score_and_the_share_meeting_every_criterion(survey_round: SurveyRound) -> None:
    for _number in range(3):
        published(survey_round)  # 100
    published(survey_round, partner_contact="no", cofacilitation="never")  # 6 of 8: 75
    published(survey_round, supervision=None, partner_contact="no")  # 6 of 7
    compliance = compute_indicators(survey_round=survey_round).compliance
    assert compliance.overall.programmes == 5
    assert compliance.overall.mean_score == pytest.approx((300 + 75 + 100 * 6 / 7) / 5)
    assert (compliance.overall.all_met.numerator, compliance.overall.all_met.denominator) == (3, 5)
    assert compliance.overall.all_met.percent == 60


def test_compliance_over_few_programmes_has_no_mean(survey_round: SurveyRound) -> None:
    published(survey_round)
    published(survey_round, partner_contact="no")
    overall = compute_indicators(survey_round=survey_round).compliance.overall
    assert overall.small
    assert overall.mean_score is None
    assert overall.all_met.percent is None
    assert overall.display() == "2 programmes (few programmes: read with caution)"


def test_each_criterion_is_counted_among_answers_with_evidence(survey_round: SurveyRound) -> None:
    published(survey_round, groups_12m=0)
    published(survey_round, groups_12m=None)
    published(survey_round)
    compliance = compute_indicators(survey_round=survey_round).compliance
    functioning = next(row for row in compliance.criteria if row.criterion.key == "functioning")
    assert (functioning.overall.numerator, functioning.overall.denominator) == (1, 2)


def test_each_programme_carries_its_assessment(survey_round: SurveyRound) -> None:
    published(survey_round, risk_assessment="none")
    (row,) = compute_indicators(survey_round=survey_round).programmes
    assert row.assessment.outcome("risk_assessment") == "not_met"
    assert row.assessment.score == pytest.approx(100 * 7 / 8)


# --- The latest round -----------------------------------------------------------------------


def test_the_latest_round_is_the_last_opened_with_published_answers() -> None:
    older = factories.survey_round(opens_on=date(2025, 1, 1))
    newer_with_drafts = factories.survey_round(opens_on=date(2027, 1, 1))
    published(older)
    factories.survey_answer(newer_with_drafts, factories.programme())
    assert latest_published_round() == older


# --- The command ----------------------------------------------------------------------------


def run(*args: str, **options: Any) -> str:
    out = io.StringIO()
    call_command("mapping_indicators", *args, stdout=out, **options)
    return out.getvalue()


def test_the_command_prints_json_with_definitions_and_figures(survey_round: SurveyRound) -> None:
    for _number in range(5):
        published(survey_round)
    data = json.loads(run(round=survey_round.pk, country=None, format="json"))
    assert data["round"] == {"id": survey_round.pk, "name": survey_round.name}
    assert data["country"] is None
    assert data["small_number"] == 5
    assert (data["answers"], data["programmes_asked"]) == (5, 5)
    assert [item["key"] for item in data["indicators"]] == [item.key for item in INDICATORS]
    joint = next(item for item in data["indicators"] if item["key"] == "joint_planning")
    assert set(joint) >= {"label", "definition", "numerator", "denominator", "target", "recommendation", "figures"}
    assert joint["figures"][0] == {
        "scope": "round",
        "code": str(survey_round.pk),
        "name": survey_round.name,
        "country": "",
        "numerator": 5,
        "denominator": 5,
        "percent": 100.0,
        "small": False,
        "display": "100\u00a0%",
    }
    assert [figure["scope"] for figure in joint["figures"]] == ["round", "country", "country", "region"]
    assert data["compliance"]["standard"]["key"] == "istanbul-article-16"
    assert data["compliance"]["figures"][0]["mean_score"] == 100.0
    assert len(data["programmes"]) == 5
    assert data["programmes"][0]["indicators"]["joint_planning"] == "meets"
    assert data["programmes"][0]["compliance"]["criteria"]["victim_safety"] == "met"


def test_the_command_defaults_to_the_latest_round_with_published_answers(survey_round: SurveyRound) -> None:
    published(survey_round)
    assert json.loads(run())["round"]["id"] == survey_round.pk


def test_the_command_prints_csv_with_one_row_per_figure(survey_round: SurveyRound) -> None:
    published(survey_round, country="AL")
    rows = list(csv.reader(io.StringIO(run(round=survey_round.pk, country="AL", format="csv"))))
    assert rows[0] == [
        "indicator",
        "label",
        "scope",
        "code",
        "name",
        "country",
        "numerator",
        "denominator",
        "percent",
        "small",
        "display",
    ]
    assert rows[1][:3] == ["response_rate", "Response rate", "round"]
    partner = [row for row in rows if row[0] == "partner_contact"]
    # the round, Albania, Tirana, the programme
    assert [row[2] for row in partner] == ["round", "country", "region", "programme"]
    assert partner[0][6:11] == ["1", "1", "", "yes", "1 of 1 (few programmes: read with caution)"]
    assert {len(row) for row in rows} == {11}


def test_an_unknown_country_is_a_one_line_error(survey_round: SurveyRound) -> None:
    published(survey_round)
    with pytest.raises(CommandError, match=r"^--country ZZ: no such country") as raised:
        run(round=survey_round.pk, country="ZZ")
    assert "\n" not in str(raised.value)


def test_a_country_outside_the_round_is_a_one_line_error(survey_round: SurveyRound) -> None:
    with pytest.raises(CommandError, match=r"^--country RS: not a country of round"):
        run(round=survey_round.pk, country="RS")


def test_an_unknown_round_is_a_one_line_error() -> None:
    with pytest.raises(CommandError, match=r"^--round 9999: no such survey round"):
        run(round=9999)


def test_without_any_published_answer_the_command_asks_for_a_round(survey_round: SurveyRound) -> None:
    with pytest.raises(CommandError, match="No survey round has published answers yet"):
        run()


def test_the_complete_answer_meets_every_indicator_it_answers() -> None:
    for item in INDICATORS:
        assert item.counts(COMPLETE_VALUES) is (item.key != "on_paper"), item.key


def test_the_organisation_running_the_round_may_raise_the_small_number_threshold(survey_round: SurveyRound) -> None:
    survey_round.owner.suppression_threshold = 10
    survey_round.owner.save()
    for _number in range(6):
        published(survey_round)
    results = compute_indicators(survey_round=survey_round)
    assert results.small_number == 10
    assert results.row("partner_contact").overall.percent is None


def test_the_command_writes_the_export_to_the_audit_log(survey_round: SurveyRound) -> None:
    from tandem.core.models import AuditEntry

    published(survey_round)
    run(round=survey_round.pk, country=None, format="csv")
    entry = AuditEntry.objects.get(action="mapping.indicators_exported")
    assert json.loads(entry.detail) == {"country": None, "format": "csv", "round": survey_round.pk}


def test_a_programme_not_to_be_published_is_not_counted_per_region(survey_round: SurveyRound) -> None:
    hidden = published(survey_round, regions=["AL-10"], partner_contact="no")
    hidden.publish = False
    hidden.save()
    published(survey_round, regions=["AL-11"])
    results = compute_indicators(survey_round=survey_round)
    assert "AL-10" not in {figure.scope_code for figure in results.row("partner_contact").regions}
    assert results.row("partner_contact").overall.denominator == 2
