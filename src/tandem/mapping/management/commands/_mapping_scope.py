"""Resolving ``--country`` and ``--round`` for the mapping commands, with one-line errors."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from tandem.geo.models import Country
from tandem.mapping.indicators import latest_published_round
from tandem.mapping.models import SurveyRound


def resolve_country(code: str | None) -> Country | None:
    if not code:
        return None
    country = Country.objects.filter(code=code.strip().upper()).first()
    if country is None:
        known = ", ".join(Country.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(
            _("--country %(code)s: no such country (known: %(known)s).") % {"code": code, "known": known},
            returncode=2,
        )
    return country


def resolve_round(round_id: int | None) -> SurveyRound | None:
    """The round given by id, or None when none is given."""
    if round_id is None:
        return None
    survey_round = SurveyRound.objects.filter(pk=round_id).first()
    if survey_round is None:
        raise CommandError(_("--round %(id)s: no such survey round.") % {"id": round_id}, returncode=2)
    return survey_round


def resolve_round_or_latest(round_id: int | None) -> SurveyRound:
    """The round given by id; without one, the latest round with published answers."""
    survey_round = resolve_round(round_id) if round_id is not None else latest_published_round()
    if survey_round is None:
        raise CommandError(_("No survey round has published answers yet; give --round."), returncode=2)
    return survey_round


def ensure_country_in_round(country: Country | None, survey_round: SurveyRound | None) -> None:
    if country is None or survey_round is None:
        return
    codes = list(survey_round.countries.order_by("code").values_list("code", flat=True))
    if country.code not in codes:
        raise CommandError(
            _("--country %(code)s: not a country of round %(id)s (its countries: %(codes)s).")
            % {"code": country.code, "id": survey_round.pk, "codes": ", ".join(codes)},
            returncode=2,
        )
