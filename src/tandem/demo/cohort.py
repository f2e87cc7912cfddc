"""The demo's cohort for outcome monitoring: in each country's provider, men who started the
programme between two years and a year ago, most of whom completed it and some of whom dropped
out, each with his partner's record on the survivor side. Their time points reach back two years
and run through the follow-ups a year after exit, so that the outcome report has matched answers
at every point and shows real attrition (fewer answers at each later point, the partners of men
who dropped out hardest to reach).

The men go through case work's own actions, told as the other demo stories are (``cases``);
their partners' records are made by the provider's survivor-support worker a day after the
partner contact is recorded. Building again changes nothing once a provider has a cohort.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tandem.core import clock, events
from tandem.core.roles import Role
from tandem.demo import queries as demo_queries
from tandem.demo.cases import LOW, MEDIUM, TO_GROUP, Staff, Story, _member
from tandem.demo.world import COUNTRIES, DEMO
from tandem.risk.models import Occasion
from tandem.survivors.actions.partners import PartnerDetails, create_partner

# Men of the cohort and their partners, per country (names the other stories do not use).
COHORT_MEN: dict[str, tuple[list[str], list[str]]] = {
    "AL": (
        ["Agron", "Bledar", "Ervin", "Klodian", "Mentor"],
        ["Hoxha", "Leka", "Shehu", "Kola", "Basha", "Dervishi", "Gjoka", "Rama"],
    ),
    "BA": (
        ["Amir", "Damir", "Emir", "Kenan", "Tarik"],
        ["Begić", "Delić", "Mujić", "Kovač", "Alić", "Husić", "Jusić", "Salihović"],
    ),
    "XK": (["Agim", "Driton", "Ilir", "Valon"], ["Krasniqi", "Berisha", "Gashi", "Morina"]),
    "ME": (["Boris", "Marko", "Nikola", "Stefan"], ["Vujović", "Radonjić", "Perović", "Bulatović"]),
    "MK": (["Бојан", "Зоран", "Марко", "Стефан"], ["Петровски", "Николовски", "Стојанов", "Илиевски"]),
    "RS": (["Bojan", "Ivan", "Marko", "Zoran"], ["Jovanović", "Petrović", "Nikolić", "Ilić"]),
}
COHORT_WOMEN: dict[str, list[str]] = {
    "AL": ["Ana", "Blerina", "Elda", "Mimoza"],
    "BA": ["Amra", "Lejla", "Selma", "Emina"],
    "XK": ["Arta", "Drita", "Liridona", "Vjosa"],
    "ME": ["Ana", "Jelena", "Milena", "Tijana"],
    "MK": ["Ана", "Елена", "Марија", "Софија"],
    "RS": ["Ana", "Jelena", "Marija", "Milica"],
}
# How many men a provider's cohort has: larger in Albania and in Bosnia and Herzegovina, whose
# programmes built standardised evaluation first, so that their reports show figures over enough
# partners to pass suppression at every time point; their starts spread over a year.
SIZE = 16
SIZES = {"AL": 40, "BA": 40}
STARTS_OVER = 375
# The other stories opened less than this many days ago: older cases are the cohort's.
COHORT_AGE = 370
# The story numbers of the cohort follow the other stories' (their ages and identity numbers
# must not be those of another man).
FIRST_NUMBER = 40
# The day offset of a story on which her record is made: after the partner contact (day 10),
# before he starts (day 14).
PARTNER_DAY = 11


def story_of(index: int, size: int = SIZE) -> Story:
    """The ``index``-th man of a cohort of ``size``: opened between 760 and 385 days ago; every
    fourth man drops out after six to eleven weeks in the group, the others complete after six
    months."""
    days = 760 - index * (STARTS_OVER // size)
    dropped = index % 4 == 1
    ending = (14 + 42 + 7 * (index % 6), "drop_out") if dropped else (14 + 182, "complete")
    return Story(
        days=days,
        steps=(*TO_GROUP, ending),
        risks=((5, MEDIUM if index % 3 == 0 else LOW, Occasion.INTAKE),),
        partner=(10, "ready"),
    )


def _name(names: tuple[list[str], list[str]], index: int) -> str:
    firsts, lasts = names
    return f"{firsts[index % len(firsts)]} {lasts[(index // len(firsts)) % len(lasts)]}"


def _at(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(16)), timezone.get_default_timezone())


def build() -> int:
    """The cohort of every country's provider; the number of men in it."""
    made = 0
    for country, (code, provider_name, *_rest) in enumerate(COUNTRIES):
        provider = demo_queries.get_organisation_in(provider_name, code)
        older = timezone.now() - timedelta(days=COHORT_AGE)
        if provider is None or demo_queries.has_cases_opened_before(provider, older):
            continue
        staff = Staff(
            provider=provider,
            coordinator=_member(provider, Role.COORDINATOR),
            facilitator=_member(provider, Role.FACILITATOR),
            partner_support=_member(provider, Role.SURVIVOR_WORKER),
            code=code,
            country=country,
        )
        with transaction.atomic():
            size = SIZES.get(code, SIZE)
            for index in range(size):
                story = story_of(index, size)
                staff.tell(story, _name(COHORT_MEN[code], index), FIRST_NUMBER + index, None)
                case = demo_queries.latest_case(provider)
                women = COHORT_WOMEN[code]
                surname = _name(COHORT_MEN[code], index).split(" ", 1)[1]
                with clock.frozen(_at(story.days - PARTNER_DAY)):
                    create_partner(
                        organisation=provider,
                        case_id=case.pk,
                        details=PartnerDetails(
                            name=f"{women[(index + 1) % len(women)]} {surname}",
                            phones="+000 00 000 0000 (demo)",
                            safe_times="Weekdays between 10:00 and 12:00, when he is at work.",
                        ),
                        acting_user=staff.partner_support,
                        context=DEMO,
                    )
                    while events.deliver_pending():
                        pass
                made += 1
    return made
