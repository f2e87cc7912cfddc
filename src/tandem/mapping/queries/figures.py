"""What the figures of the mapping read: the published answers of a round (or the registry),
with their programmes, the regions they are counted in and the public locations coverage
measures distances from. The counting itself is pure (``rules.tally``, ``rules.coverage``)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from tandem.core.suppression import threshold_for
from tandem.geo.models import Country, Region
from tandem.mapping.models import DeliveryLocation, Programme, Status, SurveyRound
from tandem.mapping.queries.answers import published_answers
from tandem.mapping.rules.coverage import CoverageRegion, CoverageResults, Functioning, coverage_of
from tandem.mapping.rules.figures import IndicatorResults, Place
from tandem.mapping.rules.tally import AnswerRow, tally_indicators


def compute_indicators(
    *, survey_round: SurveyRound, country: Country | None = None, small_number: int | None = None
) -> IndicatorResults:
    """Every indicator and the Article 16 compliance over the published answers of a round
    (of one country of it, when given). The threshold of small numbers is that of the
    organisation running the round, unless ``small_number`` is given."""
    countries = [country] if country is not None else list(survey_round.countries.all())
    country_ids = [item.pk for item in countries]
    rows = published_answers(survey_round=survey_round, country=country).values_list(
        "programme_id", "programme__code", "programme__name", "programme__publish", "programme__country__code", "values"
    )
    regions = {
        code: Place(code, name, country_code)
        for code, name, country_code in Region.objects.filter(country__in=country_ids).values_list(
            "code", "name", "country__code"
        )
    }
    return tally_indicators(
        survey_round=survey_round,
        country=country,
        countries=[Place(item.code, item.display_name, item.code) for item in countries],
        regions=regions,
        rows=(AnswerRow(*row) for row in rows.iterator(chunk_size=2000)),
        programmes_asked=Programme.objects.filter(country__in=country_ids).count(),
        threshold=small_number if small_number is not None else threshold_for(survey_round.owner),
        generated_at=timezone.now(),
    )


def programmes_kept_from_public_view(codes: set[str]) -> set[str]:
    """Of these programme references, those whose provider asked not to be named in public."""
    return set(Programme.objects.filter(code__in=codes, publish=False).values_list("code", flat=True))


def compute_coverage(*, survey_round: SurveyRound | None = None, country: Country | None = None) -> CoverageResults:
    """Coverage of the round's countries from its published answers, or of every country from
    the registry when no round is given; of one country when ``country`` is given."""
    if country is not None:
        countries = [country]
    elif survey_round is not None:
        countries = list(survey_round.countries.all())
    else:
        countries = list(Country.objects.all())
    country_ids = [item.pk for item in countries]
    regions = [
        CoverageRegion(pk, code, parent, unit, name, name_en, population, (lat, lon), cc)
        for pk, code, parent, unit, name, name_en, population, lat, lon, cc in Region.objects.filter(
            country__in=country_ids
        )
        .order_by("code")
        .values_list(
            "pk",
            "code",
            "parent_id",
            "coverage_unit",
            "name",
            "name_en",
            "population",
            "latitude",
            "longitude",
            "country__code",
        )
    ]
    functioning = _functioning(survey_round, country, country_ids)
    # Private locations, and every location of a programme that is not published, never enter a
    # distance: distances from many regions to one point give that point away.
    public_points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    locations = DeliveryLocation.objects.filter(
        programme__country__in=country_ids, publish=True, programme__publish=True
    ).values_list("programme_id", "latitude", "longitude")
    for programme_id, latitude, longitude in locations:
        public_points[programme_id].append((latitude, longitude))
    return coverage_of(
        survey_round=survey_round,
        country=country,
        countries=countries,
        regions=regions,
        functioning=functioning,
        public_points=public_points,
        generated_at=timezone.now(),
    )


def _functioning(
    survey_round: SurveyRound | None, country: Country | None, country_ids: list[int]
) -> list[Functioning]:
    """The functioning programmes and the regions they serve: as their published answers say,
    or as the registry has them when no round is given."""
    if survey_round is not None:
        answers = published_answers(survey_round=survey_round, country=country).values_list(
            "programme_id", "programme__country__code", "values"
        )
        found = []
        for programme_id, country_code, values in answers.iterator(chunk_size=2000):
            if isinstance(values, dict) and values.get("status") == Status.FUNCTIONING:
                served = values.get("regions_served") or []
                codes = served if isinstance(served, list) else str(served).split()
                found.append(Functioning(programme_id, country_code, tuple(codes)))
        return found
    programmes = Programme.objects.filter(status=Status.FUNCTIONING, country__in=country_ids)
    served_by: dict[int, list[str]] = defaultdict(list)
    through = Programme.regions_served.through.objects.filter(programme__in=programmes)
    for programme_id, region_code in through.values_list("programme_id", "region__code"):
        served_by[programme_id].append(region_code)
    return [
        Functioning(programme_id, country_code, tuple(served_by[programme_id]))
        for programme_id, country_code in programmes.values_list("pk", "country__code")
    ]
