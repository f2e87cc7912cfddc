"""What the mapping report reads: the figures of a round (indicators and coverage), the facts
of its published answers, the previous round for comparison, the public locations for the map,
and the registry's status of today for comparison with what the answers say."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.utils import timezone

from tandem.geo.models import Country, Region
from tandem.mapping.models import DeliveryLocation, Programme, Status, SurveyRound
from tandem.mapping.queries.answers import published_answers
from tandem.mapping.queries.figures import compute_coverage, compute_indicators
from tandem.mapping.queries.rounds import previous_round
from tandem.mapping.rules.coverage import CoverageResults
from tandem.mapping.rules.questionnaire import definition_of
from tandem.mapping.rules.report import (
    Location,
    Report,
    comparison_of,
    facts_of,
    finding_of,
    programme_lists,
    recommendations_of,
    within_target,
)


def build_report(*, survey_round: SurveyRound, country: Country | None = None) -> Report:
    """The report of a round's published answers, for all its countries or for one of them."""
    countries = tuple(survey_round.countries.all())
    if country is not None:
        if country.code not in {item.code for item in countries}:
            raise ValueError(f"{country.code} is not a country of round {survey_round.pk}.")
        countries = (country,)
    codes = [item.code for item in countries]
    results = compute_indicators(survey_round=survey_round, country=country)
    coverage = compute_coverage(survey_round=survey_round, country=country)
    earlier = previous_round(survey_round, country)
    previous = None
    if earlier is not None:
        values = published_answers(survey_round=earlier, country=country).values_list("values", flat=True)
        previous = comparison_of(earlier, values.iterator(chunk_size=2000), threshold=results.small_number)
    rows = published_answers(survey_round=survey_round, country=country).values_list(
        "programme_id", "programme__country__code", "values"
    )
    facts, overall_facts, functioning = facts_of(rows.iterator(chunk_size=2000), codes)
    findings = tuple(finding_of(row) for row in results.rows)
    questionnaire = survey_round.questionnaire
    return Report(
        survey_round=survey_round,
        country=country,
        countries=countries,
        generated_at=timezone.now(),
        indicators=results,
        coverage=coverage,
        previous=previous,
        questionnaire_title=definition_of(questionnaire.definition).title,
        questionnaire_version=questionnaire.version,
        asked=_programmes_per_country(codes),
        registry_functioning=_programmes_per_country(codes, status=Status.FUNCTIONING),
        facts=facts,
        overall_facts=overall_facts,
        findings=findings,
        recommendations=recommendations_of(findings, coverage),
        within_target=within_target(findings, codes),
        programme_lists=programme_lists(results, codes),
        locations=_locations(survey_round, country, functioning),
        region_points=_region_points(coverage),
    )


def _programmes_per_country(codes: Sequence[str], *, status: str | None = None) -> dict[str, int]:
    """Programmes of the registry per country (with this status today, when given)."""
    programmes = Programme.objects.filter(country__code__in=codes)
    if status is not None:
        programmes = programmes.filter(status=status)
    counts = dict.fromkeys(codes, 0)
    for code, count in programmes.values_list("country__code").annotate(count=Count("pk")):
        counts[code] = count
    return counts


def _locations(survey_round: SurveyRound, country: Country | None, functioning: set[int]) -> tuple[Location, ...]:
    """Public locations of public programmes whose published answer says they are functioning."""
    if not functioning:
        return ()
    answering = published_answers(survey_round=survey_round, country=country).values("programme_id")
    rows = (
        DeliveryLocation.objects.filter(publish=True, programme__publish=True, programme_id__in=answering)
        .order_by("programme__code", "town", "pk")
        .values_list("programme_id", "latitude", "longitude", "programme__code", "programme__name", "town")
    )
    return tuple(
        Location(latitude, longitude, code, name, town)
        for programme_id, latitude, longitude, code, name, town in rows
        if programme_id in functioning
    )


def _region_points(coverage: CoverageResults) -> dict[str, tuple[float, float]]:
    codes = [region.code for region in coverage.regions if not region.served]
    if not codes:
        return {}
    return {
        code: (latitude, longitude)
        for code, latitude, longitude in Region.objects.filter(code__in=codes).values_list(
            "code", "latitude", "longitude"
        )
    }
