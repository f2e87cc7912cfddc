"""The demo's survivor side: in each country's provider, the partners of some of the men, with
consent in every state (valid, expired, withdrawn), contact logged under it (offers, the
programme's limits explained, safety planning, telling her of an exclusion), the signals sent to
the programme ("do not raise a topic", "risk increased", "contact paused"), safety plans (one
reviewed, one whose review is due), her record shared with the country's survivor service, a
piece of information shared for risk management on her consent and one on a safety override, a
joint case review with the survivor service (items for each side, actions open and done), a
risk conference referral heard at a meeting and a repeat referral, one break-the-glass access,
and one access alert: a facilitator who tried a page of the survivor side.

Each happening is made through the survivor side's actions at its own time (the clock frozen
there), by the provider's survivor-support worker. Building again changes nothing once a
provider has partners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.cases.rules.lifecycle import State
from tandem.core import clock, events
from tandem.core.models import Organisation, User
from tandem.core.roles import Role
from tandem.demo import queries as demo_queries
from tandem.demo.cases import _member
from tandem.demo.world import COUNTRIES, DEMO
from tandem.survivors import alerts
from tandem.survivors.actions import access as access_actions, conference, joint, planning, record_safety_signal
from tandem.survivors.actions.consent import record_consent, withdraw_consent
from tandem.survivors.actions.contact import record_contact
from tandem.survivors.actions.partners import PartnerDetails, create_partner
from tandem.survivors.actions.sheets import publish_sheet
from tandem.survivors.models import Partner

NAMES = {
    "AL": ["Drita Hoxha", "Besa Krasniqi", "Mimoza Gashi", "Arta Berisha"],
    "BA": ["Amra Hodžić", "Lejla Begić", "Selma Mujić", "Aida Kovačević"],
    "XK": ["Vjosa Morina", "Teuta Shala", "Blerta Hasani", "Fjolla Kelmendi"],
    "ME": ["Milica Vuković", "Jelena Radović", "Ana Đurović", "Marija Perović"],
    "MK": ["Марија Стојанова", "Ана Петровска", "Елена Николовска", "Ивана Трајковска"],
    "RS": ["Jovana Petrović", "Ivana Nikolić", "Milena Jovanović", "Tamara Ilić"],
}
SAFE_TIMES = "Weekdays 10:00–12:00, when he is at work"
SHEET_LANGUAGE = {"AL": "sq", "XK": "sq", "BA": "bs", "ME": "cnr", "MK": "mk", "RS": "sr-latn"}
SHEETS = {
    "sq": (
        "Programi punon me burrin; nuk mund t'ju mbajë të sigurt. Pjesëmarrja e tij nuk do të thotë se ka "
        "ndryshuar. Do t'ju tregojmë nëse ndalon së ardhuri, përjashtohet ose e përfundon programin. Nuk i "
        "tregojmë kurrë atij çfarë na thoni ju. Në rrezik telefononi 112 ose linjën e grave 116 117."
    ),
    "bs": (
        "Program radi s muškarcem; ne može vas zaštititi. Njegovo prisustvo ne znači da se promijenio. Reći "
        "ćemo vam ako prestane dolaziti, bude isključen ili završi program. Njemu nikada ne govorimo ono što vi "
        "kažete nama. U opasnosti nazovite 122 ili SOS liniju za žene 1265."
    ),
    "cnr": (
        "Program radi s muškarcem; ne može vas zaštititi. Njegovo prisustvo ne znači da se promijenio. Reći "
        "ćemo vam ako prestane da dolazi, bude isključen ili završi program. Njemu nikada ne govorimo ono što vi "
        "kažete nama. U opasnosti pozovite 122 ili SOS liniju za žene 080 111 111."
    ),
    "mk": (
        "Програмата работи со мажот; не може да ве заштити. Неговото присуство не значи дека се променил. Ќе "
        "ви кажеме ако престане да доаѓа, биде исклучен или ја заврши програмата. Никогаш не му кажуваме што "
        "ни кажувате вие. Во опасност јавете се на 192 или на СОС линијата за жени 15 315."
    ),
    "sr-latn": (
        "Program radi s muškarcem; ne može da vas zaštiti. Njegovo prisustvo ne znači da se promenio. Reći "
        "ćemo vam ako prestane da dolazi, bude isključen ili završi program. Njemu nikada ne govorimo ono što vi "
        "kažete nama. U opasnosti pozovite 192 ili SOS liniju za žene 0800 100 007."
    ),
}
NOTE_SAFETY = "Went through the safety plan: a bag at her sister's, the code word with her neighbour."


def _at(days_ago: int, hour: int = 11) -> datetime:
    day = clock.today() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


def _then(moment: datetime, act: Callable[[], Any]) -> Any:
    with clock.frozen(moment):
        done = act()
        while events.deliver_pending():
            pass
    return done


@dataclass
class SurvivorSide:
    provider: Organisation
    worker: User
    facilitator: User
    coordinator: User
    code: str
    service: Organisation | None = None
    sheet: Any = None

    def partner(self, case: Any, index: int, **details: Any) -> Partner:
        made: Partner = _then(
            _at(details.pop("days_ago", 100), 9),
            lambda: create_partner(
                organisation=self.provider,
                case_id=case.pk,
                details=PartnerDetails(
                    name=NAMES[self.code][index % 4],
                    phones="+000 00 000 0000 (demo)",
                    safe_times=SAFE_TIMES,
                    code_word="blue umbrella",
                    **details,
                ),
                acting_user=self.worker,
                context=DEMO,
            ),
        )
        return made

    def consent(self, partner: Partner, channel: str, purpose: str, starts_ago: int, days: int, **more: Any) -> Any:
        start = clock.today() - timedelta(days=starts_ago)
        return _then(
            _at(starts_ago, 10),
            lambda: record_consent(
                partner=partner,
                channel=channel,
                purpose=purpose,
                starts_on=start,
                expires_on=start + timedelta(days=days),
                acting_user=self.worker,
                context=DEMO,
                **more,
            ),
        )

    def contact(self, partner: Partner, days_ago: int, **what: Any) -> None:
        moment = _at(days_ago, 11)
        values = {"kind": "contact", "channel": "phone", "purpose": "information", "outcome": "informed", **what}
        if values.get("limitations_explained"):
            values["sheet"] = self.sheet
        _then(
            moment,
            lambda: record_contact(
                partner=partner, happened_at=moment, acting_user=self.worker, context=DEMO, **values
            ),
        )

    def signal(self, case: Any, days_ago: int, **what: Any) -> None:
        _then(
            _at(days_ago, 15),
            lambda: record_safety_signal(
                organisation=self.provider,
                reference=case.partner_reference,
                acting_user=self.worker,
                context=DEMO,
                **what,
            ),
        )

    def plan(self, partner: Partner, days_ago: int, weeks: int, measures: str) -> Any:
        return _then(
            _at(days_ago, 12),
            lambda: planning.make_safety_plan(
                partner=partner, measures=measures, review_every=weeks, acting_user=self.worker, context=DEMO
            ),
        )

    def review_plan(self, plan: Any, days_ago: int, note: str) -> None:
        _then(
            _at(days_ago, 12),
            lambda: planning.review_safety_plan(
                plan=plan,
                reason="scheduled",
                note=note,
                measures=plan.measures,
                review_every=plan.review_every,
                expected_version=plan.version,
                acting_user=self.worker,
                context=DEMO,
            ),
        )

    def share_item(
        self, partner: Partner, days_ago: int, text: str, *, consent: Any = None, override: str = ""
    ) -> None:
        from tandem.survivors.queries import links_of

        _then(
            _at(days_ago, 14),
            lambda: planning.share_item(
                partner=partner,
                link=links_of(partner)[0],
                text=text,
                consent=consent,
                override_reason=override,
                acting_user=self.worker,
                context=DEMO,
            ),
        )

    def joint_review(self, case: Any, days_ago: int) -> None:
        """A review with the survivor service: an item for each side and for both, and actions."""
        service = self.service
        if service is None:
            return
        service_worker = _member(service, Role.SURVIVOR_WORKER)
        held_on = clock.today() - timedelta(days=days_ago)
        review = _then(
            _at(days_ago, 10),
            lambda: joint.record_joint_review(
                organisation=self.provider,
                service=service,
                case_id=case.pk,
                held_on=held_on,
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        due = clock.today() - timedelta(days=days_ago) + timedelta(days=21)
        items = [
            (self.coordinator, "agenda", "both", "His attendance and her safety since the last review", "", None),
            (
                self.coordinator,
                "decision",
                "programme",
                "Facilitators challenge his minimising of the threats",
                "",
                None,
            ),
            (service_worker, "decision", "survivor", "She moves to a safe address before the court hearing", "", None),
            (self.coordinator, "action", "both", "Tell each other at once of any contact he makes", "Both", due),
            (service_worker, "action", "survivor", "Safety planning session before the hearing", "Service", due),
        ]
        added = []
        with clock.frozen(_at(days_ago, 11)):
            for by, kind, side, text, owner, on in items:
                added.append(
                    joint.add_item(
                        review=review,
                        kind=kind,
                        side=side,
                        text=text,
                        owner=owner,
                        due_on=on,
                        acting_user=by,
                        context=DEMO,
                    )
                )
        done = added[-1]
        _then(
            _at(max(days_ago - 10, 0), 11),
            lambda: joint.set_action_status(
                item=done, status="done", expected_version=done.version, acting_user=service_worker, context=DEMO
            ),
        )

    def refer(self, case: Any) -> None:
        """Referred to the risk conference eight months ago and heard; referred again this week."""
        today = clock.today()
        first = _then(
            _at(240, 10),
            lambda: conference.refer_to_conference(
                organisation=self.provider,
                case_id=case.pk,
                referred_on=today - timedelta(days=240),
                reason="Threats to kill when she left; he has a weapon licence.",
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        _then(
            _at(230, 10),
            lambda: conference.record_meeting(
                referral=first,
                held_on=today - timedelta(days=230),
                agencies="Police, centre for social work, health centre, survivor service, the programme",
                actions=[
                    ("Weapon licence reviewed", "Police", today - timedelta(days=200)),
                    ("Children's school told who may collect them", "Centre for social work", None),
                ],
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        _then(
            _at(2, 10),
            lambda: conference.refer_to_conference(
                organisation=self.provider,
                case_id=case.pk,
                referred_on=today - timedelta(days=2),
                reason="He found out where she is staying.",
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )

    def plan_and_share(self, first: Partner, case: Any) -> None:
        """Her plan made and reviewed, her record shared with the survivor service she chose, and
        the case reviewed jointly with it."""
        plan = self.plan(first, 100, 12, NOTE_SAFETY)
        self.review_plan(plan, 30, "Checked with her after the court hearing: nothing to change.")
        if self.service is not None:
            service = self.service
            agreed = self.consent(first, "in_person", "share_service", 90, 365, service=service.name)
            _then(
                _at(90, 12),
                lambda: planning.share_with_service(
                    partner=first, service=service, consent=agreed, acting_user=self.worker, context=DEMO
                ),
            )
        self.joint_review(case, 40)

    def build(self) -> int:
        language = SHEET_LANGUAGE[self.code]
        self.sheet = _then(
            _at(400, 9),
            lambda: publish_sheet(
                organisation=self.provider,
                language=language,
                text=SHEETS[language],
                acting_user=self.coordinator,
                context=DEMO,
            ),
        )
        running = demo_queries.cases_in_states(self.provider, [State.IN_PROGRAMME])
        excluded = demo_queries.cases_in_states(self.provider, [State.EXCLUDED])
        made = 0
        if running:
            # Supported from before he started: consent to information and to safety planning by
            # phone, the limits explained, a plan made; a topic not to raise in his group.
            first = self.partner(running[0], 0, days_ago=110)
            self.contact(first, 109, kind="attempt", outcome="no_answer", first_offer=True)
            self.contact(first, 107, outcome="offer_made", first_offer=True)
            self.consent(first, "phone", "information", 107, 300)
            self.consent(first, "phone", "safety_planning", 107, 300)
            self.consent(first, "sms", "questionnaires", 107, 300)
            self.contact(first, 100, limitations_explained=True, note="Read her the programme's information sheet.")
            self.contact(first, 30, purpose="safety_planning", outcome="safety_planned", note=NOTE_SAFETY)
            self.signal(running[0], 20, kind="avoid_topic", level="concern", topic="her new job")
            self.plan_and_share(first, running[0])
            made += 1
        if len(running) > 1:
            # Her consent to messages by SMS expired; she withdrew consent to questionnaires by
            # e-mail; the risk rose three days ago.
            second = self.partner(running[1], 1, days_ago=200, message_allowed=True)
            self.contact(second, 199, outcome="offer_made", first_offer=True, channel="in_person")
            self.consent(second, "sms", "information", 199, 180)
            self.consent(second, "email", "questionnaires", 199, 365)
            self.consent(second, "in_person", "safety_planning", 199, 365)
            self.contact(second, 190, channel="sms", limitations_explained=True)
            consent = self.consent(second, "email", "questionnaires", 60, 365)
            _then(
                _at(5),
                lambda: withdraw_consent(consent=consent, acting_user=self.worker, context=DEMO),
            )
            self.signal(
                running[1],
                3,
                kind="risk_increased",
                level="serious",
                summary="He found out where she is staying; she has moved to her cousin's.",
            )
            # Her plan's review is due; she agreed that the programme may know of his threats.
            self.plan(second, 150, 20, "A bag at her cousin's; the neighbour calls the police if he comes.")
            agreed = self.consent(second, "phone", "risk_management", 30, 365)
            self.share_item(second, 3, "He told her he will 'finish it' after the hearing.", consent=agreed)
            self.refer(running[1])
            made += 1
        if len(running) > 2:
            third = self.partner(running[2], 2, days_ago=60, whereabouts="At a shelter (demo)")
            self.contact(third, 59, outcome="offer_made", first_offer=True, channel="service")
            self.consent(third, "service", "information", 59, 200)
            self.contact(third, 58, channel="service", limitations_explained=True)
            self.signal(running[2], 10, kind="contact_paused", level="concern")
            self.share_item(
                third,
                9,
                "He has been seen near the children's school.",
                override="The children may be taken; she could not be reached to ask.",
            )
            # The coordinator opened her record outside the rule: her worker was away.
            _then(
                _at(1, 18),
                lambda: access_actions.break_glass(
                    partner=third,
                    reason="Police asked at night whether she is safe; her worker was away.",
                    acting_user=self.coordinator,
                    context=DEMO,
                ),
            )
            made += 1
        if excluded:
            # Told of his exclusion within the day.
            fourth = self.partner(excluded[0], 3, days_ago=150)
            self.contact(fourth, 149, outcome="offer_made", first_offer=True, limitations_explained=True)
            self.consent(fourth, "phone", "information", 149, 365)
            self.contact(fourth, 0, note="Told her he was excluded; she knows whom to call.")
            made += 1
        # A facilitator opened a page of the survivor side: the administrators are alerted.
        _then(_at(1, 16), lambda: alerts.programme_side_tried(self.facilitator, "/survivors/", DEMO))
        return made


def build() -> int:
    """The survivor side of every country's provider; the number of partners recorded."""
    made = 0
    for code, provider_name, survivor_name, *_rest in COUNTRIES:
        provider = demo_queries.get_organisation_in(provider_name, code)
        if provider is None or demo_queries.has_partners(provider):
            continue
        with transaction.atomic():
            made += SurvivorSide(
                provider=provider,
                worker=_member(provider, Role.SURVIVOR_WORKER),
                facilitator=_member(provider, Role.FACILITATOR),
                coordinator=_member(provider, Role.COORDINATOR),
                code=code,
                service=demo_queries.get_organisation_in(survivor_name, code),
            ).build()
    return made
