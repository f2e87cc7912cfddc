"""What the figures of the mapping read: the published answers of a round, with their
programmes and the places they are counted in."""

from __future__ import annotations

from django.utils import timezone

from tandem.core.suppression import threshold_for
from tandem.geo.models import Country, Region
from tandem.mapping.models import Programme, SurveyRound
from tandem.mapping.queries.answers import published_answers
from tandem.mapping.rules.figures import IndicatorResults, Place
from tandem.mapping.rules.tally import AnswerRow, tally_indicators


def compute_indicators(
    *, survey_round: SurveyRound, country: Country | None = None, small_number: int | None = None
) -> IndicatorResults:
    """Every indicator and the Article 16 compliance over the published answers of a round
    (of one country of it, when given). The threshold of small numbers is that of the
    organisation running the round, unless ``small_number`` is given."""
    countries = [country] if country is not None else list(survey_round.countries.all())
    country_ids = [item.pk for item in countries]
    rows = published_answers(survey_round=survey_round, country=country).values_list(
        "programme_id", "programme__code", "programme__name", "programme__publish", "programme__country__code", "values"
    )
    regions = {
        code: Place(code, name, country_code)
        for code, name, country_code in Region.objects.filter(country__in=country_ids).values_list(
            "code", "name", "country__code"
        )
    }
    return tally_indicators(
        survey_round=survey_round,
        country=country,
        countries=[Place(item.code, item.display_name, item.code) for item in countries],
        regions=regions,
        rows=(AnswerRow(*row) for row in rows.iterator(chunk_size=2000)),
        programmes_asked=Programme.objects.filter(country__in=country_ids).count(),
        threshold=small_number if small_number is not None else threshold_for(survey_round.owner),
        generated_at=timezone.now(),
    )
