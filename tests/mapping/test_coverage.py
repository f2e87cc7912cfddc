"""Coverage: regions served by a functioning programme, the population without one, and the
distance to the nearest one."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tandem.geo.distance import haversine_km
from tandem.geo.models import Country, Region
from tandem.mapping.models import AnswerStatus, Programme, Status, SurveyAnswer, SurveyRound
from tandem.mapping.queries.figures import compute_coverage
from tandem.mapping.rules.coverage import REGISTRY, ROUND, CoverageResults, RegionCoverage
from tests import factories

pytestmark = pytest.mark.django_db


def answered(
    survey_round: SurveyRound,
    regions: list[str],
    *,
    country: str = "AL",
    answer_status: str = AnswerStatus.PUBLISHED,
    **values: Any,
) -> Programme:
    """A programme with an answer in the round saying it serves ``regions`` (and functions,
    unless ``values`` say otherwise)."""
    made = factories.programme(country=country, regions=regions)
    programme_status = values.pop("status", "functioning")
    factories.survey_answer(
        survey_round, made, status=answer_status, regions_served=regions, programme_status=programme_status, **values
    )
    return made


def region(results: CoverageResults, code: str) -> RegionCoverage:
    return next(row for row in results.regions if row.code == code)


def point(code: str) -> tuple[float, float]:
    found = Region.objects.get(code=code)
    return found.latitude, found.longitude


@pytest.fixture
def survey_round() -> SurveyRound:
    return factories.survey_round(countries=["AL", "XK"])


def test_a_region_a_functioning_programme_serves_is_served(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"])
    tirana = region(compute_coverage(survey_round=survey_round), "AL-11")
    assert tirana.served
    assert tirana.programmes == 1
    assert tirana.population_without == 0
    assert tirana.distance_km == 0


def test_an_unserved_region_gets_the_distance_to_the_nearest_programme(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"])  # no delivery location: counted at Tirana's point
    shkoder = region(compute_coverage(survey_round=survey_round), "AL-10")
    assert not shkoder.served
    assert shkoder.population_without == Region.objects.get(code="AL-10").population
    assert shkoder.distance_km is not None
    assert shkoder.distance_km == pytest.approx(haversine_km(*point("AL-11"), *point("AL-10")))
    assert 75 < shkoder.distance_km < 90
    assert shkoder.distance_display() == f"{round(shkoder.distance_km)} km"


def test_a_private_location_never_enters_a_distance(survey_round: SurveyRound) -> None:
    made = answered(survey_round, ["AL-11"])
    factories.location(made, "Lezhë", region="AL-08", latitude=41.7836, longitude=19.6436)
    factories.location(made, "Private", region="AL-11", latitude=42.05, longitude=19.5, publish=False)
    shkoder = region(compute_coverage(survey_round=survey_round), "AL-10")
    assert shkoder.distance_km == pytest.approx(haversine_km(*point("AL-10"), 41.7836, 19.6436))


def test_a_programme_not_to_be_published_counts_at_the_points_of_the_regions_it_serves(
    survey_round: SurveyRound,
) -> None:
    made = answered(survey_round, ["AL-11"])
    made.publish = False
    made.save()
    factories.location(made, "Secret", region="AL-11", latitude=42.05, longitude=19.5)
    shkoder = region(compute_coverage(survey_round=survey_round), "AL-10")
    assert shkoder.distance_km == pytest.approx(haversine_km(*point("AL-10"), *point("AL-11")))


def test_a_served_region_gets_its_true_distance_too(survey_round: SurveyRound) -> None:
    made = answered(survey_round, ["AL-11"])
    factories.location(made, "Durrës", region="AL-02", latitude=41.3235, longitude=19.4547)
    tirana = region(compute_coverage(survey_round=survey_round), "AL-11")
    assert tirana.served
    assert tirana.distance_km == pytest.approx(haversine_km(*point("AL-11"), *point("AL-02")))


def test_a_country_without_a_functioning_programme_has_no_distance(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"])
    answered(survey_round, ["XK-D01"], country="XK", status="on_paper")
    results = compute_coverage(survey_round=survey_round)
    pristina = region(results, "XK-D01")
    assert not pristina.served
    assert pristina.distance_km is None
    assert pristina.distance_display() == "no functioning programme in the country"
    kosovo = next(row for row in results.countries if row.code == "XK")
    assert not kosovo.has_programme
    assert kosovo.share_without == 100
    assert kosovo.regions_without == kosovo.regions == 7


def test_the_population_share_without_a_programme_is_per_country(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11", "AL-02"])
    albania = next(row for row in compute_coverage(survey_round=survey_round).countries if row.code == "AL")
    units = Region.objects.filter(country__code="AL", coverage_unit=True)
    total = sum(unit.population for unit in units)
    served = sum(unit.population for unit in units if unit.code in {"AL-11", "AL-02"})
    assert albania.population == total
    assert albania.population_without == total - served
    assert albania.share_without == pytest.approx(100 * (total - served) / total)
    assert (albania.regions, albania.regions_without, albania.programmes) == (12, 10, 1)


def test_unpublished_answers_do_not_serve_a_region(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"], answer_status=AnswerStatus.ACCEPTED)
    results = compute_coverage(survey_round=survey_round)
    assert not region(results, "AL-11").served
    assert region(results, "AL-11").distance_km is None


def test_a_programme_on_paper_does_not_serve_a_region(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"], status="on_paper")
    assert not region(compute_coverage(survey_round=survey_round), "AL-11").served


def test_a_programme_serves_only_regions_of_its_own_country(survey_round: SurveyRound) -> None:
    made = answered(survey_round, ["AL-07"])
    # Answers are refused such regions today; an answer stored before that rule may hold one.
    SurveyAnswer.objects.filter(programme=made).update(
        values={**factories.COMPLETE_VALUES, "programme": made.code, "regions_served": ["AL-07", "XK-D04"]}
    )
    results = compute_coverage(survey_round=survey_round)
    assert region(results, "AL-07").served
    assert not region(results, "XK-D04").served
    assert region(results, "XK-D04").distance_km is None


def test_without_a_round_coverage_comes_from_the_registry() -> None:
    factories.programme(country="AL", regions=["AL-11"])
    factories.programme(country="AL", regions=["AL-10"], status=Status.CLOSED)
    results = compute_coverage()
    assert results.source == REGISTRY
    assert {row.code for row in results.countries} == {"AL", "BA", "XK", "ME", "MK", "RS"}
    assert region(results, "AL-11").served
    assert not region(results, "AL-10").served


def test_a_programme_serving_a_grouping_region_serves_each_unit_in_it() -> None:
    factories.programme(country="BA", regions=["BA-BIH"])
    results = compute_coverage(country=Country.objects.get(code="BA"))
    cantons = [row for row in results.regions if row.code.startswith("BA-C")]
    assert len(cantons) == 10
    assert all(row.served for row in cantons)
    assert not region(results, "BA-SRP").served
    assert "BA-BIH" not in [row.code for row in results.regions]


def test_one_country_limits_the_results_to_it(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"])
    results = compute_coverage(survey_round=survey_round, country=Country.objects.get(code="AL"))
    assert results.source == ROUND
    assert [row.code for row in results.countries] == ["AL"]
    assert {row.country_code for row in results.regions} == {"AL"}


def test_the_number_of_queries_does_not_grow_with_the_answers(
    survey_round: SurveyRound, django_assert_num_queries: Any
) -> None:
    answered(survey_round, ["AL-11"])
    with django_assert_num_queries(4):
        compute_coverage(survey_round=survey_round)
    for code in ("AL-01", "AL-02", "XK-D01"):
        answered(survey_round, [code], country=code[:2])
    with django_assert_num_queries(4):
        compute_coverage(survey_round=survey_round)


# --- The command ----------------------------------------------------------------------------


def run(**options: Any) -> str:
    out = io.StringIO()
    call_command("mapping_coverage", stdout=out, **options)
    return out.getvalue()


def test_the_command_prints_json_with_regions_countries_and_total(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"])
    data = json.loads(run(round=survey_round.pk, country=None, format="json"))
    assert data["round"] == {"id": survey_round.pk, "name": survey_round.name}
    assert data["source"] == "round"
    assert data["country"] is None
    assert "great circle" in data["distance"]
    assert len(data["regions"]) == 12 + 7
    tirana = next(row for row in data["regions"] if row["code"] == "AL-11")
    assert set(tirana) == {
        "code",
        "name",
        "name_en",
        "country",
        "population",
        "served",
        "programmes",
        "population_without",
        "distance_km",
        "distance_display",
    }
    assert tirana["served"] is True
    assert [row["code"] for row in data["countries"]] == ["AL", "XK"]
    assert set(data["total"]) == {"population", "population_without", "share_without"}


def test_the_command_without_a_round_reads_the_registry() -> None:
    factories.programme(country="ME", regions=["ME-16"])
    data = json.loads(run(country="ME"))
    assert data["round"] is None
    assert data["source"] == "registry"
    assert data["country"] == {"code": "ME", "name": "Montenegro"}


def test_the_command_prints_csv_with_one_row_per_region(survey_round: SurveyRound) -> None:
    answered(survey_round, ["AL-11"])
    rows = list(csv.reader(io.StringIO(run(round=survey_round.pk, country="XK", format="csv"))))
    assert rows[0] == [
        "country",
        "code",
        "name",
        "name_en",
        "population",
        "served",
        "programmes",
        "population_without",
        "distance_km",
        "distance_display",
    ]
    assert len(rows) == 1 + 7
    assert rows[1][:2] == ["XK", "XK-D01"]
    assert rows[1][5:] == ["no", "0", rows[1][4], "", "no functioning programme in the country"]


def test_an_unknown_country_is_a_one_line_error() -> None:
    with pytest.raises(CommandError, match=r"^--country QQ: no such country"):
        run(country="QQ")


def test_an_unknown_round_is_a_one_line_error() -> None:
    with pytest.raises(CommandError, match=r"^--round 424242: no such survey round"):
        run(round=424242)


def test_the_command_writes_the_export_to_the_audit_log(survey_round: SurveyRound) -> None:
    from tandem.core.models import AuditEntry

    run(round=survey_round.pk, country=None, format="json")
    assert AuditEntry.objects.filter(action="mapping.coverage_exported", actor_label="command line").count() == 1
