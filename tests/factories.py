"""Builders for test data. Each keeps its records inside one organisation unless told otherwise."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import Membership, Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.geo.models import Country, Region
from tandem.mapping.models import (
    AnswerStatus,
    Cost,
    Format,
    Programme,
    Questionnaire,
    RoundReviewer,
    Status,
    SurveyAnswer,
    SurveyRound,
)

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def organisation(**fields: Any) -> Organisation:
    fields.setdefault("name", f"Organisation {next(_numbers)}")
    fields.setdefault("kind", OrganisationKind.PROGRAMME_PROVIDER)
    return Organisation.objects.create(**fields)


def user(*, password: str = PASSWORD, **fields: Any) -> User:
    number = next(_numbers)
    fields.setdefault("username", f"user{number}")
    fields.setdefault("first_name", "Test")
    fields.setdefault("last_name", f"Person {number}")
    person = User(**fields)
    person.set_password(password)
    person.save()
    return person


def totp_device(person: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    return device


def member(organisation: Organisation, role: Role, username: str | None = None, *, with_device: bool = True) -> User:
    """A user with one role in one organisation (and an authenticator app, by default)."""
    person = user(username=username) if username else user()
    Membership.objects.create(user=person, organisation=organisation, role=role)
    if with_device:
        totp_device(person)
    return person


def programme(name: str | None = None, *, country: str = "AL", region: str = "AL-11", **fields: Any) -> Programme:
    """A functioning programme in the registry, serving one region."""
    number = next(_numbers)
    provider = fields.pop("provider", None) or organisation(name=f"Provider {number}")
    regions = fields.pop("regions", None) or [region]
    defaults: dict[str, Any] = {
        "code": f"{country}-T{number:04d}",
        "format": Format.GROUP,
        "cost": Cost.FREE,
        "status": Status.FUNCTIONING,
        "status_confirmed_on": date(2026, 10, 1),
        "legal_bases": ["court_mandated"],
    }
    defaults.update(fields)
    made = Programme.objects.create(
        provider=provider, name=name or f"Programme {number}", country=Country.objects.get(code=country), **defaults
    )
    made.regions_served.set(Region.objects.filter(code__in=regions))
    return made


def survey_round(
    *, owner: Organisation | None = None, countries: list[str] | None = None, **fields: Any
) -> SurveyRound:
    """An open round of the shipped mapping questionnaire."""
    number = next(_numbers)
    fields.setdefault("name", f"Round {number}")
    fields.setdefault("opens_on", date(2026, 1, 1))
    fields.setdefault("closes_on", date(2099, 12, 31))
    fields.setdefault("questionnaire", Questionnaire.objects.get(key="mapping", version=1))
    made = SurveyRound.objects.create(
        owner=owner or organisation(kind=OrganisationKind.NETWORK, name=f"Network {number}"), **fields
    )
    made.countries.set(Country.objects.filter(code__in=countries or ["AL"]))
    return made


def reviewer(survey_round: SurveyRound, country: str, person: User) -> RoundReviewer:
    return RoundReviewer.objects.create(round=survey_round, country=Country.objects.get(code=country), user=person)


# A complete, consistent answer to the mapping questionnaire (regions and programme are set per answer).
COMPLETE_VALUES: dict[str, Any] = {
    "status": "functioning",
    "places_per_year": 60,
    "men_started_12m": 40,
    "men_completed_12m": 25,
    "cost": "free",
    "languages": ["sq"],
    "disability_access": "yes",
    "waiting_weeks": 4,
    "max_travel_km": 40,
    "remote_delivery": "no",
    "groups_12m": 4,
    "individual_12m": 6,
    "facilitators_trained": 4,
    "facilitators_women": 2,
    "facilitators_men": 2,
    "cofacilitation": "always",
    "supervision": "external",
    "partner_contact": "yes",
    "survivors_informed": "yes",
    "joint_planning": "joint_decisions",
    "risk_assessment": "standardised",
    "information_sharing": "yes",
    "outcome_monitoring": "standardised",
    "follow_up": "yes",
    "funding_sources": ["state"],
    "funding_secure": "yes",
    "national_standards": "followed",
}


def survey_answer(
    survey_round: SurveyRound, on: Programme, *, status: str = AnswerStatus.DRAFT, **values: Any
) -> SurveyAnswer:
    """A programme's complete answer in the given status; keyword arguments change single values."""
    answer_values = {
        **COMPLETE_VALUES,
        "programme": on.code,
        "regions_served": list(on.regions_served.values_list("code", flat=True)),
        **values,
    }
    answer_values = {name: value for name, value in answer_values.items() if value is not None}
    return SurveyAnswer.objects.create(round=survey_round, programme=on, status=status, values=answer_values)
