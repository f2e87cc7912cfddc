"""Two rounds of the mapping survey for the demo, run by the demo network over all six
countries, with answers that read like a real mapping study: most programmes that work with
men do not plan jointly with survivor services, few tell survivors what the programme cannot
do, outcomes are seldom measured in a standard way, money comes from short donor projects,
and several programmes exist only on paper.

"Western Balkans 2025" is closed and every answer in it is published. "Western Balkans 2026"
is open on the demo's today (2026-11-25): most answers are published, some wait for review,
one was returned with comments, a few are drafts, and some programmes have not answered yet
(among them one of al.coordinator's, so that a visitor can fill it in).

The values are drawn from generators seeded by the programme's reference (and the round),
so every run yields the same answers. Each answer is taken through the real actions, step by
step, by its provider's coordinator and by the ministry that reviews its country, with the
clock set to the day of each step, so the audit log and the reviewers' work read as if it had
happened. Running ``build`` again changes nothing: rounds are found by name and answers by
round and programme, and an answer that exists (perhaps changed by a visitor) is never touched.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from tandem.core import clock
from tandem.core.models import User
from tandem.demo import queries as demo_queries
from tandem.demo.world import DEMO, NETWORK, platform_admin
from tandem.geo.models import Country
from tandem.mapping.actions.answers import (
    accept_answer,
    publish_answer,
    return_answer,
    save_answer,
    start_answer,
    submit_answer,
)
from tandem.mapping.actions.questionnaires import load_shipped_questionnaires
from tandem.mapping.actions.rounds import assign_reviewer, open_round
from tandem.mapping.models import AnswerStatus, Format, Programme, Questionnaire, Status, SurveyAnswer, SurveyRound
from tandem.mapping.rules.questionnaire import definition_of

COUNTRY_CODES = ("AL", "BA", "XK", "ME", "MK", "RS")
ZONE = ZoneInfo("Europe/Belgrade")
# The demo's "today": the 2026 round is open, and nothing in it happened after the day before.
TODAY = date(2026, 11, 25)


def reviewer_of(country: str) -> str:
    """Each country's answers are reviewed by the demo account of its ministry."""
    return f"{country.lower()}.government"


@dataclass(frozen=True)
class RoundPlan:
    name: str
    opens_on: date
    closes_on: date
    # Nothing in the round happened after this day.
    last_day: date
    # Shares of the programmes that work with men (functioning or suspended) that plan jointly
    # with survivor services, tell survivors what the programme cannot do, use a standardised
    # risk assessment, and always co-facilitate with a man and a woman. The same programmes
    # keep their practice from one round to the next; a few more adopt it.
    joint_decisions: float
    survivors_informed: float
    standardised_risk: float
    mixed_cofacilitation: float
    # Programmes that did not answer (or have not answered yet).
    unanswered: frozenset[str]
    # Answers that are not published, by their status.
    statuses: Mapping[str, AnswerStatus] = field(default_factory=dict)
    # A programme's status at the time of the round, where it differs from the registry's now.
    status_then: Mapping[str, str] = field(default_factory=dict)


# Plain strings (an enum member hashes by its name, so it would not find a value in a set).
F, P, S, CLOSED = (
    str(status.value) for status in (Status.FUNCTIONING, Status.ON_PAPER, Status.SUSPENDED, Status.CLOSED)
)

ROUNDS: list[RoundPlan] = [
    RoundPlan(
        name="Western Balkans 2025",
        opens_on=date(2025, 3, 1),
        closes_on=date(2025, 6, 30),
        last_day=date(2025, 6, 30),
        joint_decisions=0.21,
        survivors_informed=0.26,
        standardised_risk=0.15,
        mixed_cofacilitation=0.22,
        unanswered=frozenset({"AL-016", "BA-022", "XK-026", "ME-029", "MK-034", "RS-040"}),
        # Sarajevo, Mostar and Zrenjanin still ran groups, Kukës and Kumanovo had paused,
        # and the Bar programme had not started yet.
        status_then={"BA-004": F, "BA-021": F, "RS-042": F, "AL-015": S, "MK-036": S, "ME-028": P},
    ),
    RoundPlan(
        name="Western Balkans 2026",
        opens_on=date(2026, 9, 1),
        closes_on=date(2026, 12, 31),
        last_day=TODAY - timedelta(days=1),
        joint_decisions=0.30,
        survivors_informed=0.30,
        standardised_risk=0.22,
        mixed_cofacilitation=0.28,
        unanswered=frozenset(
            {"AL-001", "AL-016", "BA-018", "BA-022", "XK-026", "ME-007", "ME-029", "MK-034", "RS-038", "RS-040"}
        ),
        statuses={
            "AL-002": AnswerStatus.DRAFT,
            "MK-033": AnswerStatus.DRAFT,
            "AL-012": AnswerStatus.SUBMITTED,
            "BA-019": AnswerStatus.SUBMITTED,
            "XK-024": AnswerStatus.SUBMITTED,
            "RS-039": AnswerStatus.SUBMITTED,
            "AL-011": AnswerStatus.RETURNED,
            "RS-009": AnswerStatus.ACCEPTED,
        },
    ),
]

# Left unanswered in the open round, for a visitor signed in as al.coordinator to fill in.
OPEN_FOR_AL_COORDINATOR = "Programi Ndryshimi Tiranë"

RETURN_COMMENT = (
    "Every man who started is counted as having completed. Please check the figures for the last 12 months "
    "and say in the comments how many men dropped out or were excluded."
)
ACCEPT_COMMENTS = [
    "Figures checked with the coordinator by phone.",
    "Checked against the programme's annual report.",
    "Thank you: the regions served now match the registry.",
]

# Comments programmes wrote, by the status they answered, in English or their own language.
COMMENTS: dict[str, dict[str, list[str]]] = {
    "en": {
        F: [
            "Most men are referred by the centre for social work; partner contact is done by the women's NGO.",
            "Our funding ends next year and we do not know yet what comes after it.",
            "We would like training in a standardised risk assessment.",
        ],
        S: ["Groups stopped when the donor project ended; we hope to restart next year."],
        P: ["The programme was set up by a decision of the municipality but has no staff and has had no referrals."],
        CLOSED: ["The programme closed when donor funding ended."],
    },
    "sq": {
        F: ["Shumica e burrave referohen nga gjykata; kontaktin me partneret e bën shoqata e grave."],
        S: ["Grupet u pezulluan kur përfundoi projekti i donatorit; shpresojmë të rifillojmë vitin e ardhshëm."],
        P: ["Programi është miratuar me vendim të bashkisë, por nuk ka staf dhe nuk ka marrë asnjë referim."],
        CLOSED: ["Programi u mbyll kur përfundoi financimi nga donatorët."],
    },
    "bs": {
        F: ["Većinu muškaraca upućuje centar za socijalni rad; kontakt sa partnericama vodi ženska organizacija."],
        S: ["Rad grupa je obustavljen nakon završetka donatorskog projekta."],
        P: ["Program je formalno uspostavljen, ali nema zaposlenih i nije bilo upućivanja."],
        CLOSED: ["Program je zatvoren kada je završeno donatorsko finansiranje."],
    },
    "cnr": {
        F: ["Većinu muškaraca upućuje sud kao mjeru zaštite; grupe vode jedan muškarac i jedna žena."],
        S: ["Rad grupa je obustavljen nakon završetka donatorskog projekta."],
        P: ["Program je formalno uspostavljen, ali nema zaposlenih i nije bilo upućivanja."],
        CLOSED: ["Program je zatvoren kada je završeno donatorsko finansiranje."],
    },
    "sr": {
        F: ["Većinu muškaraca upućuje centar za socijalni rad; kontakt sa partnerkama vodi ženska organizacija."],
        S: ["Rad grupa je obustavljen posle završetka donatorskog projekta."],
        P: ["Program je formalno uspostavljen, ali nema zaposlenih i nije bilo upućivanja."],
        CLOSED: ["Program je zatvoren kada je prestalo donatorsko finansiranje."],
    },
    "mk": {
        F: ["Повеќето мажи ги упатува центарот за социјална работа; партнерките ги контактира женска организација."],
        S: ["Групите се прекинати по завршувањето на донаторскиот проект."],
        P: ["Програмата е формално основана, но нема вработени и нема упатувања."],
        CLOSED: ["Програмата е затворена кога заврши донаторското финансирање."],
    },
}
COMMENT_LANGUAGE = {"AL": "sq", "XK": "sq", "BA": "bs", "ME": "cnr", "MK": "mk", "RS": "sr"}

# Programme languages are Django's codes; the questionnaire names Serbian once.
ANSWER_LANGUAGE = {"sr-latn": "sr"}


@dataclass(frozen=True)
class Profile:
    """What an answer is drawn from: the programme as the registry has it, and its status at
    the time of the round."""

    code: str
    country: str
    status: str
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    funding: tuple[str, ...]
    cost: str
    format: str
    disability_access: bool
    remote_delivery: bool
    waiting_weeks: int | None

    @classmethod
    def of(cls, programme: Programme, plan: RoundPlan) -> Profile:
        return cls(
            code=programme.code,
            country=programme.country.code,
            status=plan.status_then.get(programme.code, str(programme.status)),
            regions=tuple(sorted(region.code for region in programme.regions_served.all())),
            languages=tuple(programme.languages),
            funding=tuple(programme.funding_sources),
            cost=programme.cost,
            format=programme.format,
            disability_access=programme.disability_access,
            remote_delivery=programme.remote_delivery,
            waiting_weeks=programme.waiting_weeks,
        )


def _yes(condition: bool) -> str:
    return "yes" if condition else "no"


def seeded(seed: str) -> random.Random:
    """A generator for invented data: the same seed, the same data on every run."""
    return random.Random(seed)  # noqa: S311 - deterministic demo data, not security


@dataclass(frozen=True)
class Traits:
    """What stays with a programme from one round to the next: its size, its team, and where
    it stands on each practice (a number from 0 to 1 compared with the round's shares)."""

    capacity: int
    team: int
    joint: float
    informed: float
    contact: float
    risk: float
    cofacilitation: float
    monitoring: float
    follow_up: float
    secure: float
    sharing: float
    supervision: float

    @classmethod
    def of(cls, code: str) -> Traits:
        rng = seeded(f"tandem-demo-survey:{code}")
        capacity, team = rng.randrange(20, 125, 5), rng.randint(2, 8)
        return cls(capacity, team, *(rng.random() for _ in range(10)))


def answer_values(profile: Profile, plan: RoundPlan) -> dict[str, Any]:
    """A programme's answer to a round. Its lasting traits come from a generator seeded by its
    reference alone, so both rounds tell the same story; the figures of the year come from one
    seeded by the round as well."""
    traits = Traits.of(profile.code)
    rng = seeded(f"tandem-demo-survey:{plan.name}:{profile.code}")
    works = profile.status in {F, S}
    values: dict[str, Any] = {
        "programme": profile.code,
        "status": profile.status,
        "regions_served": list(profile.regions),
        **_figures(profile, traits, rng),
    }
    values |= _staffing(values, works, traits, plan)
    if works:
        values |= _practice(profile, traits, plan)
    # Funding: mostly short donor projects; only public money is ever secure.
    public = bool({"state", "local"} & set(profile.funding))
    values |= {
        "funding_sources": list(profile.funding),
        "funding_secure": _yes(public and works and traits.secure < 0.6),
        "national_standards": _standards(profile, works, rng),
    }
    if rng.random() < (0.5 if profile.status in {P, CLOSED} else 0.25):
        language = COMMENT_LANGUAGE[profile.country] if rng.random() < 0.5 else "en"
        values["comments"] = rng.choice(COMMENTS[language][profile.status])
    return values


def _figures(profile: Profile, traits: Traits, rng: random.Random) -> dict[str, Any]:
    """Places, men and sessions of the last 12 months, and how to reach the programme."""
    status = profile.status
    if status == F:
        places = min(120, max(20, traits.capacity + rng.choice([-10, -5, 0, 0, 5, 10])))
        started = round(places * rng.uniform(0.45, 0.95))
        completed = round(started * rng.uniform(0.4, 0.8))
        groups = 0 if profile.format == Format.INDIVIDUAL else max(1, round(started / rng.uniform(8, 12)))
        individual = rng.randint(0, 3) if profile.format == Format.GROUP else rng.randint(2, 14)
    elif status == S:
        places = max(20, traits.capacity // 10 * 5)
        started = rng.randint(0, 8)
        completed = rng.randint(0, started // 2)
        groups = min(1, started // 4)
        individual = rng.randint(0, 4)
    else:
        # On paper: approved places but no men; closed: nothing.
        places = min(40, max(20, traits.capacity // 10 * 5)) if status == P else 0
        started = completed = groups = individual = 0
    figures: dict[str, Any] = {
        "places_per_year": places,
        "men_started_12m": started,
        "men_completed_12m": completed,
        "cost": profile.cost,
        "languages": list(dict.fromkeys(ANSWER_LANGUAGE.get(code, code) for code in profile.languages)),
        "disability_access": _yes(profile.disability_access),
        "remote_delivery": _yes(profile.remote_delivery),
    }
    if status == F:
        figures["waiting_weeks"] = max(0, (profile.waiting_weeks or 6) + rng.randint(-2, 2))
        figures["max_travel_km"] = rng.randrange(20, 160, 10)
    return figures | {"groups_12m": groups, "individual_12m": individual}


def _staffing(values: Mapping[str, Any], works: bool, traits: Traits, plan: RoundPlan) -> dict[str, Any]:
    """Trained facilitators, and few teams that always pair a man and a woman."""
    status = values["status"]
    if status == F:
        trained = traits.team
    elif status == S:
        trained = max(1, traits.team // 2)
    else:
        # Perhaps staff trained by a past project, who no longer run groups.
        trained = traits.team // 3 if status == P else traits.team // 4
    always = traits.cofacilitation < plan.mixed_cofacilitation
    mixed_team = works and traits.cofacilitation < 0.6
    women = max(1, trained - max(1, trained // 3)) if mixed_team else trained - trained // 4
    staffing: dict[str, Any] = {
        "facilitators_trained": trained,
        "facilitators_women": women,
        "facilitators_men": trained - women,
    }
    if values["groups_12m"]:
        both = women and trained - women
        staffing["cofacilitation"] = "always" if both and always else "sometimes" if both and mixed_team else "never"
    if works:
        u = traits.supervision
        staffing["supervision"] = (
            "external" if u < 0.3 else "internal" if u < 0.6 else "occasional" if u < 0.85 else "none"
        )
    return staffing


def _practice(profile: Profile, traits: Traits, plan: RoundPlan) -> dict[str, Any]:
    """Survivor safety and evaluation, answered by the programmes that work with men."""
    informed = traits.informed < plan.survivors_informed
    risk = traits.risk
    # Providers in Albania and Bosnia and Herzegovina already use standardised evaluation.
    standardised = 0.2 if profile.country in {"AL", "BA"} else 0.04
    monitoring = "standardised" if traits.monitoring < standardised else "own" if traits.monitoring < 0.6 else "none"
    return {
        "partner_contact": _yes(informed or traits.contact < (0.6 if profile.status == F else 0.4)),
        "survivors_informed": _yes(informed),
        "joint_planning": (
            "joint_decisions"
            if traits.joint < plan.joint_decisions
            else "information"
            if traits.joint < 0.7
            else "none"
        ),
        "risk_assessment": (
            "standardised"
            if risk < plan.standardised_risk
            else "structured"
            if risk < 0.45
            else "unstructured"
            if risk < 0.8
            else "none"
        ),
        "information_sharing": _yes(traits.sharing < 0.6),
        "outcome_monitoring": monitoring,
        "follow_up": _yes(monitoring != "none" and traits.follow_up < 0.35),
    }


def _standards(profile: Profile, works: bool, rng: random.Random) -> str:
    """Albania and Serbia have (draft) national standards; in Bosnia and Herzegovina the
    rulebook of Republika Srpska applies to its mental-health centres; elsewhere there are none."""
    if profile.country in {"AL", "RS"}:
        return "followed" if works and rng.random() < 0.65 else "not_followed"
    if profile.country == "BA" and "BA-SRP" in profile.regions:
        return "followed" if works else "not_followed"
    return "no_standards"


# --- The answers' way through the review ----------------------------------------------------

START, SAVE, SUBMIT, RETURN, ACCEPT, PUBLISH = "start", "save", "submit", "return", "accept", "publish"


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 16), rng.randrange(0, 60)), tzinfo=ZONE)


def _later(moment: datetime, rng: random.Random) -> datetime:
    """A little later the same day: the next change of one sitting."""
    return moment + timedelta(minutes=rng.randint(3, 40))


def workflow(code: str, plan: RoundPlan, status: AnswerStatus) -> list[tuple[datetime, str]]:
    """The answer's way to ``status``, step by step with the moment of each: started, saved once
    or more, submitted, reviewed (a few after a first return and a corrected resubmission) and
    published; all within the round and before its last day."""
    rng = seeded(f"tandem-demo-workflow:{plan.name}:{code}")
    first, last = plan.opens_on + timedelta(days=5), plan.last_day
    span = (last - first).days
    saves = rng.randint(1, 3)

    def sitting(day: date) -> list[tuple[datetime, str]]:
        moment = _moment(day, rng)
        steps = [(moment, START)]
        for _save in range(saves):
            moment = _later(moment, rng)
            steps.append((moment, SAVE))
        return steps

    if status == AnswerStatus.DRAFT:
        return sitting(first + timedelta(days=rng.randint(span // 3, span - 2)))
    if status == AnswerStatus.SUBMITTED:
        steps = sitting(last - timedelta(days=rng.randint(0, 12)))
        return [*steps, (_later(steps[-1][0], rng), SUBMIT)]
    if status == AnswerStatus.RETURNED:
        steps = sitting(last - timedelta(days=rng.randint(12, 20)))
        submitted = _later(steps[-1][0], rng)
        reviewed = _moment(submitted.date() + timedelta(days=rng.randint(2, 6)), rng)
        return [*steps, (submitted, SUBMIT), (reviewed, RETURN)]
    # Accepted or published, a few after a first return and a corrected resubmission.
    corrected = rng.random() < 0.2
    steps = sitting(first + timedelta(days=rng.randint(0, span - 30)))
    moment = _later(steps[-1][0], rng)
    steps.append((moment, SUBMIT))
    if corrected:
        moment = _moment(moment.date() + timedelta(days=rng.randint(1, 3)), rng)
        steps.append((moment, RETURN))
        moment = _moment(moment.date() + timedelta(days=rng.randint(1, 3)), rng)
        steps += [(moment, SAVE), (_later(moment, rng), SUBMIT)]
        moment = steps[-1][0]
    reviewed = _moment(moment.date() + timedelta(days=rng.randint(1, 6)), rng)
    steps.append((reviewed, ACCEPT))
    if status == AnswerStatus.PUBLISHED:
        steps.append((_moment(reviewed.date() + timedelta(days=rng.randint(1, 5)), rng), PUBLISH))
    return steps


# --- Building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveySummary:
    rounds: list[tuple[str, int]]  # (round, answers created now)
    reviewers: dict[str, str]  # country code → username


def planned_answers(plan: RoundPlan, programmes: list[Programme]) -> dict[str, AnswerStatus]:
    """The status of each programme's answer in the round; programmes left out did not answer."""
    return {
        programme.code: plan.statuses.get(programme.code, AnswerStatus.PUBLISHED)
        for programme in programmes
        if programme.code not in plan.unanswered
    }


@transaction.atomic
def build() -> SurveySummary:
    from tandem.demo.registry import PROGRAMMES

    admin = platform_admin()
    questionnaire = Questionnaire.objects.filter(key="mapping", version=1).first()
    if questionnaire is None:
        load_shipped_questionnaires()
        questionnaire = Questionnaire.objects.get(key="mapping", version=1)
    network = demo_queries.get_organisation(NETWORK, None)
    if network is None:
        raise ValueError("build the demo world first")
    countries = list(Country.objects.filter(code__in=COUNTRY_CODES).order_by("code"))
    reviewers = {code: reviewer_of(code) for code in COUNTRY_CODES}
    programmes = list(
        Programme.objects.filter(code__in=[demo.code for demo in PROGRAMMES])
        .select_related("country", "provider")
        .prefetch_related("regions_served")
        .order_by("code")
    )
    created_counts: list[tuple[str, int]] = []
    for plan in ROUNDS:
        survey_round = demo_queries.get_round(plan.name) or open_round(
            owner=network,
            name=plan.name,
            questionnaire=questionnaire,
            countries=countries,
            opens_on=plan.opens_on,
            closes_on=plan.closes_on,
            acting_user=admin,
            context=DEMO,
        )
        reviewed = demo_queries.reviewed_countries(survey_round)
        for country in countries:
            if country.code not in reviewed:
                person = demo_queries.get_user(reviewers[country.code])
                assert person is not None  # noqa: S101 - the world made every ministry's account
                assign_reviewer(
                    survey_round=survey_round, country=country, user=person, acting_user=admin, context=DEMO
                )
        created_counts.append((plan.name, _answer(survey_round, plan, programmes)))
    return SurveySummary(created_counts, reviewers)


def _authors() -> dict[int, User]:
    """Who answers for each provider's programmes: the coordinator of its team."""
    from tandem.demo.registry import PROVIDERS, WORLD_PROVIDERS, further_coordinator

    authors: dict[int, User] = {}
    for code, name in WORLD_PROVIDERS.items():
        provider, person = (
            demo_queries.get_organisation_in(name, code),
            demo_queries.get_user(f"{code.lower()}.coordinator"),
        )
        if provider is not None and person is not None:
            authors[provider.pk] = person
    for code, names in PROVIDERS.items():
        for number, name in enumerate(names, start=2):
            provider, person = (
                demo_queries.get_organisation_in(name, code),
                demo_queries.get_user(further_coordinator(code, number)),
            )
            if provider is not None and person is not None:
                authors[provider.pk] = person
    return authors


def _answer(survey_round: SurveyRound, plan: RoundPlan, programmes: list[Programme]) -> int:
    """Each programme's answer, taken step by step through the actions, by its provider's
    coordinator and the ministry that reviews its country, on the days of the round's story."""
    definition = definition_of(survey_round.questionnaire.definition)
    answered = demo_queries.answered_programmes(survey_round)
    statuses = planned_answers(plan, programmes)
    authors = _authors()
    made = 0
    for programme in programmes:
        if programme.pk in answered or programme.code not in statuses:
            continue
        status = statuses[programme.code]
        values = answer_values(Profile.of(programme, plan), plan)
        if status == AnswerStatus.RETURNED:
            values["men_completed_12m"] = values["men_started_12m"]
        if status == AnswerStatus.DRAFT:
            # Saved half-way: the first sections filled in.
            kept = {q.name for s in definition.sections[:4] for q in s.questions}
            values = {name: value for name, value in values.items() if name in kept}
        reviewer = demo_queries.get_user(reviewer_of(programme.country.code))
        assert reviewer is not None  # noqa: S101 - the world made every ministry's account
        steps = workflow(programme.code, plan, status)
        _take(survey_round, programme, (authors[programme.provider_id], reviewer), values, steps)
        made += 1
    return made


def _take(
    survey_round: SurveyRound,
    programme: Programme,
    people: tuple[User, User],
    values: dict[str, Any],
    steps: list[tuple[datetime, str]],
) -> SurveyAnswer:
    author, reviewer = people
    answer: SurveyAnswer | None = None
    for moment, step in steps:
        with clock.frozen(moment):
            if step == START:
                answer = start_answer(survey_round=survey_round, programme=programme, acting_user=author, context=DEMO)
                continue
            assert answer is not None  # noqa: S101 - every way starts with START
            version = answer.version
            if step == SAVE:
                answer = save_answer(
                    answer=answer, values=values, expected_version=version, acting_user=author, context=DEMO
                )
            elif step == SUBMIT:
                answer = submit_answer(answer=answer, expected_version=version, acting_user=author, context=DEMO)
            elif step == RETURN:
                answer = return_answer(
                    answer=answer, expected_version=version, comment=RETURN_COMMENT, acting_user=reviewer, context=DEMO
                )
            elif step == ACCEPT:
                rng = seeded(f"tandem-demo-accept:{survey_round.name}:{programme.code}")
                comment = rng.choice(ACCEPT_COMMENTS) if rng.random() < 0.15 else ""
                answer = accept_answer(
                    answer=answer, expected_version=version, comment=comment, acting_user=reviewer, context=DEMO
                )
            elif step == PUBLISH:
                answer = publish_answer(answer=answer, expected_version=version, acting_user=reviewer, context=DEMO)
    assert answer is not None  # noqa: S101 - every way starts with START
    return answer
