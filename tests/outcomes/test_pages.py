"""The pages of outcome monitoring: his questionnaire on the programme side, hers on her side
only, and her change over time beside his."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tandem.core import events
from tandem.core.models import User, WorkItem
from tandem.outcomes.actions import Answers, close_without_answers, record_his_answers
from tandem.outcomes.forms import answer_field_name
from tandem.outcomes.models import Mode, PointState
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tests import factories
from tests.conftest import World, signed_in_client
from tests.outcomes.support import her_points, his_points, started

pytestmark = pytest.mark.django_db

CANARY = "Canary-7Q: she spoke from her sister's flat in Durrës"


def _keys(respondent: str) -> list[str]:
    return [item.key for item in current_instrument(respondent).items]


def _form(respondent: str, value: str = "0", **extra: str) -> dict[str, str]:
    data = {answer_field_name(item.key): value for item in current_instrument(respondent).items}
    return {**data, "version": "1", "language": "sq", "answered_on": extra.pop("on", ""), "do": "answers", **extra}


@pytest.fixture
def pair(world: World) -> tuple[Any, Any, Any]:
    case = started(world.org)
    partner = factories.partner(case)
    factories.consent(partner, channel="phone", purpose="questionnaires")
    events.deliver_pending()
    return case, his_points(case)["start"], her_points(partner)["start"]


def test_a_facilitator_records_his_answers_from_the_case(world: World, pair: Any) -> None:
    case, point, _her = pair
    client = signed_in_client(world.facilitator)
    page = client.get(reverse("outcomes:man_answers", args=[point.pk]))
    assert page.status_code == 200
    data = _form(MAN, mode="session", on=point.opens_on.isoformat())
    response = client.post(reverse("outcomes:man_answers", args=[point.pk]), data)
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.state == PointState.ANSWERED
    assert "Outcome questionnaires" in client.get(reverse("cases:case", args=[case.pk])).content.decode()


def test_an_answer_off_the_scale_is_shown_with_what_to_fix_and_nothing_saved(world: World, pair: Any) -> None:
    _case, point, _her = pair
    data = _form(MAN, mode="session", on=point.opens_on.isoformat())
    data[answer_field_name(current_instrument(MAN).items[0].key)] = "9"
    response = signed_in_client(world.facilitator).post(reverse("outcomes:man_answers", args=[point.pk]), data)
    assert response.status_code == 422
    assert "Choose one of the answers for this question" in response.content.decode()
    point.refresh_from_db()
    assert point.state == PointState.DUE


def test_a_second_tab_finds_the_point_answered_and_overwrites_nothing(world: World, pair: Any) -> None:
    _case, point, _her = pair
    client = signed_in_client(world.facilitator)
    url = reverse("outcomes:man_answers", args=[point.pk])
    client.post(url, _form(MAN, mode="session", on=point.opens_on.isoformat()))
    again = client.post(url, _form(MAN, "3", mode="session", on=point.opens_on.isoformat()))
    assert again.status_code == 409


def test_her_support_worker_records_her_interview_and_sees_her_change(world: World, pair: Any) -> None:
    _case, _his, point = pair
    client = signed_in_client(world.survivor_worker)
    url = reverse("outcomes:partner_answers", args=[point.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(PARTNER, mode="interview", channel="phone", on=point.opens_on.isoformat()))
    assert response.status_code == 302
    page = client.get(reverse("outcomes:partner_outcomes", args=[point.partner_id])).content.decode()
    assert "Change over time" in page


def test_without_her_consent_on_that_channel_the_reason_is_shown(world: World, pair: Any) -> None:
    _case, _his, point = pair
    data = _form(PARTNER, mode="interview", channel="email", on=point.opens_on.isoformat())
    response = signed_in_client(world.survivor_worker).post(reverse("outcomes:partner_answers", args=[point.pk]), data)
    assert response.status_code == 422
    point.refresh_from_db()
    assert point.state == PointState.DUE


def test_a_facilitator_trying_her_questionnaire_finds_nothing_and_alerts(world: World, pair: Any) -> None:
    _case, _his, point = pair
    response = signed_in_client(world.facilitator).get(reverse("outcomes:partner_answers", args=[point.pk]))
    assert response.status_code == 404
    assert WorkItem.objects.filter(rule="survivors.alert_tried", organisation=world.org).exists()


def test_nothing_of_her_questionnaire_reaches_his_side(world: World, pair: Any) -> None:
    case, his_point, point = pair
    close_without_answers(
        point=point, state=PointState.MISSED, note=CANARY, expected_version=1, acting_user=world.survivor_worker
    )
    record_his_answers(
        point=his_point,
        answers=Answers(
            {item.key: 0 for item in current_instrument(MAN).items}, "sq", his_point.opens_on, Mode.SESSION
        ),
        expected_version=1,
        acting_user=world.facilitator,
    )
    for persona in ("facilitator", "coordinator"):
        client = signed_in_client(world.persona(persona))
        for url in (reverse("cases:case", args=[case.pk]), reverse("outcomes:man_answers", args=[his_point.pk])):
            assert CANARY not in client.get(url).content.decode()


def _both_answered(world: World, pair: Any) -> Any:
    _case, his_point, her_point = pair
    record_his_answers(
        point=his_point,
        answers=Answers(dict.fromkeys(_keys(MAN), 1), "sq", his_point.opens_on, Mode.SESSION),
        expected_version=his_point.version,
        acting_user=world.facilitator,
    )
    data = _form(PARTNER, mode="interview", channel="phone", on=her_point.opens_on.isoformat())
    signed_in_client(world.survivor_worker).post(reverse("outcomes:partner_answers", args=[her_point.pk]), data)
    return her_point.partner


def test_her_own_workers_see_his_scores_beside_hers_and_can_import(world: World, pair: Any) -> None:
    partner = _both_answered(world, pair)
    page = signed_in_client(world.survivor_worker).get(reverse("outcomes:partner_outcomes", args=[partner.pk]))
    text = page.content.decode()
    assert 'class="his"' in text and "Her score (his score)" in text
    assert reverse("outcomes:import") in text


def test_a_service_she_shares_her_record_with_sees_her_scores_but_none_of_his(world: World, pair: Any) -> None:
    partner = _both_answered(world, pair)
    service = factories.survivor_service("Shared women's centre")
    factories.share_with(partner, service)
    worker = User.objects.filter(memberships__organisation=service).get()
    page = signed_in_client(worker).get(reverse("outcomes:partner_outcomes", args=[partner.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Change over time" in text
    assert 'class="his"' not in text and "his score" not in text
    assert reverse("outcomes:import") not in text
