"""Counting the indicators and the Article 16 compliance over published answers, in one pass.

Answers that give the same values to the questions the indicators and criteria read are
judged once: a round has thousands of answers but far fewer distinct combinations, and each
scope (the round, a country, a region) then only counts combinations. Pure: the answers and
places come in as rows (``tandem.mapping.queries.figures`` reads them)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tandem.core.suppression import too_few
from tandem.geo.models import Country
from tandem.mapping.models import SurveyRound
from tandem.mapping.rules.figures import (
    COUNTRY,
    DOES_NOT_MEET,
    MEETS,
    NOT_ANSWERED,
    REGION,
    RESPONSE_RATE,
    ROUND,
    ComplianceFigure,
    ComplianceResults,
    CriterionRow,
    IndicatorResults,
    IndicatorRow,
    Place,
    ProgrammeRow,
    Where,
    make_figure,
)
from tandem.mapping.rules.indicators import INDICATORS
from tandem.mapping.rules.standards import (
    ARTICLE_16,
    MET,
    NO_EVIDENCE,
    Assessment,
    Standard,
    shipped_standard,
)


class _Tally:
    """Numerators and denominators of every indicator and criterion over one scope, plus the
    compliance scores."""

    __slots__ = ("all_met", "criteria", "denominators", "numerators", "scored", "scores")

    def __init__(self, indicators: int, criteria: int) -> None:
        self.numerators = [0] * indicators
        self.denominators = [0] * indicators
        self.criteria = [[0, 0] for _criterion in range(criteria)]
        self.scored = 0
        self.scores = 0.0
        self.all_met = 0

    def counts(self, position: int) -> tuple[int, int]:
        return self.numerators[position], self.denominators[position]

    def add(self, outcomes: tuple[bool | None, ...], assessment: Assessment, times: int = 1) -> None:
        for position, outcome in enumerate(outcomes):
            if outcome is not None:
                self.denominators[position] += times
                if outcome:
                    self.numerators[position] += times
        for position, (_key, result) in enumerate(assessment.outcomes):
            if result != NO_EVIDENCE:
                self.criteria[position][1] += times
                if result == MET:
                    self.criteria[position][0] += times
        score = assessment.score
        if score is not None:
            self.scored += times
            self.scores += score * times
            if assessment.all_met:
                self.all_met += times


class _Judged:
    """The outcomes of distinct answers. Answers that give the same values to the questions
    the indicators and criteria read are judged once: a round has thousands of answers but far
    fewer distinct combinations, and each scope then only counts combinations."""

    def __init__(self, standard: Standard) -> None:
        self.standard = standard
        questions = [item.question for item in INDICATORS] + [c.evidence.question for c in standard.criteria]
        self.questions = tuple(dict.fromkeys(questions))
        self.index: dict[tuple[Any, ...], int] = {}
        self.judged: list[tuple[tuple[bool | None, ...], Assessment]] = []

    def of(self, values: Mapping[str, Any]) -> int:
        key = tuple(_hashable(values.get(question)) for question in self.questions)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.judged)
            self.judged.append((tuple(item.counts(values) for item in INDICATORS), self.standard.assess(values)))
        return found

    def tally(self, combinations: Counter[int]) -> _Tally:
        tally = _Tally(len(INDICATORS), len(self.standard.criteria))
        for combination, times in combinations.items():
            tally.add(*self.judged[combination], times=times)
        return tally


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    return value


@dataclass(frozen=True)
class AnswerRow:
    """One published answer as the tally reads it."""

    programme_id: int
    code: str
    name: str
    public: bool  # False: the programme asked not to appear in public
    country_code: str
    values: Mapping[str, Any]


def tally_indicators(
    *,
    survey_round: SurveyRound,
    country: Country | None,
    countries: Sequence[Place],
    regions: Mapping[str, Place],
    rows: Iterable[AnswerRow],
    programmes_asked: int,
    threshold: int,
    generated_at: datetime,
) -> IndicatorResults:
    """Every indicator and the Article 16 compliance over published answers: for the whole
    round (or the chosen country), each of ``countries``, each region of ``regions`` that an
    answering programme serves, and each programme."""
    standard = shipped_standard(ARTICLE_16)
    country_names = {place.code: place.name for place in countries}
    judged = _Judged(standard)
    in_round: Counter[int] = Counter()
    in_country: dict[str, Counter[int]] = {code: Counter() for code in country_names}
    in_region: dict[str, Counter[int]] = defaultdict(Counter)
    programme_rows: list[tuple[int, str, str, bool, str, int]] = []
    for row in rows:
        if row.country_code not in in_country or not isinstance(row.values, dict):
            continue
        combination = judged.of(row.values)
        in_round[combination] += 1
        in_country[row.country_code][combination] += 1
        # A programme that asked not to be published counts for its country and the round, not
        # per region: a region served by few programmes would show its answers one by one.
        served = (row.values.get("regions_served") or []) if row.public else []
        for region_code in dict.fromkeys(served if isinstance(served, list) else str(served).split()):
            if region_code in regions:
                in_region[region_code][combination] += 1
        programme_rows.append((row.programme_id, row.code, row.name, row.public, row.country_code, combination))

    overall = judged.tally(in_round)
    by_country = {code: judged.tally(combinations) for code, combinations in in_country.items()}
    by_region = {code: judged.tally(combinations) for code, combinations in in_region.items()}
    rank = {code: position for position, code in enumerate(country_names)}
    served_places = sorted(
        (regions[code] for code in by_region), key=lambda place: (rank.get(place.country_code, len(rank)), place.code)
    )
    whole = Where(ROUND, str(survey_round.pk), survey_round.name)
    country_scopes = [(Where(COUNTRY, code, name, code), by_country[code]) for code, name in country_names.items()]
    region_scopes = [
        (Where(REGION, place.code, place.name, place.country_code), by_region[place.code]) for place in served_places
    ]
    indicator_rows = tuple(
        IndicatorRow(
            indicator=item,
            overall=make_figure(item.key, whole, *overall.counts(position), threshold=threshold),
            countries=tuple(
                make_figure(item.key, where, *tally.counts(position), threshold=threshold)
                for where, tally in country_scopes
            ),
            regions=tuple(
                make_figure(item.key, where, *tally.counts(position), threshold=threshold)
                for where, tally in region_scopes
            ),
        )
        for position, item in enumerate(INDICATORS)
    )

    # Programmes by country in the results' order, then by name.
    country_rank = rank
    outcome_names = {True: MEETS, False: DOES_NOT_MEET, None: NOT_ANSWERED}
    named = [tuple(outcome_names[outcome] for outcome in outcomes) for outcomes, _assessment in judged.judged]
    programmes = tuple(
        ProgrammeRow(
            programme_id,
            code,
            name,
            country_code,
            country_names[country_code],
            public,
            named[combination],
            judged.judged[combination][1],
        )
        for programme_id, code, name, public, country_code, combination in sorted(
            programme_rows, key=lambda row: (country_rank[row[4]], row[2], row[1])
        )
    )

    def compliance(where: Where, tally: _Tally) -> ComplianceFigure:
        small = too_few(tally.scored, threshold)
        mean = tally.scores / tally.scored if tally.scored and not small else None
        all_met = make_figure(f"{standard.key}:all", where, tally.all_met, tally.scored, threshold=threshold)
        return ComplianceFigure(where.scope, where.code, where.name, tally.scored, mean, all_met, small, where.country)

    criteria_rows = tuple(
        CriterionRow(
            criterion=criterion,
            overall=make_figure(
                f"{standard.key}:{criterion.key}", whole, *overall.criteria[position], threshold=threshold
            ),
            countries=tuple(
                make_figure(f"{standard.key}:{criterion.key}", where, *tally.criteria[position], threshold=threshold)
                for where, tally in country_scopes
            ),
        )
        for position, criterion in enumerate(standard.criteria)
    )
    compliance_results = ComplianceResults(
        standard=standard,
        overall=compliance(whole, overall),
        countries=tuple(compliance(where, tally) for where, tally in country_scopes),
        criteria=criteria_rows,
    )

    return IndicatorResults(
        survey_round=survey_round,
        country=country,
        generated_at=generated_at,
        small_number=threshold,
        answers=len(programme_rows),
        programmes_asked=programmes_asked,
        response=make_figure(RESPONSE_RATE, whole, len(programme_rows), programmes_asked, threshold=threshold),
        countries=tuple(Place(code, name, code) for code, name in country_names.items()),
        regions=tuple(served_places),
        rows=tuple(indicator_rows),
        compliance=compliance_results,
        programmes=programmes,
    )
