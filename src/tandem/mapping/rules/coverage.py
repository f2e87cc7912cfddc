"""Coverage: which regions a functioning programme serves, how many people live where none
does, and how far each region is from the nearest one.

Regions are the coverage units of the geography (``Region.coverage_unit``): units that tile a
country without overlap, so that their populations add up. A programme serving a grouping
region (an entity, a province) serves each coverage unit in it.

The source of "functioning" is either a survey round (its published answers that say
``status == "functioning"``, with the regions they say they serve) or, without a round, the
registry (``Programme.status`` and ``Programme.regions_served``).

Distances are straight lines (great circle, ``geo.distance``) from a region's representative
point to the nearest public delivery location of a functioning programme of the same country.
Private locations, and every location of a programme that is not published, are left out:
distances from many regions to one point give that point away by triangulation. Such a
programme, like one without a location, counts at the representative points of the regions it
serves, which say no more than "it serves this region". Every region gets its
true distance, served ones too; the distance is None when its country has no functioning
programme at all.

Public API::

    ROUND, REGISTRY                      # CoverageResults.source
    RegionCoverage(code, name, name_en, country_code, country_name, population, served,
                   programmes, distance_km, country_has_programme)
        .population_without  .distance_display()  .served_display()
    CountryCoverage(code, name, population, population_without, regions, regions_without, programmes)
        .share_without (percent or None)  .has_programme  .share_display()
    CoverageResults(survey_round, country, source, generated_at, regions, countries)
        .population  .population_without  .share_without  .regions_of(country_code)
    coverage_of(*, survey_round, country, countries, regions, functioning, public_points,
                generated_at) -> CoverageResults      # pure; queries.figures.compute_coverage reads

``regions`` and ``countries`` are in display order (countries by name, regions by code).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tandem.geo.distance import Point, nearest_km
from tandem.geo.models import Country
from tandem.mapping.models import SurveyRound
from tandem.reports.numbers import percent_text

ROUND, REGISTRY = "round", "registry"


@dataclass(frozen=True)
class RegionCoverage:
    code: str
    name: str
    name_en: str
    country_code: str
    country_name: str
    population: int
    served: bool
    programmes: int  # functioning programmes of the same country that serve it
    distance_km: float | None  # to the nearest functioning programme of the same country
    country_has_programme: bool

    @property
    def population_without(self) -> int:
        return 0 if self.served else self.population

    def distance_display(self) -> str:
        if self.distance_km is not None:
            return _("%(distance)s km") % {"distance": number_format(int(self.distance_km + 0.5), 0)}
        if not self.country_has_programme:
            return _("no functioning programme in the country")
        return _("distance unknown")

    def served_display(self) -> str:
        return _("served") if self.served else _("not served")

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "country": self.country_code,
            "population": self.population,
            "served": self.served,
            "programmes": self.programmes,
            "population_without": self.population_without,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "distance_display": self.distance_display(),
        }


@dataclass(frozen=True)
class CountryCoverage:
    code: str
    name: str
    population: int  # the sum of its coverage units, so that the share adds up
    population_without: int  # living in regions no functioning programme serves
    regions: int
    regions_without: int
    programmes: int  # functioning programmes

    @property
    def has_programme(self) -> bool:
        return self.programmes > 0

    @property
    def share_without(self) -> float | None:
        return 100.0 * self.population_without / self.population if self.population else None

    def share_display(self) -> str:
        share = self.share_without
        return percent_text(share) if share is not None else "–"

    def as_dict(self) -> dict[str, Any]:
        share = self.share_without
        return {
            "code": self.code,
            "name": self.name,
            "population": self.population,
            "population_without": self.population_without,
            "share_without": None if share is None else round(share, 1),
            "share_display": self.share_display(),
            "regions": self.regions,
            "regions_without": self.regions_without,
            "programmes": self.programmes,
        }


@dataclass(frozen=True)
class CoverageResults:
    survey_round: SurveyRound | None
    country: Country | None
    source: str  # ROUND or REGISTRY
    generated_at: datetime
    regions: tuple[RegionCoverage, ...]
    countries: tuple[CountryCoverage, ...]

    @property
    def population(self) -> int:
        return sum(country.population for country in self.countries)

    @property
    def population_without(self) -> int:
        return sum(country.population_without for country in self.countries)

    @property
    def share_without(self) -> float | None:
        population = self.population
        return 100.0 * self.population_without / population if population else None

    def regions_of(self, country_code: str) -> list[RegionCoverage]:
        return [region for region in self.regions if region.country_code == country_code]


@dataclass(frozen=True)
class CoverageRegion:
    id: int
    code: str
    parent_id: int | None
    coverage_unit: bool
    name: str
    name_en: str
    population: int
    point: Point
    country_code: str


@dataclass(frozen=True)
class Functioning:
    """A functioning programme as coverage sees it: its country and the regions it serves."""

    programme_id: int
    country_code: str
    serves: tuple[str, ...]


def coverage_of(
    *,
    survey_round: SurveyRound | None,
    country: Country | None,
    countries: Sequence[Country],
    regions: Sequence[CoverageRegion],
    functioning: Sequence[Functioning],
    public_points: Mapping[int, Sequence[Point]],
    generated_at: datetime,
) -> CoverageResults:
    """Coverage of ``countries``: which coverage unit a functioning programme of the same
    country serves, the population without one, and the distance from each unit to the nearest
    public location (or, for a programme without one, the points of the regions it serves)."""
    units_of = _coverage_units(regions)
    by_code = {region.code: region for region in regions}
    serving: dict[str, int] = defaultdict(int)  # coverage unit code -> programmes serving it
    points: dict[str, set[Point]] = defaultdict(set)  # country code -> points of its programmes
    programmes_in: dict[str, int] = defaultdict(int)
    for programme in functioning:
        programmes_in[programme.country_code] += 1
        located = public_points.get(programme.programme_id, ())
        points[programme.country_code].update(located)
        # Programmes are bound to their country's legal system, courts, referral routes and
        # languages: a man cannot be sent to a programme across a border, so a region counts as
        # served, and distances are measured, only by programmes of its own country.
        units = {
            unit
            for code in programme.serves
            for unit in units_of.get(code, ())
            if by_code[unit].country_code == programme.country_code
        }
        for unit in units:
            serving[unit] += 1
            if not located:
                points[programme.country_code].add(by_code[unit].point)

    names = {item.code: item.display_name for item in countries}
    region_rows: list[RegionCoverage] = []
    for region in regions:
        if not region.coverage_unit:
            continue
        country_points = points.get(region.country_code, set())
        region_rows.append(
            RegionCoverage(
                code=region.code,
                name=region.name,
                name_en=region.name_en,
                country_code=region.country_code,
                country_name=names[region.country_code],
                population=region.population,
                served=serving.get(region.code, 0) > 0,
                programmes=serving.get(region.code, 0),
                distance_km=nearest_km(region.point, country_points),
                country_has_programme=programmes_in.get(region.country_code, 0) > 0,
            )
        )
    rank = {item.code: position for position, item in enumerate(countries)}
    region_rows.sort(key=lambda row: (rank[row.country_code], row.code))
    country_rows = tuple(_country_row(item.code, names[item.code], region_rows, programmes_in) for item in countries)
    return CoverageResults(
        survey_round=survey_round,
        country=country,
        source=ROUND if survey_round is not None else REGISTRY,
        generated_at=generated_at,
        regions=tuple(region_rows),
        countries=country_rows,
    )


def _country_row(
    code: str, name: str, regions: Iterable[RegionCoverage], programmes: Mapping[str, int]
) -> CountryCoverage:
    own = [region for region in regions if region.country_code == code]
    without = [region for region in own if not region.served]
    return CountryCoverage(
        code=code,
        name=name,
        population=sum(region.population for region in own),
        population_without=sum(region.population for region in without),
        regions=len(own),
        regions_without=len(without),
        programmes=programmes.get(code, 0),
    )


def _coverage_units(regions: Sequence[CoverageRegion]) -> dict[str, tuple[str, ...]]:
    """For every region code, the coverage units it stands for: itself when it is one, the
    units below it for a grouping region (an entity, a province), or the unit above it for a
    region smaller than a unit."""
    by_id = {region.id: region for region in regions}
    children: dict[int, list[CoverageRegion]] = defaultdict(list)
    for region in regions:
        if region.parent_id is not None:
            children[region.parent_id].append(region)

    def below(region: CoverageRegion) -> list[str]:
        found = []
        for child in children.get(region.id, []):
            found.extend([child.code] if child.coverage_unit else below(child))
        return found

    units: dict[str, tuple[str, ...]] = {}
    for region in regions:
        if region.coverage_unit:
            units[region.code] = (region.code,)
            continue
        found = below(region)
        if not found:
            parent = by_id.get(region.parent_id) if region.parent_id is not None else None
            while parent is not None and not parent.coverage_unit:
                parent = by_id.get(parent.parent_id) if parent.parent_id is not None else None
            found = [parent.code] if parent is not None else []
        units[region.code] = tuple(found)
    return units
