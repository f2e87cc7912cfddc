"""Resolving ``--country`` and ``--round`` for the mapping commands, with one-line errors."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.core.spreadsheets import csv_writer
from tandem.geo.models import Country
from tandem.mapping.actions.exports import record_figures_export
from tandem.mapping.models import SurveyRound
from tandem.mapping.queries.rounds import get_round, latest_published_round


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
    survey_round = get_round(round_id)
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


def export_figures(
    command: BaseCommand,
    *,
    kind: str,
    survey_round: SurveyRound | None,
    country: Country | None,
    output_format: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    document: Callable[[], Any],
) -> None:
    """Print figures as CSV (``header`` and ``rows``) or JSON (``document()``), and put the
    export on the record: which figures left Tandem, of which round and country."""
    record_figures_export(
        kind=kind,
        survey_round=survey_round,
        country=country,
        file_format=output_format,
        acting_user=None,
        context=COMMAND_LINE,
    )
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        command.stdout.write(buffer.getvalue(), ending="")
    else:
        command.stdout.write(json.dumps(document(), ensure_ascii=False))
