"""``tandem mapping rounds``: the survey rounds with the ids the other mapping commands take."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from tandem.core.roles import OrganisationKind
from tandem.mapping.models import AnswerStatus, SurveyRound
from tandem.mapping.queries.rounds import all_rounds_for_command_line
from tests import factories

pytestmark = pytest.mark.django_db


def rounds_output(*args: str) -> str:
    out = io.StringIO()
    call_command("mapping_rounds", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_rounds() -> tuple[SurveyRound, SurveyRound]:
    network = factories.organisation(name="Balkan Network", kind=OrganisationKind.NETWORK)
    old = factories.survey_round(
        owner=network,
        name="Balkans 2025",
        countries=["XK", "AL"],
        opens_on=date(2025, 3, 1),
        closes_on=date(2025, 6, 30),
    )
    new = factories.survey_round(
        owner=network, name="Balkans 2026", opens_on=date(2026, 9, 1), closes_on=date(2026, 12, 31)
    )
    factories.survey_answer(old, factories.programme(), status=AnswerStatus.PUBLISHED)
    factories.survey_answer(new, factories.programme(), status=AnswerStatus.DRAFT)
    factories.survey_answer(new, factories.programme(), status=AnswerStatus.SUBMITTED)
    factories.survey_answer(new, factories.programme(), status=AnswerStatus.SUBMITTED)
    return old, new


def test_the_listing_counts_each_rounds_answers_per_status(two_rounds: tuple[SurveyRound, SurveyRound]) -> None:
    old, new = two_rounds
    listed = {r.pk: r for r in all_rounds_for_command_line()}

    def counts(survey_round: SurveyRound) -> dict[str, int]:
        return {status: getattr(listed[survey_round.pk], f"answers_{status}") for status in AnswerStatus.values}

    assert counts(new) == {"draft": 1, "submitted": 2, "returned": 0, "accepted": 0, "published": 0}
    assert counts(old) == {"draft": 0, "submitted": 0, "returned": 0, "accepted": 0, "published": 1}


def test_the_listing_costs_two_queries_however_many_rounds(
    two_rounds: tuple[SurveyRound, SurveyRound], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        rounds_output()
    third = factories.survey_round(countries=["ME", "RS", "BA"])
    factories.survey_answer(third, factories.programme(country="ME", region="ME-01"), status=AnswerStatus.ACCEPTED)
    with django_assert_num_queries(2):
        rounds_output()


def test_each_round_is_one_line_with_id_owner_iso_dates_countries_and_counts(
    two_rounds: tuple[SurveyRound, SurveyRound],
) -> None:
    old, new = two_rounds
    lines = rounds_output().splitlines()
    assert lines == [
        f"{new.pk}  Balkans 2026  run by Balkan Network  2026-09-01–2026-12-31  AL  answers: "
        "Draft 1, Submitted 2, Returned with comments 0, Accepted 0, Published 0",
        f"{old.pk}  Balkans 2025  run by Balkan Network  2025-03-01–2025-06-30  AL, XK  answers: "
        "Draft 0, Submitted 0, Returned with comments 0, Accepted 0, Published 1",
    ]


def test_the_json_listing_gives_every_round_with_iso_dates(two_rounds: tuple[SurveyRound, SurveyRound]) -> None:
    old, new = two_rounds
    document = json.loads(rounds_output("--format", "json"))
    assert [r["id"] for r in document["rounds"]] == [new.pk, old.pk]
    assert document["rounds"][1] == {
        "id": old.pk,
        "name": "Balkans 2025",
        "owner": {"id": old.owner_id, "name": "Balkan Network"},
        "opens_on": "2025-03-01",
        "closes_on": "2025-06-30",
        "countries": ["AL", "XK"],
        "answers": {"draft": 0, "submitted": 0, "returned": 0, "accepted": 0, "published": 1},
    }


def test_without_rounds_the_listing_says_so() -> None:
    assert rounds_output() == "No survey rounds yet.\n"
    assert json.loads(rounds_output("--format", "json")) == {"rounds": []}
