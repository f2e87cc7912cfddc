"""What the platform administration may not do to a survey round: delete the answers given in
it, or make someone the reviewer of her own organisation's answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.core.models import AuditEntry
from tandem.geo.models import Country
from tandem.mapping.actions import answers as actions
from tandem.mapping.actions.answers import AnswerRefused
from tandem.mapping.models import RoundReviewer, SurveyAnswer, SurveyRound
from tests import factories
from tests.conftest import World, sign_in
from tests.core.test_admin import platform_admin

pytestmark = pytest.mark.django_db


def submitted_answer(world: World, survey_round: SurveyRound) -> SurveyAnswer:
    programme = factories.programme("Our programme", provider=world.org)
    draft = actions.start_answer(acting_user=world.coordinator, survey_round=survey_round, programme=programme)
    values = {**factories.COMPLETE_VALUES, "programme": programme.code, "regions_served": ["AL-11"]}
    saved = actions.save_answer(acting_user=world.coordinator, answer=draft, values=values, expected_version=1)
    return actions.submit_answer(acting_user=world.coordinator, answer=saved, expected_version=saved.version)


def reviewer_form(survey_round: SurveyRound, user_id: int) -> dict[str, object]:
    return {
        "name": survey_round.name,
        "owner": str(survey_round.owner_id),
        "questionnaire": str(survey_round.questionnaire_id),
        "countries": [str(pk) for pk in survey_round.countries.values_list("pk", flat=True)],
        "opens_on": survey_round.opens_on.isoformat(),
        "closes_on": survey_round.closes_on.isoformat(),
        "reviewers-TOTAL_FORMS": "1",
        "reviewers-INITIAL_FORMS": "0",
        "reviewers-MIN_NUM_FORMS": "0",
        "reviewers-MAX_NUM_FORMS": "1000",
        "reviewers-0-round": str(survey_round.pk),
        "reviewers-0-country": str(Country.objects.get(code="AL").pk),
        "reviewers-0-user": str(user_id),
    }


def test_a_round_with_answers_cannot_be_deleted_in_the_platform_admin(client: Client, world: World) -> None:
    survey_round = factories.survey_round(owner=world.network)
    answer = submitted_answer(world, survey_round)
    sign_in(client, platform_admin())
    response = client.post(f"/platform-admin/mapping/surveyround/{survey_round.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert SurveyAnswer._base_manager.filter(pk=answer.pk).exists()
    assert not AuditEntry.objects.filter(action="mapping.round.deleted").exists()


def test_deleting_a_round_without_answers_is_on_the_record(client: Client, world: World) -> None:
    survey_round = factories.survey_round(owner=world.network, name="Set up by mistake")
    sign_in(client, platform_admin())
    response = client.post(f"/platform-admin/mapping/surveyround/{survey_round.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SurveyRound.objects.filter(pk=survey_round.pk).exists()
    entry = AuditEntry.objects.get(action="mapping.round.deleted")
    assert entry.organisation_id == world.network.pk
    assert "Set up by mistake" in entry.detail


def test_an_account_cannot_be_deleted_in_the_platform_admin_only_closed(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    response = client.post(f"/platform-admin/core/user/{world.coordinator.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    world.coordinator.refresh_from_db()


def test_a_providers_coordinator_cannot_be_made_reviewer_of_her_country(world: World) -> None:
    survey_round = factories.survey_round(owner=world.network)
    factories.programme("Our programme", provider=world.org)
    with pytest.raises(ValidationError, match="runs a programme in this country"):
        factories.reviewer(survey_round, "AL", world.coordinator)
    assert not RoundReviewer.objects.filter(user=world.coordinator).exists()


def test_only_people_who_oversee_programmes_are_made_reviewers(world: World) -> None:
    survey_round = factories.survey_round(owner=world.network)
    with pytest.raises(ValidationError, match="Answers are reviewed by"):
        factories.reviewer(survey_round, "AL", world.referrer)


def test_the_platform_admin_page_says_why_a_reviewer_is_refused(client: Client, world: World) -> None:
    survey_round = factories.survey_round(owner=world.network)
    factories.programme("Our programme", provider=world.org)
    sign_in(client, platform_admin())
    response = client.post(
        f"/platform-admin/mapping/surveyround/{survey_round.pk}/change/",
        reviewer_form(survey_round, world.coordinator.pk),
    )
    assert response.status_code == 200
    assert "so she would review its own answer" in response.content.decode()
    assert not RoundReviewer.objects.filter(user=world.coordinator).exists()
    assert not AuditEntry.objects.filter(action="mapping.reviewer.assigned").exists()


def test_an_author_made_reviewer_before_the_rule_still_cannot_accept_her_own_answer(world: World) -> None:
    survey_round = factories.survey_round(owner=world.network)
    answer = submitted_answer(world, survey_round)
    # An assignment made before reviewers were checked.
    RoundReviewer.objects.create(round=survey_round, country=Country.objects.get(code="AL"), user=world.coordinator)
    with pytest.raises(AnswerRefused):
        actions.accept_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    answer.refresh_from_db()
    assert answer.status == "submitted"
