"""The demo's case work: in each country's provider, referrals from every kind of referrer and
men whose cases stand in every state, with intake and risk assessments, the survivor side's
records where the start gate needs them, reports to the referrer, and work on time and overdue.

Each man's story happens on days of its own, counted back from the day the demo is built: the
clock is frozen at each happening and the events are delivered then, as the worker would have,
so that waiting times, due dates and this week's risk rises read as they would in a real office.
The happenings of a story follow one another in time, never two at the same moment, so that a
case's timeline reads in the order the story tells it. Building again changes nothing once a
provider has referrals.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from math import ceil
from typing import Any

from django.utils import timezone

from tandem.cases import actions as case_actions
from tandem.cases.actions import ReferralDetails, reports as report_actions
from tandem.cases.actions.records import IntakeAnswers, record_intake
from tandem.cases.models import Case, Concern, Denial, Motivation, Referral, ReportKind
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
    "XK": (["Arbër", "Bekim", "Fisnik", "Kushtrim", "Lulzim", "Shpend"], ["Hoti", "Zeqiri", "Syla", "Çollaku"]),
    "ME": (["Darko", "Igor", "Luka", "Petar", "Savo", "Vladan"], ["Đurović", "Mijanović", "Šćepanović", "Žižić"]),
    "MK": (["Горан", "Дарко", "Игор", "Никола", "Саше", "Филип"], ["Ѓорѓиевски", "Јовановски", "Ќосев", "Шутевски"]),
    "RS": (["Dušan", "Đorđe", "Milan", "Nenad", "Slobodan", "Vladimir"], ["Đokić", "Šarić", "Čolić", "Živković"]),
}

LOW: dict[str, str] = {}
MEDIUM = {"separation": "yes", "minimisation": "yes", "substance_misuse": "yes", "escalation": "yes"}
HIGH = {**MEDIUM, "threats_to_kill": "yes", "stalking_control": "yes"}

# The hours of an office day over which the happenings of one day offset spread.
DAY_STARTS = time(10, 0)
WORKING_HOURS = 8
# A decision on a referral comes a few hours after it arrives (half an office day).
DECIDED = 0.5
# Happenings on the same day of a story follow one another by this part of a day.
SAME_DAY = 0.1


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
# The steps the intake and suitability assessment comes before.
ASSESSED = ("assess_suitable", "assess_unsuitable")
# What the facilitator found at intake, for the men found suitable (chosen in turn) ...
SUITABLE = [
    IntakeAnswers(
        motivation=Motivation.SOME,
        denial=Denial.MINIMISES,
        substance_use=Concern.SOME,
        mental_health=Concern.NONE,
        summary="Says the police exaggerated, but agrees that he frightened her. Drinks at weekends.",
    ),
    IntakeAnswers(
        motivation=Motivation.EXTERNAL,
        denial=Denial.MINIMISES,
        substance_use=Concern.NONE,
        mental_health=Concern.NONE,
        summary="Came because he was sent; blames his partner's jealousy for the arguments.",
    ),
    IntakeAnswers(
        motivation=Motivation.OWN,
        denial=Denial.ACCEPTS,
        substance_use=Concern.NONE,
        mental_health=Concern.SOME,
        summary="Wants to stop before he loses his family. Sleeps badly; his doctor is treating him.",
    ),
    IntakeAnswers(
        motivation=Motivation.SOME,
        denial=Denial.ACCEPTS,
        substance_use=Concern.SERIOUS,
        mental_health=Concern.NONE,
        summary="Accepts that he hit her. Drinks every day: referred to the addiction service alongside the group.",
    ),
    IntakeAnswers(
        motivation=Motivation.EXTERNAL,
        denial=Denial.MINIMISES,
        substance_use=Concern.SOME,
        mental_health=Concern.SOME,
        summary="Speaks of 'a few slaps' and of stress at work; agrees to come to every session.",
    ),
]
# ... and for the men found unsuitable, who deny the violence (one per country, chosen in turn).
UNSUITABLE = [
    IntakeAnswers(
        motivation=Motivation.NONE,
        denial=Denial.DENIES,
        substance_use=Concern.SERIOUS,
        mental_health=Concern.NONE,
        summary="Denies any violence and calls the referral a plot by her family; drinks heavily and refuses help.",
    ),
    IntakeAnswers(
        motivation=Motivation.EXTERNAL,
        denial=Denial.DENIES,
        substance_use=Concern.NONE,
        mental_health=Concern.SERIOUS,
        summary="Denies the violence. Untreated depression with thoughts of suicide: referred to mental health care.",
    ),
]
# A man's language needs, where he has any (every third intake), in each country.
LANGUAGE_NEEDS = {
    "AL": "Speaks Greek at home and reads Albanian slowly: written material is read aloud to him.",
    "BA": "Reads with difficulty: the forms and the group's handouts are read aloud to him.",
    "XK": "His first language is Serbian: an interpreter for the individual sessions.",
    "ME": "Speaks Albanian at home; follows the group in Montenegrin, with an interpreter at intake.",
    "MK": "His first language is Albanian: an interpreter for the individual sessions.",
    "RS": "Speaks Romani at home and reads Serbian slowly: written material is read aloud to him.",
}
# The programme's assessment in a report, by its kind, and by the step that ended the case where
# two endings call for the same kind.
ASSESSMENTS = {
    ReportKind.COMPLETION: (
        "He attended every session and completed the programme. He took part in the group work and, "
        "towards the end, spoke of the violence as his own responsibility."
    ),
    ReportKind.NON_COMPLIANCE: (
        "He stopped attending after the fifth session and did not answer our calls or letters; "
        "the programme could not continue with him."
    ),
    ReportKind.PROGRESS: "He attends regularly and takes part in the group work.",
}
ASSESSMENT_OF_ENDING = {
    "exclude": "He threatened another group member during a session and was excluded from the programme.",
}


def build() -> int:
    """Build the case work of every country's provider; the number of cases made."""
    made = 0
    for country, (code, provider_name, _survivor, agencies, _ministry) in enumerate(COUNTRIES):
        provider = demo_queries.get_organisation_in(provider_name, code)
        if provider is None or demo_queries.has_referrals(provider):
            continue
        staff = Staff(
            provider=provider,
            coordinator=_member(provider, Role.COORDINATOR),
            facilitator=_member(provider, Role.FACILITATOR),
            partner_support=_member(provider, Role.SURVIVOR_WORKER),
            code=code,
            country=country,
        )
        referrers = [
            (agency, _member(agency, Role.REFERRER))
            for _kind, name in agencies
            if (agency := demo_queries.get_organisation_in(name, code)) is not None
        ]
        firsts, lasts = MEN[code]
        for number, story in enumerate(STORIES):
            name = _name(firsts, lasts, number)
            sender = _sender(story, number, referrers)
            made += staff.tell(story, name, number, sender)
        # A man already known, referred again by another agency and written in another script
        # (or, in Albanian, without its letters ç and ë): the coordinator sees him offered as a
        # possible duplicate before she decides.
        _duplicate(code, staff, referrers)
    return made


def _name(firsts: list[str], lasts: list[str], number: int) -> str:
    """The man's name: every first name with each surname in turn, so that no two men of one
    country share a name (a namesake would be offered as a possible duplicate of the other)."""
    first, turn = number % len(firsts), number // len(firsts)
    return f"{firsts[first]} {lasts[(first + turn * (len(firsts) + 1)) % len(lasts)]}"


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
    """A moment in office hours ``days_ago`` days before today: a whole number of days is the
    start of that day's office hours, and each part of a day less is that part of the office day
    later, so that a smaller ``days_ago`` is always a later moment (and any above 0 is past)."""
    whole = ceil(days_ago)
    day = timezone.localdate() - timedelta(days=whole)
    start = timezone.make_aware(datetime.combine(day, DAY_STARTS))
    return start + timedelta(hours=(whole - days_ago) * WORKING_HOURS)


def _days_before(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _on(days_ago: float, act: Callable[[], Any]) -> Any:
    with clock.frozen(_at(days_ago)):
        result = act()
        while events.deliver_pending():
            pass
    return result


def _details(
    story: Story, name: str, number: int, country: int, sender: tuple[Organisation, User] | None
) -> ReferralDetails:
    by_court = sender is not None and sender[0].kind == OrganisationKind.COURT
    return ReferralDetails(
        name=name,
        reason="The court ordered a perpetrator programme after violence against his partner."
        if by_court
        else "Referred after an incident of violence against his partner.",
        # Distinct in every country: one story's men in two countries are two other men
        # (53 days a country keeps them within the year the story gives his age).
        birth_date=_days_before(365 * (28 + number % 20) + 53 * country),
        identity_number=f"{country + 1}{1000000 + number * 7919:012d}",
        incidents="Pushed and hit his partner; the police were called to the home.",
        partner_known=story.partner_known,
        children="Two children, aged 4 and 9, living with their mother." if number % 3 == 0 else "",
        legal_status="Conditional sentence; must complete a programme." if sender is not None else "",
        # Between 30 and 150 days ahead, the referrer's own.
        deadline=_days_before(-(30 + (37 * number + 23 * country) % 121)) if sender is not None else None,
    )


REQUESTS = {
    "more_information": "Please send the court's decision and the date of the incident.",
    "rejected": "He lives outside the area this programme serves; please refer him to the programme in his town.",
}


@dataclass(frozen=True)
class Happening:
    """Something that happens on a case: on day ``at`` of its story, in ``rank`` among that
    day's happenings."""

    at: float
    rank: int
    kind: str
    what: Any = None

    def days_ago(self, story: Story) -> float:
        return story.days - self.at - self.rank * SAME_DAY


def happenings(story: Story, number: int) -> list[Happening]:
    """The happenings of an accepted story after the case opened, in the order they happen:
    each strictly after the one before, all of them before today."""
    told = [Happening(at, 1, "risk", (answers, occasion)) for at, answers, occasion in story.risks]
    if story.partner is not None:
        told.append(Happening(story.partner[0], 2, "partner", story.partner[1]))
    told += [Happening(at, 3, "step", step) for at, step in story.steps]
    # The intake interview a day or two before the coordinator decides on suitability.
    told += [Happening(at - 1 - number % 2, 0, "intake", step) for at, step in story.steps if step in ASSESSED]
    if story.signal:
        told.append(Happening(story.days - 1, 0, "signal", story.signal))
    if story.report in ("sent", "review"):
        ended = story.steps[-1][0]
        told += [Happening(ended + 1, 0, "edit_report"), Happening(ended + 1.5, 0, "submit_report")]
        if story.report == "sent":
            told.append(Happening(ended + 2, 0, "review_report"))
    told.sort(key=lambda h: (h.at, h.rank))
    before = story.days - DECIDED
    for happening in told:
        days_ago = happening.days_ago(story)
        if not before > days_ago > 0:
            raise RuntimeError(f"the demo's story of {story.days} days tells {happening.kind} out of its time")
        before = days_ago
    return told


@dataclass(frozen=True)
class Staff:
    provider: Organisation
    coordinator: User
    facilitator: User
    partner_support: User
    code: str
    country: int

    def tell(self, story: Story, name: str, number: int, sender: tuple[Organisation, User] | None) -> int:
        details = _details(story, name, number, self.country, sender)
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
                story.days - DECIDED,
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
            story.days - DECIDED,
            lambda: case_actions.accept_referral(
                referral=referral, expected_version=referral.version, acting_user=self.coordinator, context=DEMO
            ),
        )
        telling = Telling(staff=self, story=story, number=number, case=case)
        for happening in happenings(story, number):
            _on(happening.days_ago(story), partial(telling.tell, happening))
        return 1


@dataclass
class Telling:
    """One story told on its case, which each step of the story moves on."""

    staff: Staff
    story: Story
    number: int
    case: Case
    report: Any = field(default=None)

    def tell(self, happening: Happening) -> None:
        getattr(self, happening.kind)(happening.what)

    def risk(self, what: tuple[dict[str, str], str]) -> None:
        answers, occasion = what
        instrument = shipped_instrument("tandem-risk")
        chosen = {item.key: "no" for item in instrument.items}
        chosen.update(answers)
        risk_actions.record_assessment(
            case=self.case,
            answers=chosen,
            occasion=occasion,
            trigger=Trigger.NEW_INCIDENT if occasion == Occasion.TRIGGER else "",
            acting_user=self.staff.facilitator,
            context=DEMO,
        )

    def partner(self, kind: str) -> None:
        if self.case.partner_reference is None:
            return
        impossible = kind == "impossible"
        survivor_actions.record_partner_contact(
            organisation=self.case.organisation,
            reference=self.case.partner_reference,
            contact_offered_on=None if impossible else clock.today(),
            contact_impossible_because="She has asked not to be contacted again." if impossible else "",
            limitations_explained_on=clock.today(),
            acting_user=self.staff.partner_support,
            context=DEMO,
        )

    def intake(self, step: str) -> None:
        turn = self.number + self.staff.country
        found = UNSUITABLE[turn % len(UNSUITABLE)] if step == "assess_unsuitable" else SUITABLE[turn % len(SUITABLE)]
        language = LANGUAGE_NEEDS[self.staff.code] if turn % 3 == 0 else ""
        record_intake(
            case=self.case,
            answers=IntakeAnswers(
                motivation=found.motivation,
                denial=found.denial,
                substance_use=found.substance_use,
                mental_health=found.mental_health,
                language_needs=language,
                summary=found.summary,
            ),
            expected_version=0,
            acting_user=self.staff.facilitator,
            context=DEMO,
        )

    def step(self, step: str) -> None:
        reason = REASONS.get(step, "") if TRANSITIONS[step].needs_reason else ""
        self.case = case_actions.move_case(
            case=self.case,
            event=step,
            expected_version=self.case.version,
            reason=reason,
            acting_user=self.staff.coordinator,
            context=DEMO,
        )

    def signal(self, level: str) -> None:
        if self.case.partner_reference is None:
            return
        survivor_actions.record_safety_signal(
            organisation=self.staff.provider,
            reference=self.case.partner_reference,
            level=level,
            summary="She says he has been calling her again since the last session.",
            acting_user=self.staff.partner_support,
            context=DEMO,
        )

    def edit_report(self, _what: None) -> None:
        """The report the case's ending called for, with the programme's assessment."""
        report = demo_queries.latest_report(self.case)
        if report is None:
            return
        ending = self.story.steps[-1][1]
        self.report = report_actions.edit_report(
            report=report,
            assessment=ASSESSMENT_OF_ENDING.get(ending) or ASSESSMENTS[ReportKind(report.kind)],
            expected_version=report.version,
            acting_user=self.staff.facilitator,
            context=DEMO,
        )

    def submit_report(self, _what: None) -> None:
        if self.report is None:
            return
        self.report = report_actions.submit_report_for_review(
            report=self.report, expected_version=self.report.version, acting_user=self.staff.facilitator, context=DEMO
        )

    def review_report(self, _what: None) -> None:
        if self.report is None:
            return
        signal = latest_signal(self.staff.coordinator, self.case.partner_reference, context=DEMO)
        report_actions.review_report(
            report=self.report,
            safe=True,
            signal_seen=signal.pk if signal is not None else None,
            expected_version=self.report.version,
            acting_user=self.staff.coordinator,
            context=DEMO,
        )


def without_marks(text: str) -> str:
    """The text without its letters' diacritics (Çela: Cela), as a form typed on a keyboard
    without them has it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def in_another_script(code: str, name: str) -> str:
    """How another agency may write the man's name: Serbian Cyrillic for a name in Latin in
    Bosnia and Herzegovina, Montenegro and Serbia; Latin for a Macedonian name; in Albanian,
    which has one script, without the diacritics."""
    from cyrtranslit import to_cyrillic, to_latin

    if code in ("AL", "XK"):
        return without_marks(name)
    if code == "MK":
        return str(to_latin(name, "mk"))
    return str(to_cyrillic(name, "sr"))


def scripts(text: str) -> set[str]:
    """The scripts of the text's letters (LATIN, CYRILLIC ...)."""
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


def _duplicate(code: str, staff: Staff, referrers: list[tuple[Organisation, User]]) -> None:
    # The first man the programme knows whose name reads otherwise when written so.
    known = next(
        (p for p in demo_queries.participants(staff.provider) if in_another_script(code, p.name) != p.name), None
    )
    if known is None:
        return
    name = in_another_script(code, known.name)
    if len(scripts(name)) != 1:
        raise RuntimeError(f"the demo's name {name!r} mixes scripts")
    agency, referrer = referrers[-1] if referrers else (None, staff.coordinator)
    details = ReferralDetails(
        name=name,
        reason="A new incident: he was reported again by his partner's neighbour.",
        birth_date=known.birth_date,
        partner_known=True,
    )
    # Yesterday afternoon: it waits for the coordinator's decision.
    _on(
        0.5,
        lambda: case_actions.submit_referral(
            provider=staff.provider, details=details, referring_organisation=agency, acting_user=referrer, context=DEMO
        ),
    )
