"""The demo's case work: in each country's provider, referrals from every kind of referrer and
men whose cases stand in every state, with risk assessments that rise and fall, the survivor
side's records where the start gate needs them, and work on time and overdue.

Each man's story happens on days of its own, counted back from the day the demo is built: the
clock is frozen at each step and the events are delivered then, as the worker would have, so
that waiting times, due dates and this week's risk rises read as they would in a real office.
Building again changes nothing once a provider has referrals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.cases import actions as case_actions
from tandem.cases.actions import ReferralDetails, reports as report_actions
from tandem.cases.models import Case, Referral
from tandem.cases.rules.lifecycle import TRANSITIONS
from tandem.core import clock, events
from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.demo import queries as demo_queries
from tandem.demo.world import COUNTRIES, DEMO
from tandem.risk import actions as risk_actions
from tandem.risk.models import Occasion, Trigger
from tandem.risk.rules import shipped_instrument
from tandem.survivors import actions as survivor_actions
from tandem.survivors.queries import latest_signal

# Invented men, per country: first names and surnames (in the country's own script).
MEN: dict[str, tuple[list[str], list[str]]] = {
    "AL": (["Besnik", "Dritan", "Erion", "Fatmir", "Gazmend", "Ledio"], ["Çela", "Prifti", "Duka", "Muça", "Xhafa"]),
    "BA": (["Adnan", "Edin", "Haris", "Mirza", "Nedim", "Senad"], ["Hadžić", "Osmanović", "Šehić", "Čaušević"]),
    "XK": (["Agron", "Bekim", "Fisnik", "Kushtrim", "Lulzim", "Shpend"], ["Hoti", "Zeqiri", "Syla", "Thaçi"]),
    "ME": (["Darko", "Igor", "Luka", "Petar", "Savo", "Vladan"], ["Đurović", "Mijanović", "Šćepanović", "Žižić"]),
    "MK": (["Горан", "Дарко", "Игор", "Никола", "Саше", "Филип"], ["Ѓорѓиевски", "Јовановски", "Ќосев", "Шутевски"]),
    "RS": (["Dušan", "Đorđe", "Milan", "Nenad", "Slobodan", "Vladimir"], ["Đokić", "Šarić", "Čolić", "Živković"]),
}

LOW: dict[str, str] = {}
MEDIUM = {"separation": "yes", "minimisation": "yes", "substance_misuse": "yes", "escalation": "yes"}
HIGH = {**MEDIUM, "threats_to_kill": "yes", "stalking_control": "yes"}


@dataclass(frozen=True)
class Story:
    """One man's way, opened ``days`` ago; every later happening at a day offset from then."""

    days: int
    steps: tuple[tuple[int, str], ...] = ()  # (day offset, step of the case)
    risks: tuple[tuple[int, dict[str, str], str], ...] = ()  # (day offset, answers, occasion)
    partner: tuple[int, str] | None = None  # (day offset, "ready" or "impossible")
    referral: str = "accepted"  # or "submitted", "more_information", "rejected"
    self_referral: bool = False
    partner_known: bool = True
    signal: str = ""  # the partner's latest safety signal, recorded yesterday
    report: str = ""  # the report the ending calls for: "sent", "review" (awaiting it) or "draft"


def _way(*days_and_steps: tuple[int, str]) -> tuple[tuple[int, str], ...]:
    return days_and_steps


TO_GROUP = _way((1, "start_assessment"), (9, "assess_suitable"), (14, "start_programme"))
STORIES: list[Story] = [
    Story(days=1, referral="submitted"),
    Story(days=3, referral="submitted", self_referral=True),
    Story(days=9, referral="more_information"),
    Story(days=20, referral="rejected", partner_known=False),
    Story(days=4),
    Story(days=16, steps=_way((1, "start_assessment"))),
    Story(
        days=70,
        steps=_way((1, "start_assessment"), (9, "assess_suitable")),
        risks=((5, LOW, Occasion.INTAKE),),
        partner=(12, "ready"),
    ),
    Story(days=35, steps=_way((1, "start_assessment"), (6, "assess_suitable")), risks=((4, MEDIUM, Occasion.INTAKE),)),
    Story(
        days=90,
        steps=TO_GROUP,
        risks=((6, MEDIUM, Occasion.INTAKE), (87, HIGH, Occasion.TRIGGER)),
        partner=(10, "ready"),
        signal="concern",
    ),
    Story(
        days=60,
        steps=TO_GROUP,
        risks=((5, LOW, Occasion.INTAKE), (45, LOW, Occasion.MID_PROGRAMME)),
        partner=(10, "impossible"),
    ),
    Story(
        days=200,
        steps=(*TO_GROUP, (190, "complete")),
        risks=((7, HIGH, Occasion.INTAKE), (90, MEDIUM, Occasion.MID_PROGRAMME), (185, LOW, Occasion.EXIT)),
        partner=(10, "ready"),
        report="sent",
    ),
    Story(
        days=120,
        steps=(*TO_GROUP, (116, "drop_out")),
        risks=((5, MEDIUM, Occasion.INTAKE),),
        partner=(10, "ready"),
        signal="serious",
        report="review",
    ),
    Story(
        days=110,
        steps=(*TO_GROUP, (80, "exclude")),
        risks=((6, HIGH, Occasion.INTAKE),),
        partner=(10, "ready"),
        report="draft",
    ),
    Story(
        days=50,
        steps=_way((1, "start_assessment"), (8, "assess_suitable"), (30, "transfer")),
        risks=((5, LOW, Occasion.INTAKE),),
    ),
    Story(
        days=300,
        steps=(*TO_GROUP, (200, "complete"), (210, "begin_follow_up")),
        risks=((5, MEDIUM, Occasion.INTAKE), (195, LOW, Occasion.EXIT)),
        partner=(10, "ready"),
    ),
    Story(days=40, steps=_way((1, "start_assessment"), (10, "assess_unsuitable")), partner_known=False),
]
REASONS = {
    "assess_unsuitable": "Denies any violence and refuses group work; referred back with a recommendation.",
    "drop_out": "Stopped coming after the fifth session and does not answer calls.",
    "exclude": "Threatened another group member during a session.",
    "transfer": "Moved to another town; his case goes to the programme there.",
}


def build() -> int:
    """Build the case work of every country's provider; the number of cases made."""
    made = 0
    for code, provider_name, _survivor, agencies, _ministry in COUNTRIES:
        provider = demo_queries.get_organisation_in(provider_name, code)
        if provider is None or demo_queries.has_referrals(provider):
            continue
        staff = Staff(
            provider=provider,
            coordinator=_member(provider, Role.COORDINATOR),
            facilitator=_member(provider, Role.FACILITATOR),
            partner_support=_member(provider, Role.SURVIVOR_WORKER),
        )
        referrers = [
            (agency, _member(agency, Role.REFERRER))
            for _kind, name in agencies
            if (agency := demo_queries.get_organisation_in(name, code)) is not None
        ]
        firsts, lasts = MEN[code]
        for number, story in enumerate(STORIES):
            name = f"{firsts[number % len(firsts)]} {lasts[number % len(lasts)]}"
            sender = _sender(story, number, referrers)
            made += staff.tell(story, name, number, sender)
        # A man already known, referred again by another agency and written in the other script:
        # the coordinator sees him offered as a possible duplicate before she decides.
        _duplicate(code, staff, referrers)
    return made


def _sender(story: Story, number: int, referrers: list[tuple[Organisation, User]]) -> tuple[Organisation, User] | None:
    if story.self_referral or not referrers:
        return None
    if story.report:
        # Reports go to a court or a probation service, whose rules call for them.
        courts = [r for r in referrers if r[0].kind in (OrganisationKind.COURT, OrganisationKind.PROBATION)]
        if courts:
            return courts[number % len(courts)]
    return referrers[number % len(referrers)]


def _member(organisation: Organisation, role: Role) -> User:
    found = demo_queries.member_with_role(organisation, role)
    if found is None:
        raise RuntimeError(f"the demo's {organisation.name} has no {role}")
    return found


def _at(days_ago: float) -> datetime:
    """A working-hours moment ``days_ago`` days before today."""
    day = timezone.localdate() - timedelta(days=int(days_ago))
    return timezone.make_aware(datetime.combine(day, time(10, 0))) + timedelta(hours=(days_ago % 1) * 6)


def _on(days_ago: float, act: Callable[[], Any]) -> Any:
    with clock.frozen(_at(days_ago)):
        result = act()
        while events.deliver_pending():
            pass
    return result


def _details(story: Story, name: str, number: int, sender: tuple[Organisation, User] | None) -> ReferralDetails:
    by_court = sender is not None and sender[0].kind == OrganisationKind.COURT
    return ReferralDetails(
        name=name,
        reason="The court ordered a perpetrator programme after violence against his partner."
        if by_court
        else "Referred after an incident of violence against his partner.",
        birth_date=_at(365 * (28 + number % 20)).date(),
        identity_number=f"{1000000 + number * 7919:013d}",
        incidents="Pushed and hit his partner; the police were called to the home.",
        partner_known=story.partner_known,
        children="Two children, aged 4 and 9, living with their mother." if number % 3 == 0 else "",
        legal_status="Conditional sentence; must complete a programme." if sender is not None else "",
        deadline=_at(-90).date() if sender is not None else None,
    )


REQUESTS = {
    "more_information": "Please send the court's decision and the date of the incident.",
    "rejected": "He lives outside the area this programme serves; please refer him to the programme in his town.",
}


@dataclass(frozen=True)
class Staff:
    provider: Organisation
    coordinator: User
    facilitator: User
    partner_support: User

    def tell(self, story: Story, name: str, number: int, sender: tuple[Organisation, User] | None) -> int:
        details = _details(story, name, number, sender)
        referral: Referral = _on(
            story.days,
            lambda: case_actions.submit_referral(
                provider=self.provider,
                details=details,
                referring_organisation=sender[0] if sender else None,
                acting_user=sender[1] if sender else self.coordinator,
                context=DEMO,
            ),
        )
        if story.referral == "submitted":
            return 0
        if story.referral in REQUESTS:
            act = (
                case_actions.ask_for_more_information
                if story.referral == "more_information"
                else case_actions.reject_referral
            )
            _on(
                story.days - 0.5,
                lambda: act(
                    referral=referral,
                    expected_version=referral.version,
                    reason=REQUESTS[story.referral],
                    acting_user=self.coordinator,
                    context=DEMO,
                ),
            )
            return 0
        case: Case = _on(
            story.days - 0.5,
            lambda: case_actions.accept_referral(
                referral=referral, expected_version=referral.version, acting_user=self.coordinator, context=DEMO
            ),
        )
        # Each happening of the story in the order of its day: assessments, then the survivor
        # side's records, then the case's step of that day.
        happenings: list[tuple[int, int, str, Any]] = [(at, 1, "risk", (a, o)) for at, a, o in story.risks]
        if story.partner is not None:
            happenings.append((story.partner[0], 2, "partner", story.partner[1]))
        happenings += [(at, 3, "step", step) for at, step in story.steps]
        for at, _order, kind, what in sorted(happenings, key=lambda h: (h[0], h[1])):
            days_ago = story.days - at
            if kind == "risk":
                _assess(case, days_ago, what[0], what[1], self.facilitator)
            elif kind == "partner":
                _partner_side(case, what, days_ago, self.partner_support)
            else:
                case = _move(case, what, days_ago, self.coordinator)
        if story.signal and case.partner_reference is not None:
            reference = case.partner_reference
            _on(
                1,
                lambda: survivor_actions.record_safety_signal(
                    organisation=self.provider,
                    reference=reference,
                    level=story.signal,
                    summary="She says he has been calling her again since the last session.",
                    acting_user=self.partner_support,
                    context=DEMO,
                ),
            )
        if story.report:
            self.report(case, story)
        return 1

    def report(self, case: Case, story: Story) -> None:
        """The report the case's ending called for: written, and sent after the safety review
        or waiting for it."""
        report = demo_queries.latest_report(case)
        if report is None or story.report == "draft":
            return
        edited = _on(
            story.days - story.steps[-1][0] - 1,
            lambda: report_actions.edit_report(
                report=report,
                assessment="He attended regularly and took part in the group work; see the facts above.",
                expected_version=report.version,
                acting_user=self.facilitator,
                context=DEMO,
            ),
        )
        submitted = _on(
            story.days - story.steps[-1][0] - 1.5,
            lambda: report_actions.submit_report_for_review(
                report=edited, expected_version=edited.version, acting_user=self.facilitator, context=DEMO
            ),
        )
        if story.report != "sent":
            return
        signal = latest_signal(self.coordinator, case.partner_reference, context=DEMO)
        _on(
            story.days - story.steps[-1][0] - 2,
            lambda: report_actions.review_report(
                report=submitted,
                safe=True,
                signal_seen=signal.pk if signal is not None else None,
                expected_version=submitted.version,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )


def _move(case: Case, step: str, days_ago: float, coordinator: User) -> Case:
    reason = REASONS.get(step, "") if TRANSITIONS[step].needs_reason else ""
    moved: Case = _on(
        days_ago,
        lambda: case_actions.move_case(
            case=case, event=step, expected_version=case.version, reason=reason, acting_user=coordinator, context=DEMO
        ),
    )
    return moved


def _assess(case: Case, days_ago: float, answers: dict[str, str], occasion: str, facilitator: User) -> None:
    instrument = shipped_instrument("tandem-risk")
    chosen = {item.key: "no" for item in instrument.items}
    chosen.update(answers)
    trigger = Trigger.NEW_INCIDENT if occasion == Occasion.TRIGGER else ""
    _on(
        max(days_ago, 0.2),
        lambda: risk_actions.record_assessment(
            case=case, answers=chosen, occasion=occasion, trigger=trigger, acting_user=facilitator, context=DEMO
        ),
    )


def _partner_side(case: Case, kind: str, days_ago: float, partner_support: User) -> None:
    if case.partner_reference is None:
        return
    reference = case.partner_reference
    impossible = kind == "impossible"
    _on(
        max(days_ago, 0.3),
        lambda: survivor_actions.record_partner_contact(
            organisation=case.organisation,
            reference=reference,
            contact_offered_on=None if impossible else clock.today(),
            contact_impossible_because="She has asked not to be contacted again." if impossible else "",
            limitations_explained_on=clock.today(),
            acting_user=partner_support,
            context=DEMO,
        ),
    )


def _duplicate(code: str, staff: Staff, referrers: list[tuple[Organisation, User]]) -> None:
    from cyrtranslit import to_cyrillic, to_latin

    known = demo_queries.first_participant(staff.provider)
    if known is None:
        return
    name = to_latin(known.name, "mk") if code == "MK" else to_cyrillic(known.name, "sr")
    agency, referrer = referrers[-1] if referrers else (None, staff.coordinator)
    details = ReferralDetails(
        name=name,
        reason="A new incident: he was reported again by his partner's neighbour.",
        birth_date=known.birth_date,
        partner_known=True,
    )
    _on(
        0.5,
        lambda: case_actions.submit_referral(
            provider=staff.provider, details=details, referring_organisation=agency, acting_user=referrer, context=DEMO
        ),
    )
