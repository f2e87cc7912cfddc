"""Answers at a time point: his from a session or a staff form, hers only through her side with
her consent; nothing half-saved, nothing recorded twice."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tandem.core import clock, events
from tandem.core.models import WorkItem
from tandem.outcomes.actions import (
    Answers,
    OutcomeRefused,
    close_without_answers,
    record_her_answers,
    record_his_answers,
)
from tandem.outcomes.models import ManResponse, Mode, PartnerResponse, PointState
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tests import factories
from tests.conftest import World
from tests.outcomes.support import her_points, his_points, started

pytestmark = pytest.mark.django_db


def _all(respondent: str, value: int | None) -> dict[str, int | None]:
    return {item.key: value for item in current_instrument(respondent).items}


def _his(values: dict[str, Any], **fields: Any) -> Answers:
    return Answers(
        values, fields.get("language", "sq"), fields.get("on", clock.today()), fields.get("mode", Mode.SESSION)
    )


def _hers(values: dict[str, Any], channel: str = "phone", **fields: Any) -> Answers:
    return Answers(values, fields.get("language", "sq"), fields.get("on", clock.today()), Mode.INTERVIEW, channel)


@pytest.fixture
def point(world: World) -> Any:
    return his_points(started(world.org))["start"]


@pytest.fixture
def her_point(world: World) -> Any:
    case = started(world.org)
    partner = factories.partner(case)
    events.deliver_pending()
    return her_points(partner)["start"]


def test_his_answers_keep_the_questionnaire_version_and_language(world: World, point: Any) -> None:
    response = record_his_answers(
        point=point, answers=_his(_all(MAN, 0)), expected_version=1, acting_user=world.facilitator
    )
    instrument = current_instrument(MAN)
    assert (response.instrument, response.instrument_version) == (instrument.key, instrument.version)
    assert (response.language, response.translation_version) == ("sq", instrument.translation_version("sq"))
    assert json.loads(response.answers) == _all(MAN, 0)


def test_his_answers_are_scored_by_subscale(world: World, point: Any) -> None:
    response = record_his_answers(
        point=point, answers=_his(_all(MAN, 0)), expected_version=1, acting_user=world.facilitator
    )
    scores = {score.subscale: score.value for score in response.scores.all()}
    assert scores["physical"] == 0.0


def test_answering_closes_the_work_of_the_point(world: World, point: Any) -> None:
    record_his_answers(point=point, answers=_his(_all(MAN, 0)), expected_version=1, acting_user=world.facilitator)
    item = WorkItem.objects.get(rule="outcomes.his_questionnaire", subject_id=str(point.pk))
    assert item.state == WorkItem.State.DONE


def test_an_answer_off_its_scale_is_refused_and_nothing_is_saved(world: World, point: Any) -> None:
    values = {**_all(MAN, 0), next(iter(_all(MAN, 0))): 9}
    with pytest.raises(ValidationError):
        record_his_answers(point=point, answers=_his(values), expected_version=1, acting_user=world.facilitator)
    point.refresh_from_db()
    assert point.state == PointState.DUE
    assert not ManResponse._base_manager.filter(point=point).exists()


def test_answers_with_nothing_answered_are_refused(world: World, point: Any) -> None:
    with pytest.raises(ValidationError):
        record_his_answers(
            point=point, answers=_his(_all(MAN, None)), expected_version=1, acting_user=world.facilitator
        )


def test_a_point_is_answered_once(world: World, point: Any) -> None:
    record_his_answers(point=point, answers=_his(_all(MAN, 0)), expected_version=1, acting_user=world.facilitator)
    point.refresh_from_db()
    with pytest.raises(OutcomeRefused):
        record_his_answers(
            point=point, answers=_his(_all(MAN, 1)), expected_version=point.version, acting_user=world.facilitator
        )


def test_a_stale_version_is_refused(world: World, point: Any) -> None:
    with pytest.raises(OutcomeRefused) as refused:
        record_his_answers(point=point, answers=_his(_all(MAN, 0)), expected_version=7, acting_user=world.facilitator)
    assert refused.value.rule == "version"


def test_answers_from_before_the_point_opened_are_refused(world: World, point: Any) -> None:
    with pytest.raises(ValidationError):
        record_his_answers(
            point=point,
            answers=_his(_all(MAN, 0), on=point.opens_on - timedelta(days=1)),
            expected_version=1,
            acting_user=world.facilitator,
        )


def test_a_language_the_questionnaire_is_not_written_in_is_refused(world: World, point: Any) -> None:
    with pytest.raises(ValidationError):
        record_his_answers(
            point=point, answers=_his(_all(MAN, 0), language="de"), expected_version=1, acting_user=world.facilitator
        )


def test_his_answers_are_not_for_a_survivor_worker_to_record(world: World, point: Any) -> None:
    with pytest.raises(OutcomeRefused):
        record_his_answers(
            point=point, answers=_his(_all(MAN, 0)), expected_version=1, acting_user=world.survivor_worker
        )


def test_her_answers_need_her_consent_for_questionnaires_on_that_channel(world: World, her_point: Any) -> None:
    with pytest.raises(OutcomeRefused) as refused:
        record_her_answers(
            point=her_point, answers=_hers(_all(PARTNER, 0)), expected_version=1, acting_user=world.survivor_worker
        )
    assert refused.value.rule == "consent"
    assert not PartnerResponse._base_manager.filter(point=her_point).exists()


def test_her_interview_is_recorded_under_her_consent(world: World, her_point: Any) -> None:
    factories.consent(her_point.partner, channel="phone", purpose="questionnaires")
    response = record_her_answers(
        point=her_point, answers=_hers(_all(PARTNER, 0)), expected_version=1, acting_user=world.survivor_worker
    )
    assert response.mode == Mode.INTERVIEW
    assert WorkItem.objects.get(rule="outcomes.her_questionnaire", subject_id=str(her_point.pk)).state == "done"


def test_a_withdrawn_consent_stops_her_questionnaire(world: World, her_point: Any) -> None:
    from tandem.survivors.actions.consent import withdraw_consent

    consent = factories.consent(her_point.partner, channel="phone", purpose="questionnaires")
    withdraw_consent(consent=consent, acting_user=world.survivor_worker)
    with pytest.raises(OutcomeRefused):
        record_her_answers(
            point=her_point, answers=_hers(_all(PARTNER, 0)), expected_version=1, acting_user=world.survivor_worker
        )


@pytest.mark.parametrize("persona", ["facilitator", "coordinator", "referrer"])
def test_nobody_on_his_side_records_her_answers(world: World, her_point: Any, persona: str) -> None:
    factories.consent(her_point.partner, channel="phone", purpose="questionnaires")
    with pytest.raises(OutcomeRefused):
        record_her_answers(
            point=her_point, answers=_hers(_all(PARTNER, 0)), expected_version=1, acting_user=world.persona(persona)
        )


def test_a_declined_questionnaire_closes_the_point_and_its_work(world: World, point: Any) -> None:
    close_without_answers(
        point=point, state=PointState.DECLINED, note="He refused.", expected_version=1, acting_user=world.facilitator
    )
    point.refresh_from_db()
    assert point.state == PointState.DECLINED
    assert WorkItem.objects.get(rule="outcomes.his_questionnaire", subject_id=str(point.pk)).state == "done"
