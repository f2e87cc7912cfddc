"""The demo's outcome questionnaires: in each provider, the time points that have opened are
answered, declined or missed as they would be in a real programme (not every man answers, fewer
partners can be reached), each on a day inside its window with the clock frozen then. The
answers change over time the way a programme that works would show: less violence and fear, more
space for action, with his view rosier than hers. Building again changes nothing once a provider
has answers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.cases.rules.lifecycle import State
from tandem.core import clock, events
from tandem.core.models import Organisation, User
from tandem.core.roles import Role
from tandem.demo import queries as demo_queries
from tandem.demo.world import COUNTRIES, DEMO
from tandem.outcomes.actions import Answers, close_without_answers, record_her_answers, record_his_answers
from tandem.outcomes.link_actions import issue_link
from tandem.outcomes.models import Mode, PointState
from tandem.outcomes.pool_actions import contribute, record_agreement
from tandem.outcomes.rules.instruments import ANY, HIGHER, MAN, PARTNER, Instrument, current_instrument
from tandem.survivors.actions.consent import record_consent

LANGUAGE = {"AL": "sq", "XK": "sq", "RS": "sr_Latn", "BA": "bs", "MK": "mk", "ME": "cnr"}
STEP = {"start": 0, "midway": 1, "end": 2, "follow_up_6": 3, "follow_up_12": 4}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)), timezone.get_default_timezone())


def _answer_day(point: Any, rng: random.Random) -> date:
    latest: date = min(point.closes_on, clock.today())
    opens: date = point.opens_on
    return opens + timedelta(days=rng.randint(0, max((latest - opens).days, 0)))


def answers_for(instrument: Instrument, step: int, rng: random.Random, *, rosy: bool) -> dict[str, int | None]:
    """Answers of a person at the ``step``-th time point: problems fade as the steps go on; a man
    reports fewer than his partner does."""
    values: dict[str, int | None] = {}
    for subscale in instrument.subscales:
        for item in subscale.items:
            if rng.random() < 0.04:
                values[item.key] = None  # a question left unanswered
                continue
            low, high = item.scale.lowest, item.scale.highest
            severity = max(0.0, 0.75 - 0.17 * step - (0.2 if rosy else 0.0) + rng.uniform(-0.2, 0.2))
            if subscale.score == ANY:
                # Whether it happened at all: some people say so at each point, fewer later on.
                happened = rng.random() < severity * 0.25
                values[item.key] = rng.randint(low + 1, high) if happened and not item.reversed else low
                continue
            good = subscale.better == HIGHER
            level = (1 - severity) if good else severity
            if item.reversed:
                level = 1 - level
            values[item.key] = max(low, min(high, round(low + level * (high - low))))
    return values


def missing(step: int, *, dropped: bool, base: float, rise: float) -> float:
    """How likely nobody can be reached at the ``step``-th time point: more likely at each later
    point, and after the end far more likely for a man who dropped out (and his partner)."""
    return base + rise * step + (0.3 if dropped and step >= STEP["end"] else 0.0)


def _member(provider: Organisation, role: Role) -> User:
    found = demo_queries.member_with_role(provider, role)
    if found is None:
        raise LookupError(f"the demo provider {provider} has no {role}")
    return found


class Outcomes:
    def __init__(self, provider: Organisation, code: str) -> None:
        self.provider = provider
        self.language = LANGUAGE.get(code, "en")
        self.facilitator = _member(provider, Role.FACILITATOR)
        self.worker = _member(provider, Role.SURVIVOR_WORKER)
        self.admin = _member(provider, Role.ORG_ADMIN)
        self.rng = random.Random(f"outcomes-{code}")  # noqa: S311 - synthetic data, the same at every build
        self.consented: set[int] = set()
        left = demo_queries.cases_in_states(provider, [State.DROPPED_OUT, State.EXCLUDED])
        self.dropped = {case.pk for case in left}

    def his(self, point: Any) -> None:
        draw = self.rng.random()
        day = _answer_day(point, self.rng)
        missed = missing(STEP[point.point], dropped=point.case_id in self.dropped, base=0.06, rise=0.07)
        if point.closes_on < clock.today() and draw < missed:
            self._closed(
                point, PointState.MISSED, "Did not come to the session of the questionnaire.", self.facilitator
            )
            return
        if draw < missed + 0.05 and point.closes_on < clock.today():
            self._closed(point, PointState.DECLINED, "Said he would not fill in forms.", self.facilitator)
            return
        values = answers_for(current_instrument(MAN), STEP[point.point], self.rng, rosy=True)
        self._then(
            day,
            lambda: record_his_answers(
                point=point,
                answers=Answers(values, self.language, day, Mode.SESSION),
                expected_version=point.version,
                acting_user=self.facilitator,
                context=DEMO,
            ),
        )

    def hers(self, point: Any) -> None:
        draw = self.rng.random()
        missed = missing(STEP[point.point], dropped=point.case_number in self.dropped, base=0.15, rise=0.06)
        if point.closes_on < clock.today() and draw < missed:
            self._closed(point, PointState.MISSED, "Three calls at her safe times, no answer.", self.worker)
            return
        if point.partner_id not in self.consented:
            start = point.opens_on - timedelta(days=2)
            self._then(
                start,
                lambda: record_consent(
                    partner=point.partner,
                    channel="phone",
                    purpose="questionnaires",
                    starts_on=start,
                    expires_on=start + timedelta(days=700),
                    acting_user=self.worker,
                    context=DEMO,
                ),
            )
            self.consented.add(point.partner_id)
        day = _answer_day(point, self.rng)
        values = answers_for(current_instrument(PARTNER), STEP[point.point], self.rng, rosy=False)
        self._then(
            day,
            lambda: record_her_answers(
                point=point,
                answers=Answers(values, self.language, day, Mode.INTERVIEW, "phone"),
                expected_version=point.version,
                acting_user=self.worker,
                context=DEMO,
            ),
        )

    def link(self, point: Any) -> str:
        """A link to her questionnaire, sent by SMS, which she agreed to three days ago; the path
        of her page."""
        start = clock.today() - timedelta(days=3)
        self._then(
            start,
            lambda: record_consent(
                partner=point.partner,
                channel="sms",
                purpose="questionnaires",
                starts_on=start,
                expires_on=start + timedelta(days=365),
                acting_user=self.worker,
                context=DEMO,
            ),
        )
        _link, token = issue_link(
            point=point, channel="sms", language=self.language, acting_user=self.worker, context=DEMO
        )
        return reverse("respond:page", kwargs={"token": token})

    def pool(self) -> None:
        """The provider's agreement to pool its outcome data, signed over a year ago, and its
        contribution under it today."""
        signed = clock.today() - timedelta(days=420)
        self._then(
            signed,
            lambda: record_agreement(
                organisation=self.provider,
                reference=f"DSA-{signed.year}-{self.provider.pk:03d}",
                signed_on=signed,
                starts_on=signed + timedelta(days=14),
                ends_on=None,
                scope="Pseudonymised outcome questionnaires for the network's benchmarks.",
                acting_user=self.admin,
                context=DEMO,
            ),
        )
        contribute(organisation=self.provider, acting_user=self.admin, context=DEMO)

    def _closed(self, point: Any, state: str, note: str, by: User) -> None:
        self._then(
            min(point.closes_on, clock.today()),
            lambda: close_without_answers(
                point=point, state=state, note=note, expected_version=point.version, acting_user=by, context=DEMO
            ),
        )

    @staticmethod
    def _then(day: date, act: Any) -> None:
        with clock.frozen(_at(day)):
            act()
            while events.deliver_pending():
                pass


@dataclass(frozen=True)
class Built:
    """What a build of the demo's questionnaires made: the number of time points taken, and the
    paths of the questionnaire links sent to partners (their tokens are shown only now)."""

    taken: int
    links: tuple[str, ...]


def build() -> Built:
    """The questionnaires of every provider's opened time points, a link sent to one partner of
    each provider whose point is open today, and each provider's contribution to the pooled
    dataset under its data-sharing agreement."""
    taken = 0
    links: list[str] = []
    today = clock.today()
    for code, provider_name, *_rest in COUNTRIES:
        provider = demo_queries.get_organisation_in(provider_name, code)
        if provider is None or demo_queries.has_outcome_answers(provider):
            continue
        outcomes = Outcomes(provider, code)
        his, hers = demo_queries.outcome_points_of(provider)
        # One point open today is left for her to answer herself, through the link she is sent.
        for_link = next((point for point in reversed(hers) if point.closes_on >= today), None)
        with transaction.atomic():
            for point in his:
                outcomes.his(point)
            for point in hers:
                if point is not for_link:
                    outcomes.hers(point)
            if for_link is not None:
                links.append(outcomes.link(for_link))
            outcomes.pool()
        taken += len(his) + len(hers)
    return Built(taken, tuple(links))
