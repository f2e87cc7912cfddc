"""Mapping indicators: what share of programmes do what Article 16 of the Istanbul Convention
and good practice ask, computed from the published answers of a survey round.

Each indicator is defined once, here, with its plain-language definition, what it counts
(numerator) and among which programmes (denominator). A programme that left the question
unanswered is in neither. Figures are given for the whole round, per country, per region (a
programme counts for every region it serves) and per programme (meets / does not meet / not
answered).

Small numbers: a share computed over fewer than ``SMALL_NUMBER`` programmes is never shown as
a bare percentage. Such a figure has ``percent = None`` and ``small = True``, and ``display()``
gives its counts with a caution ("3 of 4 (few programmes: read with caution)").

Only published answers are read (``queries.published_answers``), in one query, and every
figure is aggregated in one pass in Python.

Public API::

    SMALL_NUMBER                       # default threshold; settings.TANDEM_SMALL_NUMBER overrides it
    small_number_threshold() -> int    # the threshold in force
    percent_text(percent) -> str       # "62 %", rounded half up, in the active language's format
    MEETS, DOES_NOT_MEET, NOT_ANSWERED # outcome of one programme (Figure.outcome, scope "programme")
    ROUND, COUNTRY, REGION, PROGRAMME  # the scopes of a Figure

    Indicator(key, label, definition, numerator, denominator, question, test, target,
              recommendation, higher_is_better=True)
        .counts(values) -> bool | None   # None: the question was not answered (not in the denominator)
        .applies(values) -> bool
        .misses_target(figure) -> bool | None
    INDICATORS: tuple[Indicator, ...]  # in display order
    indicator(key) -> Indicator

    Figure(indicator, scope, scope_code, scope_name, numerator, denominator, percent, small,
           country_code="")
        .display() -> str  .outcome -> str | None  .as_dict() -> dict
    Where(scope, code, name, country="")
    make_figure(key, where, numerator, denominator, threshold=) -> Figure   # applies the small-number rule
    Place(code, name, country_code)    # a country or region of the results, in display order

    IndicatorRow(indicator, overall, countries, regions)      # one indicator, its figures
    ProgrammeRow(id, code, name, country_code, country_name, public, outcomes, assessment)
        .figures (scope "programme", built on first use) .outcome(key)
    ComplianceFigure(scope, scope_code, scope_name, programmes, mean_score, all_met, small)
        .display()
    CriterionRow(criterion, overall, countries)
    ComplianceResults(standard, overall, countries, criteria)
    IndicatorResults(survey_round, country, generated_at, small_number, answers,
                     programmes_asked, response, countries, regions, rows, compliance, programmes)
        .row(key) .figures() .below_target()

    compute_indicators(*, survey_round, country=None, small_number=None) -> IndicatorResults
    latest_published_round() -> SurveyRound | None
    results_json(results) -> dict      # the shape printed by ``tandem mapping indicators``
    CSV_HEADER, results_csv_rows(results)   # one row per figure

Templates get lists in display order: ``results.rows`` (one per indicator, each with
``overall``, ``countries`` and ``regions`` figures), ``results.compliance`` and
``results.programmes``. ``ProgrammeRow.public`` is False for a programme that asked not to
appear in public (``Programme.publish``): a public report must not name it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise, cached_property
from django.utils.translation import get_language, gettext as _, gettext_lazy

from tandem.geo.models import Country, Region
from tandem.mapping.models import Programme, SurveyRound
from tandem.mapping.queries import published_answers
from tandem.mapping.standards import ARTICLE_16, MET, NO_EVIDENCE, Assessment, Criterion, Standard, shipped_standard

SMALL_NUMBER = 5

ROUND, COUNTRY, REGION, PROGRAMME = "round", "country", "region", "programme"
MEETS, DOES_NOT_MEET, NOT_ANSWERED = "meets", "does_not_meet", "not_answered"
RESPONSE_RATE = "response_rate"


def small_number_threshold() -> int:
    """The threshold below which shares are shown as counts with a caution."""
    return int(getattr(settings, "TANDEM_SMALL_NUMBER", SMALL_NUMBER))


def percent_text(percent: float) -> str:
    """A percentage rounded half up to a whole number, in the active language's format."""
    return _percent_text(int(percent + 0.5), get_language())


@lru_cache(maxsize=1024)
def _percent_text(whole: int, language: str | None) -> str:
    # Cached per language: a report or an export formats thousands of scores.
    return _("%(percent)s %%") % {"percent": number_format(whole, 0)}  # a no-break space before the sign


# --- Indicators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Promise
    definition: Promise
    numerator: Promise
    denominator: Promise
    question: str
    test: Callable[[Any], bool] = field(repr=False)
    target: int
    recommendation: Promise
    # False for an indicator where less is better (programmes on paper only): its target is a maximum.
    higher_is_better: bool = True

    def counts(self, values: Mapping[str, Any]) -> bool | None:
        """True when the answer is counted in the numerator, False when it is only in the
        denominator, None when the question was left unanswered (in neither)."""
        answer = values.get(self.question)
        if answer is None or answer in ("", []):
            return None
        return bool(self.test(answer))

    def applies(self, values: Mapping[str, Any]) -> bool:
        return self.counts(values) is not None

    def misses_target(self, figure: Figure) -> bool | None:
        """Whether a figure falls short of the target; None when it has no percentage."""
        if figure.percent is None:
            return None
        if self.higher_is_better:
            return figure.percent < self.target
        return figure.percent > self.target


def _equals(choice: str) -> Callable[[Any], bool]:
    return lambda answer: answer == choice


def _one_of(*choices: str) -> Callable[[Any], bool]:
    return lambda answer: answer in choices


def _includes(choice: str) -> Callable[[Any], bool]:
    return lambda answer: choice in (answer.split() if isinstance(answer, str) else answer)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="functioning",
        label=gettext_lazy("Functioning"),
        definition=gettext_lazy(
            "Share of programmes that are running today (groups or individual work took place in the last "
            "12 months), among all programmes that answered."
        ),
        numerator=gettext_lazy("Programmes that say they are functioning"),
        denominator=gettext_lazy("Programmes that answered"),
        question="status",
        test=_equals("functioning"),
        target=80,
        recommendation=gettext_lazy(
            "Secure staff and funding over several years so that established programmes keep running groups."
        ),
    ),
    Indicator(
        key="on_paper",
        label=gettext_lazy("On paper only"),
        definition=gettext_lazy(
            "Share of programmes that exist on paper (accredited, listed or funded) but have not run, "
            "among all programmes that answered."
        ),
        numerator=gettext_lazy("Programmes that say they exist on paper only"),
        denominator=gettext_lazy("Programmes that answered"),
        question="status",
        test=_equals("on_paper"),
        target=10,
        higher_is_better=False,
        recommendation=gettext_lazy(
            "Review programmes that exist only on paper: fund and staff them so that they run, or take them off "
            "official lists so that courts and social services do not refer men to programmes that do not run."
        ),
    ),
    Indicator(
        key="joint_planning",
        label=gettext_lazy("Joint planning with survivor support services"),
        definition=gettext_lazy(
            "Share of programmes that plan and decide about each case together with survivor support services, "
            "among programmes that said how they work with these services."
        ),
        numerator=gettext_lazy("Programmes that plan and decide about each case with survivor support services"),
        denominator=gettext_lazy("Programmes that said how they work with survivor support services"),
        question="joint_planning",
        test=_equals("joint_decisions"),
        target=50,
        recommendation=gettext_lazy(
            "Make joint case planning with survivor support services a condition of funding and accreditation."
        ),
    ),
    Indicator(
        key="survivors_informed",
        label=gettext_lazy("(Ex-)partners told the programme's limits"),
        definition=gettext_lazy(
            "Share of programmes that tell (ex-)partners what the programme can and cannot do, among programmes "
            "that answered the question."
        ),
        numerator=gettext_lazy("Programmes that tell (ex-)partners what the programme can and cannot do"),
        denominator=gettext_lazy("Programmes that answered whether they inform (ex-)partners"),
        question="survivors_informed",
        test=_equals("yes"),
        target=90,
        recommendation=gettext_lazy(
            "Require every programme to tell (ex-)partners what it can and cannot achieve, so that a man's "
            "participation does not create a false sense of safety."
        ),
    ),
    Indicator(
        key="partner_contact",
        label=gettext_lazy("Partner contact offered"),
        definition=gettext_lazy(
            "Share of programmes that offer contact to the (ex-)partner of every participant, among programmes "
            "that answered the question."
        ),
        numerator=gettext_lazy("Programmes that offer contact to the (ex-)partner of every participant"),
        denominator=gettext_lazy("Programmes that answered whether they offer partner contact"),
        question="partner_contact",
        test=_equals("yes"),
        target=90,
        recommendation=gettext_lazy(
            "Offer contact to the (ex-)partner of every participant, in close cooperation with a specialist "
            "support service."
        ),
    ),
    Indicator(
        key="cofacilitation",
        label=gettext_lazy("Mixed-gender co-facilitation"),
        definition=gettext_lazy(
            "Share of programmes whose groups are always led by a woman and a man together, among programmes "
            "that answered the question."
        ),
        numerator=gettext_lazy("Programmes whose groups are always led by a woman and a man together"),
        denominator=gettext_lazy("Programmes that answered who leads their groups"),
        question="cofacilitation",
        test=_equals("always"),
        target=75,
        recommendation=gettext_lazy(
            "Train and fund enough facilitators for every group to be led by a woman and a man together."
        ),
    ),
    Indicator(
        key="risk_assessment",
        label=gettext_lazy("Standardised risk assessment"),
        definition=gettext_lazy(
            "Share of programmes that assess the risk each participant poses with a standardised instrument, "
            "among programmes that said how they assess risk."
        ),
        numerator=gettext_lazy("Programmes that use a standardised risk assessment instrument"),
        denominator=gettext_lazy("Programmes that said how they assess risk"),
        question="risk_assessment",
        test=_equals("standardised"),
        target=90,
        recommendation=gettext_lazy(
            "Introduce a standardised risk assessment for every participant, repeated during the programme and "
            "shared with survivor support services."
        ),
    ),
    Indicator(
        key="outcome_monitoring",
        label=gettext_lazy("Standardised outcome monitoring"),
        definition=gettext_lazy(
            "Share of programmes that monitor outcomes with standardised questionnaires at fixed points in time, "
            "for men and (ex-)partners, among programmes that said how they monitor outcomes."
        ),
        numerator=gettext_lazy("Programmes that monitor outcomes with standardised questionnaires"),
        denominator=gettext_lazy("Programmes that said how they monitor outcomes"),
        question="outcome_monitoring",
        test=_equals("standardised"),
        target=50,
        recommendation=gettext_lazy(
            "Agree on common outcome measures, including (ex-)partners' accounts of their safety, and fund "
            "their collection."
        ),
    ),
    Indicator(
        key="supervision",
        label=gettext_lazy("Regular supervision"),
        definition=gettext_lazy(
            "Share of programmes whose facilitators receive regular supervision, inside or outside the "
            "organisation, among programmes that answered the question."
        ),
        numerator=gettext_lazy("Programmes whose facilitators receive regular supervision"),
        denominator=gettext_lazy("Programmes that answered whether facilitators receive supervision"),
        question="supervision",
        test=_one_of("external", "internal"),
        target=90,
        recommendation=gettext_lazy(
            "Provide regular supervision for every facilitator and include its cost in funding."
        ),
    ),
    Indicator(
        key="follow_up",
        label=gettext_lazy("Follow-up after the programme"),
        definition=gettext_lazy(
            "Share of programmes that follow up with men and (ex-)partners after the programme ends, among "
            "programmes that answered the question."
        ),
        numerator=gettext_lazy("Programmes that follow up after the programme ends"),
        denominator=gettext_lazy("Programmes that answered whether they follow up"),
        question="follow_up",
        test=_equals("yes"),
        target=50,
        recommendation=gettext_lazy("Plan follow-up contact with men and (ex-)partners after the programme ends."),
    ),
    Indicator(
        key="information_sharing",
        label=gettext_lazy("Written information-sharing agreement"),
        definition=gettext_lazy(
            "Share of programmes with a written information-sharing agreement with survivor support services "
            "and other agencies, among programmes that answered the question."
        ),
        numerator=gettext_lazy("Programmes with a written information-sharing agreement"),
        denominator=gettext_lazy("Programmes that answered whether they have such an agreement"),
        question="information_sharing",
        test=_equals("yes"),
        target=75,
        recommendation=gettext_lazy(
            "Conclude written information-sharing agreements between programmes, survivor support services and "
            "the agencies that refer men."
        ),
    ),
    Indicator(
        key="state_funding",
        label=gettext_lazy("State funding"),
        definition=gettext_lazy(
            "Share of programmes funded at least in part by the state, among programmes that said where their "
            "funding comes from."
        ),
        numerator=gettext_lazy("Programmes with state funding"),
        denominator=gettext_lazy("Programmes that said where their funding comes from"),
        question="funding_sources",
        test=_includes("state"),
        target=50,
        recommendation=gettext_lazy(
            "Include perpetrator programmes in national and local budgets, so that they do not depend on "
            "short-term donor funding."
        ),
    ),
    Indicator(
        key="funding_secure",
        label=gettext_lazy("Funding secured for a year"),
        definition=gettext_lazy(
            "Share of programmes whose funding is secured for the next 12 months, among programmes that answered "
            "the question."
        ),
        numerator=gettext_lazy("Programmes with funding secured for the next 12 months"),
        denominator=gettext_lazy("Programmes that answered whether their funding is secured"),
        question="funding_secure",
        test=_equals("yes"),
        target=75,
        recommendation=gettext_lazy("Fund programmes for several years at a time, not project by project."),
    ),
    Indicator(
        key="free_of_charge",
        label=gettext_lazy("Free of charge"),
        definition=gettext_lazy(
            "Share of programmes that cost the participant nothing, among programmes that said what they cost."
        ),
        numerator=gettext_lazy("Programmes free of charge for the participant"),
        denominator=gettext_lazy("Programmes that said what they cost the participant"),
        question="cost",
        test=_equals("free"),
        target=75,
        recommendation=gettext_lazy(
            "Remove fees that keep men from attending, or scale them to income, in particular for court-mandated "
            "participants."
        ),
    ),
    Indicator(
        key="disability_access",
        label=gettext_lazy("Accessible to men with disabilities"),
        definition=gettext_lazy(
            "Share of programmes in which men with disabilities can take part (premises, materials, "
            "interpretation), among programmes that answered the question."
        ),
        numerator=gettext_lazy("Programmes accessible to men with disabilities"),
        denominator=gettext_lazy("Programmes that answered whether men with disabilities can take part"),
        question="disability_access",
        test=_equals("yes"),
        target=75,
        recommendation=gettext_lazy(
            "Make premises, materials and interpretation accessible so that men with disabilities can take part."
        ),
    ),
    Indicator(
        key="national_standards",
        label=gettext_lazy("National standards followed"),
        definition=gettext_lazy(
            "Share of programmes in a country with national standards for perpetrator programmes that follow "
            "them, among all programmes that answered the question (including those where no standards exist)."
        ),
        numerator=gettext_lazy("Programmes that follow national standards"),
        denominator=gettext_lazy("Programmes that answered whether national standards exist and are followed"),
        question="national_standards",
        test=_equals("followed"),
        target=75,
        recommendation=gettext_lazy(
            "Adopt national standards for perpetrator programmes in line with Article 16 and make following them "
            "a condition of accreditation and funding."
        ),
    ),
)

_BY_KEY = {item.key: item for item in INDICATORS}
_POSITION = {item.key: position for position, item in enumerate(INDICATORS)}


def indicator(key: str) -> Indicator:
    return _BY_KEY[key]


# --- Figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One indicator over one scope: ``numerator`` of ``denominator`` programmes.

    ``percent`` is None when fewer than the small-number threshold answered (then ``small``
    is True) or none did, and always for a single programme (scope "programme"), whose
    figure is 1 of 1 (meets), 0 of 1 (does not meet) or 0 of 0 (not answered)."""

    indicator: str
    scope: str
    scope_code: str
    scope_name: str
    numerator: int
    denominator: int
    percent: float | None
    small: bool
    country_code: str = ""

    @property
    def outcome(self) -> str | None:
        if self.scope != PROGRAMME:
            return None
        if not self.denominator:
            return NOT_ANSWERED
        return MEETS if self.numerator else DOES_NOT_MEET

    def display(self) -> str:
        outcome = self.outcome
        if outcome is not None:
            return {MEETS: _("meets"), DOES_NOT_MEET: _("does not meet"), NOT_ANSWERED: _("not answered")}[outcome]
        if not self.denominator:
            return _("no answers")
        if self.percent is None:
            return _("%(numerator)s of %(denominator)s (few programmes: read with caution)") % {
                "numerator": self.numerator,
                "denominator": self.denominator,
            }
        return percent_text(self.percent)

    def __str__(self) -> str:
        return self.display()

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "code": self.scope_code,
            "name": self.scope_name,
            "country": self.country_code,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": None if self.percent is None else round(self.percent, 1),
            "small": self.small,
            "display": self.display(),
        }


def make_figure(key: str, where: Where, numerator: int, denominator: int, *, threshold: int = SMALL_NUMBER) -> Figure:
    """A figure with the small-number rule applied."""
    if where.scope == PROGRAMME:
        return Figure(key, where.scope, where.code, where.name, numerator, denominator, None, False, where.country)
    small = 0 < denominator < threshold
    percent = 100.0 * numerator / denominator if denominator and not small else None
    return Figure(key, where.scope, where.code, where.name, numerator, denominator, percent, small, where.country)


@dataclass(frozen=True)
class Where:
    """The scope of a figure: the round, a country, a region or a programme."""

    scope: str
    code: str
    name: str
    country: str = ""


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    country_code: str


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator and its figures: the whole round (or the chosen country), each country,
    each region served by an answering programme, all in display order."""

    indicator: Indicator
    overall: Figure
    countries: tuple[Figure, ...]
    regions: tuple[Figure, ...]

    @property
    def key(self) -> str:
        return self.indicator.key

    @property
    def misses_target(self) -> bool | None:
        return self.indicator.misses_target(self.overall)


@dataclass(frozen=True)
class ProgrammeRow:
    """One programme's answer: for each indicator (in INDICATORS order) whether it meets it,
    and its assessment against the Article 16 criteria."""

    id: int
    code: str
    name: str
    country_code: str
    country_name: str
    # False when the programme asked not to appear in public: a public report must not name it.
    public: bool
    outcomes: tuple[str, ...]  # MEETS | DOES_NOT_MEET | NOT_ANSWERED, in INDICATORS order
    assessment: Assessment

    @cached_property
    def figures(self) -> tuple[Figure, ...]:
        """The outcomes as figures of scope "programme" (1 of 1, 0 of 1, 0 of 0)."""
        return tuple(
            Figure(
                item.key,
                PROGRAMME,
                self.code,
                self.name,
                1 if outcome == MEETS else 0,
                0 if outcome == NOT_ANSWERED else 1,
                None,
                False,
                self.country_code,
            )
            for item, outcome in zip(INDICATORS, self.outcomes, strict=True)
        )

    def outcome(self, key: str) -> str:
        return self.outcomes[_POSITION[key]]


@dataclass(frozen=True)
class ComplianceFigure:
    """The Article 16 compliance of the programmes in one scope: their mean score (the weight
    of the criteria met over the weight of those with evidence, 0-100) and the share that
    meet every criterion. ``programmes`` counts those whose answer gives evidence on at least
    one criterion; below the small-number threshold there is no mean and no share."""

    scope: str
    scope_code: str
    scope_name: str
    programmes: int
    mean_score: float | None
    all_met: Figure
    small: bool
    country_code: str = ""

    def display(self) -> str:
        if not self.programmes:
            return _("no answers")
        if self.mean_score is None:
            return _("%(count)s programmes (few programmes: read with caution)") % {"count": self.programmes}
        return percent_text(self.mean_score)

    def __str__(self) -> str:
        return self.display()

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "code": self.scope_code,
            "name": self.scope_name,
            "country": self.country_code,
            "programmes": self.programmes,
            "mean_score": None if self.mean_score is None else round(self.mean_score, 1),
            "small": self.small,
            "display": self.display(),
            "all_criteria_met": self.all_met.as_dict(),
        }


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of the standard: the share of programmes meeting it among those whose
    answer gives evidence on it."""

    criterion: Criterion
    overall: Figure
    countries: tuple[Figure, ...]


@dataclass(frozen=True)
class ComplianceResults:
    standard: Standard
    overall: ComplianceFigure
    countries: tuple[ComplianceFigure, ...]
    criteria: tuple[CriterionRow, ...]


@dataclass(frozen=True)
class IndicatorResults:
    survey_round: SurveyRound
    country: Country | None
    generated_at: datetime
    small_number: int
    answers: int  # published answers counted
    programmes_asked: int  # programmes of the registry in the round's countries (or the chosen one)
    response: Figure  # answers among programmes asked (indicator "response_rate")
    countries: tuple[Place, ...]
    regions: tuple[Place, ...]
    rows: tuple[IndicatorRow, ...]
    compliance: ComplianceResults
    programmes: tuple[ProgrammeRow, ...]

    def row(self, key: str) -> IndicatorRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def figures(self) -> Iterator[Figure]:
        """Every indicator figure, indicator by indicator: round, countries, regions, programmes."""
        for position, row in enumerate(self.rows):
            yield row.overall
            yield from row.countries
            yield from row.regions
            for programme in self.programmes:
                yield programme.figures[position]

    def below_target(self) -> list[IndicatorRow]:
        """Indicators whose overall figure misses its target, for the recommendations."""
        return [row for row in self.rows if row.misses_target]


# --- Computing ------------------------------------------------------------------------------


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


def compute_indicators(
    *, survey_round: SurveyRound, country: Country | None = None, small_number: int | None = None
) -> IndicatorResults:
    """Every indicator and the Article 16 compliance over the published answers of a round
    (of one country of it, when given)."""
    # The organisation running the round may suppress more than the installation does, never less.
    threshold = (
        small_number
        if small_number is not None
        else max(small_number_threshold(), survey_round.owner.suppression_threshold)
    )
    standard = shipped_standard(ARTICLE_16)
    countries = [country] if country is not None else list(survey_round.countries.all())
    country_names = {item.code: item.display_name for item in countries}

    rows = published_answers(survey_round=survey_round, country=country).values_list(
        "programme_id", "programme__code", "programme__name", "programme__publish", "programme__country__code", "values"
    )
    judged = _Judged(standard)
    in_round: Counter[int] = Counter()
    in_country: dict[str, Counter[int]] = {code: Counter() for code in country_names}
    in_region: dict[str, Counter[int]] = defaultdict(Counter)
    programme_rows: list[tuple[int, str, str, bool, str, int]] = []
    for programme_id, code, name, public, country_code, values in rows.iterator(chunk_size=2000):
        if country_code not in in_country or not isinstance(values, dict):
            continue
        combination = judged.of(values)
        in_round[combination] += 1
        in_country[country_code][combination] += 1
        # A programme that asked not to be published counts for its country and the round, not
        # per region: a region served by few programmes would show its answers one by one.
        served = (values.get("regions_served") or []) if public else []
        for region_code in dict.fromkeys(served if isinstance(served, list) else str(served).split()):
            in_region[region_code][combination] += 1
        programme_rows.append((programme_id, code, name, public, country_code, combination))

    overall = judged.tally(in_round)
    by_country = {code: judged.tally(combinations) for code, combinations in in_country.items()}
    by_region = {code: judged.tally(combinations) for code, combinations in in_region.items()}
    regions = _regions_in_order(by_region, list(country_names))
    whole = Where(ROUND, str(survey_round.pk), survey_round.name)
    country_scopes = [(Where(COUNTRY, code, name, code), by_country[code]) for code, name in country_names.items()]
    region_scopes = [
        (Where(REGION, place.code, place.name, place.country_code), by_region[place.code]) for place in regions
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
    country_rank = {code: position for position, code in enumerate(country_names)}
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
        small = 0 < tally.scored < threshold
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

    programmes_asked = Programme.objects.filter(country__in=[item.pk for item in countries]).count()
    return IndicatorResults(
        survey_round=survey_round,
        country=country,
        generated_at=timezone.now(),
        small_number=threshold,
        answers=len(programme_rows),
        programmes_asked=programmes_asked,
        response=make_figure(RESPONSE_RATE, whole, len(programme_rows), programmes_asked, threshold=threshold),
        countries=tuple(Place(code, name, code) for code, name in country_names.items()),
        regions=tuple(regions),
        rows=tuple(indicator_rows),
        compliance=compliance_results,
        programmes=programmes,
    )


def _regions_in_order(tallies: Mapping[str, _Tally], country_order: list[str]) -> list[Place]:
    """The regions named in answers that exist, by country (in the results' order) and code."""
    if not tallies:
        return []
    known = Region.objects.filter(code__in=list(tallies)).values_list("code", "name", "country__code")
    rank = {code: position for position, code in enumerate(country_order)}
    places = [Place(code, name, country_code) for code, name, country_code in known]
    places.sort(key=lambda place: (rank.get(place.country_code, len(rank)), place.code))
    return places


# --- Output for the command line ------------------------------------------------------------

CSV_HEADER = (
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
)


def _round_json(survey_round: SurveyRound) -> dict[str, Any]:
    return {"id": survey_round.pk, "name": survey_round.name}


def results_json(results: IndicatorResults) -> dict[str, Any]:
    """The results as a JSON-ready structure (its shape is documented in the module docstring
    of ``management/commands/mapping_indicators.py``)."""
    standard = results.compliance.standard
    return {
        "round": _round_json(results.survey_round),
        "country": None
        if results.country is None
        else {"code": results.country.code, "name": results.country.display_name},
        "generated_at": results.generated_at.isoformat(),
        "small_number": results.small_number,
        "answers": results.answers,
        "programmes_asked": results.programmes_asked,
        "response": results.response.as_dict(),
        "countries": [{"code": place.code, "name": place.name} for place in results.countries],
        "regions": [{"code": p.code, "name": p.name, "country": p.country_code} for p in results.regions],
        "indicators": [
            {
                "key": row.indicator.key,
                "label": str(row.indicator.label),
                "definition": str(row.indicator.definition),
                "numerator": str(row.indicator.numerator),
                "denominator": str(row.indicator.denominator),
                "question": row.indicator.question,
                "target": row.indicator.target,
                "higher_is_better": row.indicator.higher_is_better,
                "misses_target": row.misses_target,
                "recommendation": str(row.indicator.recommendation),
                "figures": [figure.as_dict() for figure in (row.overall, *row.countries, *row.regions)],
            }
            for row in results.rows
        ],
        "compliance": {
            "standard": {
                "key": standard.key,
                "version": standard.version,
                "title": standard.text(),
                "source": standard.source,
            },
            "figures": [item.as_dict() for item in (results.compliance.overall, *results.compliance.countries)],
            "criteria": [
                {
                    "key": row.criterion.key,
                    "label": row.criterion.text(),
                    "explanation": row.criterion.explanation_text(),
                    "weight": row.criterion.weight,
                    "evidence": {
                        "question": row.criterion.evidence.question,
                        "operator": row.criterion.evidence.operator,
                        "value": row.criterion.evidence.value,
                    },
                    "figures": [figure.as_dict() for figure in (row.overall, *row.countries)],
                }
                for row in results.compliance.criteria
            ],
        },
        "programmes": [
            {
                "code": programme.code,
                "name": programme.name,
                "country": programme.country_code,
                "public": programme.public,
                "indicators": dict(zip(_POSITION, programme.outcomes, strict=True)),
                "compliance": {
                    "score": None if programme.assessment.score is None else round(programme.assessment.score, 1),
                    "all_met": programme.assessment.all_met,
                    "criteria": dict(programme.assessment.outcomes),
                },
            }
            for programme in results.programmes
        ],
    }


def results_csv_rows(results: IndicatorResults) -> Iterator[list[Any]]:
    """One row per figure, under ``CSV_HEADER``: the response rate, every indicator (round,
    countries, regions, programmes), then the compliance (mean score and share meeting every
    criterion per scope, each criterion, each programme's score). For a mean score the
    ``percent`` column holds the score and ``denominator`` the programmes it is over."""
    labels = {row.key: str(row.indicator.label) for row in results.rows}
    labels[RESPONSE_RATE] = _("Response rate")

    def line(figure: Figure, label: str) -> list[Any]:
        data = figure.as_dict()
        return [
            figure.indicator,
            label,
            data["scope"],
            data["code"],
            data["name"],
            data["country"],
            data["numerator"],
            data["denominator"],
            "" if data["percent"] is None else data["percent"],
            "yes" if data["small"] else "no",
            data["display"],
        ]

    yield line(results.response, labels[RESPONSE_RATE])
    outcome_texts = {MEETS: _("meets"), DOES_NOT_MEET: _("does not meet"), NOT_ANSWERED: _("not answered")}
    for position, row in enumerate(results.rows):
        key, label = row.key, labels[row.key]
        for figure in (row.overall, *row.countries, *row.regions):
            yield line(figure, label)
        for programme in results.programmes:
            outcome = programme.outcomes[position]
            yield [
                key,
                label,
                PROGRAMME,
                programme.code,
                programme.name,
                programme.country_code,
                1 if outcome == MEETS else 0,
                0 if outcome == NOT_ANSWERED else 1,
                "",
                "no",
                outcome_texts[outcome],
            ]
    compliance = results.compliance
    standard_key = compliance.standard.key
    score_label, all_label = _("Article 16 compliance score"), _("Programmes meeting every Article 16 criterion")
    for item in (compliance.overall, *compliance.countries):
        mean = "" if item.mean_score is None else round(item.mean_score, 1)
        yield [
            f"{standard_key}:score",
            score_label,
            item.scope,
            item.scope_code,
            item.scope_name,
            item.country_code,
            "",
            item.programmes,
            mean,
            "yes" if item.small else "no",
            item.display(),
        ]
        yield line(item.all_met, all_label)
    for criterion_row in compliance.criteria:
        for figure in (criterion_row.overall, *criterion_row.countries):
            yield line(figure, criterion_row.criterion.text())
    for programme in results.programmes:
        score = programme.assessment.score
        yield [
            f"{standard_key}:score",
            score_label,
            PROGRAMME,
            programme.code,
            programme.name,
            programme.country_code,
            "",
            1 if score is not None else 0,
            "" if score is None else round(score, 1),
            "no",
            percent_text(score) if score is not None else _("not answered"),
        ]
