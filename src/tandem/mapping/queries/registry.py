"""The registry of programmes: the public directory, and a provider's own programmes that answer a
round."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Action
from tandem.core.scoping import access
from tandem.geo.models import Country, Region
from tandem.mapping.models import (
    DeliveryLocation,
    Programme,
    Status,
    SurveyRound,
)
from tandem.mapping.queries.parties import authoring_organisations


def public_programmes(*, country: Country | None = None, region: Region | None = None) -> QuerySet[Programme]:
    """Functioning programmes that may be published, with only their public locations."""
    programmes = Programme.objects.filter(publish=True, status=Status.FUNCTIONING)
    if country is not None:
        programmes = programmes.filter(country=country)
    if region is not None:
        programmes = programmes.filter(regions_served=region)
    return (
        programmes.select_related("provider", "country")
        .prefetch_related(
            "regions_served",
            Prefetch("locations", queryset=DeliveryLocation.objects.filter(publish=True), to_attr="public_locations"),
        )
        .distinct()
        .order_by("country__code", "name")
    )


def access_public_programme(programme_id: int) -> Programme:
    """One programme of the public directory; 404 for one that is not public, as for one that
    does not exist. An attempt on a programme kept out of public view is recorded like any
    other refused attempt."""
    return access(Programme, None, programme_id, visible=public_programmes())


def answerable_programmes(user: User | Any, survey_round: SurveyRound) -> QuerySet[Programme]:
    """The user's own programmes in the round's countries."""
    return Programme.objects.filter(
        provider_id__in=authoring_organisations(user), country__in=survey_round.countries.all()
    ).order_by("name")


def access_answerable_programme(
    user: User | Any, survey_round: SurveyRound, programme_id: int, *, context: AuditContext | None = None
) -> Programme:
    """One of the user's programmes that can answer this round; 404 for another provider's
    programme (and the attempt is audited), as for one that does not exist."""
    return access(
        Programme,
        user,
        programme_id,
        action=Action.CHANGE,
        context=context,
        visible=answerable_programmes(user, survey_round),
    )


def round_choice_sets(survey_round: SurveyRound, *, country: Country | None = None) -> dict[str, list[str]]:
    """The dynamic choice lists of a round: the registry's programmes and the regions of its
    countries (or of one of them: a programme serves regions of its own country), by reference."""
    countries = list(survey_round.countries.values_list("pk", flat=True))
    if country is not None:
        countries = [pk for pk in countries if pk == country.pk]
    return {
        "programmes": list(
            Programme.objects.filter(country_id__in=countries).order_by("code").values_list("code", flat=True)
        ),
        "regions": list(
            Region.objects.filter(country_id__in=countries, coverage_unit=True)
            .order_by("code")
            .values_list("code", flat=True)
        ),
    }


def choice_rows_of_round(
    survey_round: SurveyRound,
) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, str]]]:
    """The programmes (reference, name, may be published) and coverage units (code, name,
    English name) of a round's countries, for the choice lists of its form."""
    countries = list(survey_round.countries.values_list("pk", flat=True))
    programmes = (
        Programme.objects.filter(country_id__in=countries).order_by("code").values_list("code", "name", "publish")
    )
    regions = (
        Region.objects.filter(country_id__in=countries, coverage_unit=True)
        .order_by("code")
        .values_list("code", "name", "name_en")
    )
    return list(programmes), list(regions)


def exported_programmes() -> list[Programme]:
    """The programmes of the public directory with their public locations, for open data."""
    programmes = list(public_programmes())
    prefetch_related_objects(programmes, "public_locations__region")
    return programmes
