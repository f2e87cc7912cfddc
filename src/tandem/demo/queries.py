"""Reads of the demo builder, which finds what a previous run made (by natural keys) so that
building again changes nothing. The demo runs with access to the whole database, as the
platform administrator who builds it."""

from __future__ import annotations

from typing import Any

from tandem.core.models import AuthenticatorDevice, Membership, Organisation, User
from tandem.geo.models import Country
from tandem.mapping.models import Programme, RoundReviewer, SurveyAnswer, SurveyRound


def get_user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def has_authenticator(user: User) -> bool:
    return bool(AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists())


def get_organisation(name: str, country: Country | None) -> Organisation | None:
    return Organisation.objects.filter(name=name, country=country).first()


def get_organisation_in(name: str, country_code: str) -> Organisation | None:
    return Organisation.objects.filter(name=name, country__code=country_code).first()


def is_member(user: User, organisation: Organisation) -> bool:
    return Membership._base_manager.filter(user=user, organisation=organisation).exists()


def programme_exists(code: str) -> bool:
    # By its reference code, which stays when someone renames the programme.
    return Programme.objects.filter(code=code).exists()


def get_round(name: str) -> SurveyRound | None:
    return SurveyRound._base_manager.select_related("owner", "questionnaire").filter(name=name).first()


def reviewed_countries(survey_round: SurveyRound) -> set[str]:
    return set(RoundReviewer._base_manager.filter(round=survey_round).values_list("country__code", flat=True))


def answered_programmes(survey_round: SurveyRound) -> set[int]:
    return set(SurveyAnswer._base_manager.filter(round=survey_round).values_list("programme_id", flat=True))


def has_referrals(provider: Organisation) -> bool:
    from tandem.cases.models import Referral

    return Referral._base_manager.filter(organisation=provider).exists()


def member_with_role(organisation: Organisation, role: str) -> User | None:
    found = (
        Membership.objects.filter(organisation=organisation, role=role).select_related("user").order_by("pk").first()
    )
    return found.user if found is not None else None


def participants(provider: Organisation) -> list[Any]:
    """The men the provider knows, in the order it came to know them."""
    from tandem.cases.models import Participant

    return list(Participant._base_manager.filter(organisation=provider).order_by("pk"))


def latest_report(case: Any) -> Any:
    from tandem.cases.models import CaseReport

    return CaseReport._base_manager.filter(case=case).order_by("-created_at", "-pk").first()


def has_groups(provider: Organisation) -> bool:
    from tandem.groups.models import Group

    return Group._base_manager.filter(organisation=provider).exists()


def programme_of(provider: Organisation) -> int | None:
    """The provider's first programme in the registry, which its groups deliver."""
    return Programme.objects.filter(provider=provider).order_by("pk").values_list("pk", flat=True).first()


def has_partners(provider: Organisation) -> bool:
    from tandem.survivors.models import Partner

    return Partner._base_manager.filter(organisation=provider).exists()


def cases_in_states(provider: Organisation, states: list[str]) -> list[Any]:
    """The provider's cases in ``states``, oldest first, with their partner references."""
    from tandem.cases.models import Case

    return list(
        Case._base_manager.filter(organisation=provider, state__in=states, partner_reference__isnull=False).order_by(
            "pk"
        )
    )


def has_outcome_answers(provider: Organisation) -> bool:
    from tandem.outcomes.models import ManResponse

    return ManResponse._base_manager.filter(point__case__organisation=provider).exists()


def outcome_points_of(provider: Organisation) -> tuple[list[Any], list[Any]]:
    """The provider's time points, his and hers, that have opened by today, oldest first."""
    from tandem.core import clock
    from tandem.outcomes.models import CasePoint, PartnerPoint

    today = clock.today()
    his = CasePoint._base_manager.filter(case__organisation=provider, opens_on__lte=today, state="due")
    hers = PartnerPoint._base_manager.filter(partner__organisation=provider, opens_on__lte=today, state="due")
    return (
        list(his.select_related("case__organisation").order_by("opens_on", "pk")),
        list(hers.select_related("partner__organisation").order_by("opens_on", "pk")),
    )


def has_cases_opened_before(provider: Organisation, moment: Any) -> bool:
    from tandem.cases.models import Case

    return Case._base_manager.filter(organisation=provider, opened_at__lt=moment).exists()


def latest_case(provider: Organisation) -> Any:
    """The provider's case made last."""
    from tandem.cases.models import Case

    return Case._base_manager.filter(organisation=provider).latest("pk")
