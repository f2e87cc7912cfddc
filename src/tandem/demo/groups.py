"""The demo's group work: in each country's provider, the facilitators (a woman and a man in
every team), a closed group that has finished, a rolling group running with men who joined at
different entry points, a group planned to start in two weeks, and the men's way through them.

The finished group shows completion by attendance: men who attended, or made up, enough of the
curriculum complete; one dropped out after two unacceptable absences and one was excluded. The
running group shows what a week brings: a cover facilitator, a session run by two men because
the woman facilitator was ill (the coordinator went ahead and said why), catch-ups made up,
missed and planned, a man referred by a court whose second unacceptable absence makes a report
due, a concern for a partner's safety raised in the last session, and a waiting man the
programme could not place there because his co-defendant is in it.

Each of the men's stories is told as in ``cases``: the clock is frozen at each happening and the
events are delivered then, as the worker would have. Sessions are recorded the evening they
were held, by a facilitator who ran them. Building again changes nothing once a provider has
groups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.cases import actions as case_actions
from tandem.cases.actions import ReferralDetails, reports as report_actions
from tandem.cases.models import Case, Referral
from tandem.core import clock, events
from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.demo import queries as demo_queries, world
from tandem.demo.cases import DECIDED, LOW, MEDIUM, Staff, Story, Telling, _at, _member, _on, happenings
from tandem.demo.world import COUNTRIES, DEMO, DemoSignIn
from tandem.groups import queries as group_queries
from tandem.groups.actions import GroupRefused
from tandem.groups.actions.allocation import allocate, record_non_association
from tandem.groups.actions.attendance import Mark, plan_catch_up, record_catch_up, record_session
from tandem.groups.actions.planning import (
    GroupPlan,
    ProfileDetails,
    add_facilitator_note,
    move_session,
    plan_group,
    save_facilitator,
    set_session_team,
)
from tandem.groups.models import CatchUp, FacilitatorProfile, Group, GroupSession, Intake, Membership
from tandem.groups.rules.attendance import Code
from tandem.groups.rules.cofacilitation import Gender
from tandem.groups.rules.nonassociation import NonAssociationKind
from tandem.risk.models import Occasion

CURRICULUM = "tandem-generic-1"
# The language each country's groups are run in.
LANGUAGES = {"AL": "sq", "BA": "bs", "XK": "sq", "ME": "cnr", "MK": "mk", "RS": "sr-latn"}
# A second man facilitator for each provider, so that a man can cover for a man (invented).
SECOND_MAN: dict[str, tuple[str, str]] = {
    "AL": ("Endrit", "Kastrati"),
    "BA": ("Adis", "Mešić"),
    "XK": ("Blerim", "Sopi"),
    "ME": ("Stefan", "Mugoša"),
    "MK": ("Марјан", "Костовски"),
    "RS": ("Uroš", "Milić"),
}
# The men of the groups, per country: first names and surnames none of the case stories uses.
GROUP_MEN: dict[str, tuple[list[str], list[str]]] = {
    "AL": (
        ["Agron", "Bledar", "Ermal", "Florian", "Klodian", "Mariglen", "Redon"],
        ["Hasani", "Kurti", "Lika", "Osmani", "Zeneli"],
    ),
    "BA": (
        ["Almir", "Dino", "Elvir", "Jasmin", "Kenan", "Samir", "Tarik"],
        ["Alić", "Husić", "Mehić", "Pašić", "Zukić"],
    ),
    "XK": (
        ["Agim", "Besart", "Donart", "Egzon", "Florent", "Granit", "Mentor"],
        ["Avdiu", "Istrefi", "Maloku", "Sadiku", "Thaçi"],
    ),
    "ME": (
        ["Aleksa", "Bojan", "Dragan", "Filip", "Miloš", "Ognjen", "Zoran"],
        ["Brajović", "Ivanović", "Jokić", "Knežević", "Vučinić"],
    ),
    "MK": (
        ["Ангел", "Бобан", "Васко", "Зоран", "Кирил", "Љупчо", "Томе"],
        ["Андоновски", "Велковски", "Илиевски", "Најдовски", "Спасовски"],
    ),
    "RS": (
        ["Aleksandar", "Bojan", "Dejan", "Goran", "Ivan", "Lazar", "Predrag"],
        ["Kostić", "Lukić", "Mitrović", "Radić", "Todorović"],
    ),
}

# A session is recorded the evening it was held, this long after it ended.
RECORDED_AFTER = timedelta(minutes=20)
# What the office does about a session happens the next morning, from this hour.
MORNING = time(9, 0)

WAY_TO_WAITING = ((1, "start_assessment"), (8, "assess_suitable"))


@dataclass(frozen=True)
class Shape:
    """A group's name, intake and weekly slot; ``starts`` is its first week in days from the day
    the demo is built (negative: in the past)."""

    name: str
    intake: str
    weekday: int  # Monday is 0
    at: time
    starts: int


# 26 weekly sessions, all held some weeks ago.
CLOSED = Shape("Tuesday evening group", Intake.CLOSED, 1, time(17, 0), -245)
# About a dozen sessions held, the rest to come.
ROLLING = Shape("Thursday rolling group", Intake.ROLLING, 3, time(17, 30), -95)
UPCOMING = Shape("Monday group", Intake.CLOSED, 0, time(18, 0), 14)
OVERRIDE_REASON = "The woman facilitator was ill and no cover was available."
CO_DEFENDANTS = NonAssociationKind.CO_DEFENDANTS

# What a facilitator notes of a man's part in a session, by his attendance.
PARTICIPATION = {
    Code.LATE: "Came late from work; took part once he arrived.",
    Code.FAILED_TO_COMPLY: "Shouted at another man during the check-in and would not stop; asked to leave the room.",
    Code.ACCEPTABLE_ABSENCE: "Ill: he called before the session and sent his doctor's note.",
    Code.UNACCEPTABLE_ABSENCE: "Did not come and did not call; no answer when called afterwards.",
}
CONCERN = (
    "Said his partner 'will regret' going to the police and that he knows where she works now. "
    "Angry about the contact arrangements for the children."
)
ENDINGS = {
    "drop_out": "Stopped coming after the fifth session and does not answer calls.",
    "exclude": "Threatened another group member during a session.",
}
# The programme's assessment in the report the ending of a finished group's man called for.
ASSESSMENTS = {
    "complete": (
        "He attended the sessions the curriculum requires and completed the group programme. He took part "
        "in the group work and, in the last module, spoke of the violence as his own responsibility."
    ),
    "drop_out": (
        "He stopped attending after the fifth session and did not answer our calls or letters; "
        "the programme could not continue with him."
    ),
    "exclude": "He threatened another group member during a session and was excluded from the programme.",
}


@dataclass(frozen=True)
class Man:
    """One man of the group work, referred ``days`` ago and waiting for a group after
    ``WAY_TO_WAITING``; ``codes`` are his attendance where it is not "attended"."""

    days: int
    sent_by: str = "any"  # "court" (a court or probation service, where the country has one), "other"
    codes: Mapping[int, str] = field(default_factory=dict)
    partner: str = "ready"
    risk: Mapping[str, str] = field(default_factory=lambda: LOW)


# The finished group: three complete, one drops out, one is excluded.
FINISHED = [
    Man(days=300, sent_by="court", codes={3: Code.LATE, 14: Code.LATE}),
    # Ill for session 8, which must be made up: he makes it up in a catch-up.
    Man(days=297, sent_by="other", codes={8: Code.ACCEPTABLE_ABSENCE, 20: Code.LATE}, risk=MEDIUM),
    # Three absences the programme accepts, none of a session that must be made up: 23 of 26.
    Man(
        days=294,
        codes={5: Code.LATE, 13: Code.ACCEPTABLE_ABSENCE, 16: Code.ACCEPTABLE_ABSENCE, 21: Code.ACCEPTABLE_ABSENCE},
    ),
    Man(days=291, sent_by="other", codes={6: Code.UNACCEPTABLE_ABSENCE, 7: Code.UNACCEPTABLE_ABSENCE}, risk=MEDIUM),
    Man(days=288, sent_by="court", codes={2: Code.LATE, 9: Code.FAILED_TO_COMPLY}, risk=MEDIUM),
]
FINISHED_ENDINGS = {3: (7, "drop_out"), 4: (9, "exclude")}  # man: (after session, ending)
# The running group: three from its first session, one from the second module, one from the third.
RUNNING = [
    Man(days=130, sent_by="court", risk=MEDIUM),  # two unacceptable absences lately
    Man(days=127, codes={2: Code.ACCEPTABLE_ABSENCE, 6: Code.LATE}),  # the waiting man's co-defendant
    Man(days=124, risk=MEDIUM),  # an absence to make up, and the concern in the last session
    Man(days=121, sent_by="other", codes={7: Code.LATE}),
    Man(days=118, partner="impossible"),
]
RUNNING_JOINS = {3: 5, 4: 10}  # man: the entry point he joins at
PLANNED = [Man(days=45), Man(days=40, sent_by="court", risk=MEDIUM), Man(days=35, sent_by="other")]
WAITING = Man(days=60, sent_by="court", risk=MEDIUM)


def build() -> int:
    """Build the group work of every country's provider; the number of groups made."""
    made = 0
    for country, (code, provider_name, _survivor, agencies, _ministry) in enumerate(COUNTRIES):
        provider = demo_queries.get_organisation_in(provider_name, code)
        if provider is None or demo_queries.has_groups(provider):
            continue
        referrers = [
            (agency, _member(agency, Role.REFERRER))
            for _kind, name in agencies
            if (agency := demo_queries.get_organisation_in(name, code)) is not None
        ]
        with transaction.atomic():
            made += GroupWork(
                staff=Staff(
                    provider=provider,
                    coordinator=_member(provider, Role.COORDINATOR),
                    facilitator=_member(provider, Role.FACILITATOR),
                    partner_support=_member(provider, Role.SURVIVOR_WORKER),
                    code=code,
                    country=country,
                ),
                referrers=referrers,
            ).build()
    return made


def with_sign_ins(sign_ins: list[DemoSignIn]) -> list[DemoSignIn]:
    """The world's sign-ins with each provider's second man facilitator, whom the group work
    adds, after its first."""
    added = {f"{code.lower()}.facilitator.m" for code, *_rest in COUNTRIES}
    found: list[DemoSignIn] = []
    for sign_in in sign_ins:
        found.append(sign_in)
        if sign_in.username in added:
            found.append(DemoSignIn(f"{sign_in.username}2", Role.FACILITATOR, sign_in.organisation))
    return found


def _then(moment: datetime, act: Callable[[], Any]) -> Any:
    """``act`` at ``moment``, with the events it raised delivered then."""
    with clock.frozen(moment):
        result = act()
        while events.deliver_pending():
            pass
    return result


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _morning_after(session: GroupSession, minutes: int = 0) -> datetime:
    return _local(timezone.localdate(session.start) + timedelta(days=1), MORNING) + timedelta(minutes=minutes)


def _morning_of(session: GroupSession, hours: int = 0) -> datetime:
    return _local(timezone.localdate(session.start), MORNING) + timedelta(hours=hours)


@dataclass
class Placed:
    """A man in a group: his story's telling (the case it moves on) and his place."""

    telling: Telling
    membership: Membership
    codes: dict[int, str]
    left: bool = False  # his case ended and he left the group

    def expected_at(self, session: GroupSession) -> bool:
        return not self.left and self.membership.first_session <= session.number

    @property
    def case(self) -> Case:
        return self.telling.case


@dataclass
class Team:
    coordinator: FacilitatorProfile
    woman: FacilitatorProfile
    man: FacilitatorProfile
    second_man: FacilitatorProfile


@dataclass
class GroupWork:
    """One provider's group work, told in the order it happened."""

    staff: Staff
    referrers: list[tuple[Organisation, User]]
    told: int = 0  # men whose story has been told, which numbers them

    @property
    def coordinator(self) -> User:
        return self.staff.coordinator

    def build(self) -> int:
        """The provider's group work; the number of groups made."""
        team = self.facilitators()
        finished = self.finished_group(team)
        running, co_defendant = self.running_group(team)
        planned = self.planned_group(team)
        self.refused_allocation(running, co_defendant)
        self.notes(team)
        return len([finished, running, planned])

    # --- Facilitators --------------------------------------------------------------------------

    def facilitators(self) -> Team:
        """A profile for the coordinator and each facilitator, with a second man facilitator
        made for the purpose, saved before the finished group was planned."""
        prefix = self.staff.code.lower()
        admin = world.platform_admin()
        # Named as ``with_sign_ins`` lists him.
        second = world.account(f"{prefix}.facilitator.m2", SECOND_MAN[self.staff.code], admin)
        world.place(second, self.staff.provider, Role.FACILITATOR, admin)
        man = demo_queries.get_user(f"{prefix}.facilitator.m")
        if man is None:
            raise RuntimeError(f"the demo's {self.staff.provider.name} has no {prefix}.facilitator.m")
        return Team(
            coordinator=self.profile(self.coordinator, Gender.WOMAN, _years_ago(6), _years_ago(5)),
            woman=self.profile(self.staff.facilitator, Gender.WOMAN, _years_ago(3), _years_ago(2)),
            # Trained, not yet certified.
            man=self.profile(man, Gender.MAN, _years_ago(1.5), None),
            # New to the programme: his training is still to come.
            second_man=self.profile(second, Gender.MAN, None, None),
        )

    def profile(self, person: User, gender: str, trained: date | None, certified: date | None) -> FacilitatorProfile:
        found = group_queries.profile_of(person, self.staff.provider.pk)
        if found is not None:
            return found
        profile: FacilitatorProfile = _on(
            280,
            lambda: save_facilitator(
                organisation=self.staff.provider,
                person=person,
                details=ProfileDetails(gender=gender, trained_on=trained, certified_on=certified),
                expected_version=0,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        return profile

    def notes(self, team: Team) -> None:
        _on(
            30,
            lambda: add_facilitator_note(
                profile=team.second_man,
                kind="supervision",
                text=(
                    "Supervision after his first sessions as cover in the Thursday group: he keeps the men to "
                    "the subject well; next, to challenge minimising remarks at once rather than at the end."
                ),
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        _on(
            3,
            lambda: add_facilitator_note(
                profile=team.woman,
                kind="continuity",
                text=(
                    "On leave for two weeks from the middle of next month: the coordinator runs her sessions of "
                    "the Thursday group, and the men are told at the session before."
                ),
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )

    # --- The men -------------------------------------------------------------------------------

    def waiting(self, man: Man) -> Telling:
        """The man's way from his referral to the waiting list, with the intake, the risk
        assessment and the survivor side's records the start gate needs."""
        index, self.told = self.told, self.told + 1
        firsts, lasts = GROUP_MEN[self.staff.code]
        # Every first name with each surname in turn: no two men of a provider share a name.
        name = f"{firsts[index % len(firsts)]} {lasts[(index + index // len(firsts)) % len(lasts)]}"
        sender = self.sender(man.sent_by, index)
        country = self.staff.country
        details = ReferralDetails(
            name=name,
            reason="Referred after violence against his partner; a group programme is recommended.",
            # Unlike any man of the case stories, in any country.
            birth_date=timezone.localdate() - timedelta(days=365 * (30 + index) + 53 * country + 26),
            identity_number=f"{country + 1}{2000000 + index * 7919:012d}",
            incidents="Threatened and hit his partner; she called the police.",
            partner_known=True,
            legal_status="Conditional sentence; must complete a programme." if sender is not None else "",
            deadline=_day(330 - man.days) if sender is not None else None,
        )
        referral: Referral = _on(
            man.days,
            lambda: case_actions.submit_referral(
                provider=self.staff.provider,
                details=details,
                referring_organisation=sender[0] if sender else None,
                acting_user=sender[1] if sender else self.coordinator,
                context=DEMO,
            ),
        )
        case: Case = _on(
            man.days - DECIDED,
            lambda: case_actions.accept_referral(
                referral=referral, expected_version=referral.version, acting_user=self.coordinator, context=DEMO
            ),
        )
        story = Story(
            days=man.days,
            steps=WAY_TO_WAITING,
            risks=((5, dict(man.risk), Occasion.INTAKE),),
            partner=(10, man.partner),
        )
        # Numbered after the case stories, for the intake the facilitator records.
        telling = Telling(staff=self.staff, story=story, number=20 + index, case=case)
        for happening in happenings(story, telling.number):
            _on(happening.days_ago(story), partial(telling.tell, happening))
        return telling

    def sender(self, sent_by: str, index: int) -> tuple[Organisation, User] | None:
        courts = [r for r in self.referrers if r[0].kind in (OrganisationKind.COURT, OrganisationKind.PROBATION)]
        others = [r for r in self.referrers if r not in courts]
        pool = {"court": courts, "other": others}.get(sent_by) or self.referrers
        return pool[index % len(pool)] if pool else None

    def place(self, telling: Telling, group: Group, moment: datetime, codes: Mapping[int, str]) -> Placed:
        membership: Membership = _then(
            moment,
            lambda: allocate(
                case=telling.case,
                group=group,
                expected_version=telling.case.version,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        return Placed(telling=telling, membership=membership, codes=dict(codes))

    # --- Groups --------------------------------------------------------------------------------

    def plan(self, days_ago: float, shape: Shape, team: list[FacilitatorProfile]) -> Group:
        group: Group = _on(
            days_ago,
            lambda: plan_group(
                organisation=self.staff.provider,
                plan=GroupPlan(
                    name=shape.name,
                    curriculum=CURRICULUM,
                    intake=shape.intake,
                    venue="Programme centre, group room",
                    weekday=shape.weekday,
                    start_time=shape.at,
                    start_date=_day(shape.starts),
                    capacity=10,
                    language=LANGUAGES[self.staff.code],
                    programme_id=demo_queries.programme_of(self.staff.provider),
                ),
                facilitator_ids=[profile.pk for profile in team],
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        return group

    def record(self, session: GroupSession, men: list[Placed], concern: Placed | None = None) -> None:
        """The session recorded as held the evening it was, by a facilitator who ran it."""
        marks = []
        for man in men:
            if not man.expected_at(session):
                continue
            code = man.codes.get(session.number, Code.ATTENDED)
            flagged = man is concern
            marks.append(
                Mark(
                    membership_id=man.membership.pk,
                    code=code,
                    note=PARTICIPATION.get(Code(code), ""),
                    concern=flagged,
                    concern_note=CONCERN if flagged else "",
                )
            )
        recorder = group_queries.session_team(session)[0].facilitator.user
        _then(
            session.end + RECORDED_AFTER,
            lambda: record_session(
                session=session,
                held=True,
                marks=marks,
                expected_version=session.version,
                submission=None,
                acting_user=recorder,
                context=DEMO,
            ),
        )

    def catch_up(
        self, man: Placed, number: int, planned: datetime, start: datetime, facilitator: FacilitatorProfile
    ) -> CatchUp:
        catch_up: CatchUp = _then(
            planned,
            lambda: plan_catch_up(
                membership=man.membership,
                number=number,
                start=start,
                facilitator=facilitator,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        return catch_up

    def catch_up_recorded(self, catch_up: CatchUp, attended: bool) -> None:
        _then(
            catch_up.start + timedelta(hours=2),
            lambda: record_catch_up(
                catch_up=catch_up,
                attended=attended,
                expected_version=catch_up.version,
                acting_user=catch_up.facilitator.user,
                context=DEMO,
            ),
        )

    def team_changed(
        self, session: GroupSession, moment: datetime, team: list[FacilitatorProfile], reason: str = ""
    ) -> None:
        _then(
            moment,
            lambda: set_session_team(
                session=session,
                facilitator_ids=[profile.pk for profile in team],
                expected_version=session.version,
                override=bool(reason),
                override_reason=reason,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )

    def finished_group(self, team: Team) -> Group:
        """A closed group that ran all 26 sessions: its men complete by their attendance, one
        dropped out and one was excluded on the way."""
        tellings = [self.waiting(man) for man in FINISHED]
        group = self.plan(262, CLOSED, [team.woman, team.man])
        men = [
            self.place(telling, group, _at(256 - 0.1 * number), man.codes)
            for number, (telling, man) in enumerate(zip(tellings, FINISHED, strict=True))
        ]
        endings = {after: (men[number], ending) for number, (after, ending) in FINISHED_ENDINGS.items()}
        sessions = group_queries.sessions_of(group)
        for session in sessions:
            self.record(session, men)
            if session.number == 8:
                # The man ill for session 8, which carries what cannot be skipped, makes it up.
                made_up = self.catch_up(
                    men[1], 8, _morning_after(session), session.start + timedelta(days=2), team.woman
                )
                self.catch_up_recorded(made_up, attended=True)
            if session.number in endings:
                placed, ending = endings[session.number]
                self.end(placed, ending, _morning_after(session))
        last = sessions[-1]
        for number, placed in enumerate(men[:3]):
            self.end(placed, "complete", _morning_after(last, 10 * number))
        return group

    def end(self, man: Placed, ending: str, moment: datetime) -> None:
        """The man's case ends; an exit assessment follows, and the report the ending calls for
        is written, reviewed and sent."""
        telling, man.left = man.telling, True
        reason = ENDINGS.get(ending, "")
        telling.case = _then(
            moment,
            lambda: case_actions.move_case(
                case=telling.case,
                event=ending,
                expected_version=telling.case.version,
                reason=reason,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        _then(moment + timedelta(days=2), partial(telling.risk, (LOW, Occasion.EXIT)))
        report = demo_queries.latest_report(telling.case)
        if report is None:
            return
        telling.report = _then(
            moment + timedelta(days=3),
            lambda: report_actions.edit_report(
                report=report,
                assessment=ASSESSMENTS[ending],
                expected_version=report.version,
                acting_user=self.staff.facilitator,
                context=DEMO,
            ),
        )
        _then(moment + timedelta(days=3, hours=2), partial(telling.submit_report, None))
        _then(moment + timedelta(days=4), partial(telling.review_report, None))

    def running_group(self, team: Team) -> tuple[Group, Placed]:
        """A rolling group about halfway: men joined at three entry points, a cover, an
        override, catch-ups, two unacceptable absences and a concern. Returns the group and the
        man whose co-defendant waits."""
        tellings = [self.waiting(man) for man in RUNNING]
        group = self.plan(105, ROLLING, [team.woman, team.man])
        men = [
            self.place(telling, group, _at(100 - 0.1 * number), man.codes)
            for number, (telling, man) in enumerate(zip(tellings, RUNNING, strict=True))
            if number not in RUNNING_JOINS
        ]
        joining = {RUNNING_JOINS[number] - 1: (tellings[number], RUNNING[number]) for number in RUNNING_JOINS}
        held = [s for s in group_queries.sessions_of(group) if timezone.localdate(s.start) < timezone.localdate()]
        last = held[-1].number
        if last < 10:
            raise RuntimeError(f"the demo's running group has held {last} sessions, fewer than its story needs")
        absent, co_defendant, concerned = men
        # The second of his unacceptable absences, in the last session, makes the report to the
        # court due in the days ahead.
        for number in (last - 1, last):
            absent.codes[number] = Code.UNACCEPTABLE_ABSENCE
        # His absence from the latest session that must be made up; the catch-up is next week.
        must_make_up = [s.number for s in group_queries.curriculum_of(group).sessions if s.catch_up]
        to_make_up = max(number for number in must_make_up if number < last)
        concerned.codes[to_make_up] = Code.ACCEPTABLE_ABSENCE
        for session in held:
            if session.number == 6:
                self.team_changed(session, _morning_of(session), [team.woman, team.second_man])
            if session.number == 8:
                self.team_changed(session, _morning_of(session, 3), [team.man, team.second_man], OVERRIDE_REASON)
            self.record(session, men, concern=concerned if session.number == last else None)
            if session.number == 2:
                missed = self.catch_up(
                    co_defendant, 2, _morning_after(session), session.start + timedelta(days=2), team.woman
                )
                self.catch_up_recorded(missed, attended=False)
            if session.number == to_make_up:
                self.catch_up(concerned, to_make_up, _morning_after(session), _local(_day(4), time(16, 0)), team.man)
            if session.number in joining:
                telling, man = joining[session.number]
                men.append(self.place(telling, group, _morning_after(session), man.codes))
        return group, co_defendant

    def planned_group(self, team: Team) -> Group:
        """A closed group starting in two weeks, three men placed in it, one session moved."""
        tellings = [self.waiting(man) for man in PLANNED]
        group = self.plan(20, UPCOMING, [team.coordinator, team.second_man])
        for telling, days_ago in zip(tellings, (6, 4, 2.5), strict=True):
            self.place(telling, group, _at(days_ago), {})
        third = group_queries.sessions_of(group)[2]
        # The room is taken that Monday: the session moves to the Tuesday, the others stay.
        _on(
            5,
            lambda: move_session(
                session=third,
                new_start=third.start + timedelta(days=1),
                expected_version=third.version,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        return group

    def refused_allocation(self, running: Group, co_defendant: Placed) -> None:
        """A waiting man whose co-defendant is in the running group: the non-association is
        recorded, and placing him there is refused (and audited). He waits."""
        telling = self.waiting(WAITING)
        _on(
            2,
            lambda: record_non_association(
                case=telling.case,
                other_case=co_defendant.case,
                kind=CO_DEFENDANTS,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        try:
            self.place(telling, running, _at(1.9), {})
        except GroupRefused:
            return
        raise RuntimeError("the demo's co-defendants were placed in one group")


def _years_ago(years: float) -> date:
    return timezone.localdate() - timedelta(days=round(365 * years))
