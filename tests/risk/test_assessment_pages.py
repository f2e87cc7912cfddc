"""Recording a risk assessment on the web and reading it: the instrument's questions in the
reader's language, every question answered or the form refused naming it (nothing saved), and
an assessment shown in words with its score, its level, what made it high and how much is not
known."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.cases.models import Case
from tandem.core.models import AuditEntry, Event
from tandem.risk import actions
from tandem.risk.models import RiskAssessment
from tests import factories
from tests.conftest import World, signed_in_client
from tests.risk.support import INSTRUMENT, MEDIUM, STANDARD, STRANGULATION, answers, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: World) -> Case:
    return factories.case(world.org, agency=world.agency)


def new_url(case: Case) -> str:
    return f"/cases/{case.pk}/risk/new/"


def test_the_form_asks_every_question_of_the_instrument_with_its_answers(world: World, case: Case) -> None:
    page = signed_in_client(world.facilitator).get(new_url(case)).content.decode()
    for section in INSTRUMENT.sections:
        assert section.text("en") in page
    for item in INSTRUMENT.items:
        for option in item.options:
            assert f'name="answer_{item.key}" value="{option.value}"' in page
    assert "He has strangled, choked or smothered her, at least once." in page
    assert "Not known" in page


def test_the_questions_are_in_the_readers_language(world: World, case: Case) -> None:
    client = signed_in_client(world.coordinator)
    page = client.get(new_url(case), HTTP_ACCEPT_LANGUAGE="sq").content.decode()
    item = INSTRUMENT.items[0]
    assert item.wording("sq") in page
    assert item.wording("en") not in page


def test_a_link_from_work_chooses_when_the_assessment_is_made(world: World, case: Case) -> None:
    page = signed_in_client(world.coordinator).get(f"{new_url(case)}?occasion=trigger&trigger=new_incident")
    html = page.content.decode()
    assert re.search(r'<input type="radio" name="occasion" value="trigger"[^>]* checked>', html)
    assert '<option value="new_incident" selected>' in html


def test_a_complete_assessment_is_recorded_and_shown(world: World, case: Case) -> None:
    client = signed_in_client(world.facilitator)
    response = client.post(new_url(case), form_data(MEDIUM, note="He spoke openly about the weapon."))
    assessment = RiskAssessment.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/risk/{assessment.pk}/"
    assert (assessment.level, assessment.score, assessment.assessed_by) == ("medium", 5, world.facilitator)
    assert AuditEntry.objects.filter(action="risk.assessment.recorded", actor=world.facilitator).exists()


def test_a_missing_answer_is_refused_at_its_question_and_nothing_is_saved(world: World, case: Case) -> None:
    payload = form_data(STANDARD)
    del payload["answer_strangulation"]
    response = signed_in_client(world.facilitator).post(new_url(case), payload)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Answer this question. Choose “Not known” when it is not known." in page
    # The error summary names the question and leads to it.
    assert 'href="#id_answer_strangulation">He has strangled, choked or smothered her, at least once.' in page
    assert not RiskAssessment.objects.filter(case=case).exists()


def test_every_missing_answer_is_named_not_only_the_first(world: World, case: Case) -> None:
    payload = form_data(STANDARD)
    del payload["answer_weapon"], payload["answer_previous_partners"]
    page = signed_in_client(world.facilitator).post(new_url(case), payload).content.decode()
    assert 'href="#id_answer_weapon"' in page
    assert 'href="#id_answer_previous_partners"' in page
    assert not RiskAssessment.objects.filter(case=case).exists()


def test_an_answer_that_is_not_one_of_the_options_is_refused(world: World, case: Case) -> None:
    response = signed_in_client(world.facilitator).post(new_url(case), form_data(answers(weapon="maybe")))
    assert response.status_code == 422
    assert 'href="#id_answer_weapon"' in response.content.decode()
    assert not RiskAssessment.objects.filter(case=case).exists()


def test_the_refusal_names_the_question_in_the_readers_language(world: World, case: Case) -> None:
    payload = form_data(STANDARD)
    del payload["answer_weapon"]
    page = signed_in_client(world.facilitator).post(new_url(case), payload, HTTP_ACCEPT_LANGUAGE="sr-latn")
    weapon = next(item for item in INSTRUMENT.items if item.key == "weapon")
    assert f'href="#id_answer_weapon">{weapon.wording("sr_Latn")}' in page.content.decode()


def test_an_assessment_after_a_trigger_names_the_trigger(world: World, case: Case) -> None:
    response = signed_in_client(world.facilitator).post(new_url(case), form_data(STANDARD, occasion="trigger"))
    assert response.status_code == 422
    assert "Say which event made this assessment necessary." in response.content.decode()
    assert not RiskAssessment.objects.filter(case=case).exists()


def test_a_trigger_is_refused_for_an_assessment_at_intake(world: World, case: Case) -> None:
    response = signed_in_client(world.facilitator).post(new_url(case), form_data(STANDARD, trigger="court_date"))
    assert response.status_code == 422
    assert "A trigger is given only for an assessment after a trigger event." in response.content.decode()


def test_the_assessment_page_gives_the_answers_in_words_and_the_result(world: World, case: Case) -> None:
    assessment = factories.risk_assessment(
        case, answers={**STRANGULATION, "weapon": "unknown", "crisis": "unknown"}, note="Seen at the first meeting."
    )
    page = signed_in_client(world.coordinator).get(f"/cases/{case.pk}/risk/{assessment.pk}/").content.decode()
    assert "High" in page
    assert "Answers that alone make the level high" in page
    assert "He has strangled, choked or smothered her, at least once." in page
    assert "2 questions answered “Not known”" in page
    assert "Seen at the first meeting." in page
    assert assessment.assessed_by.get_full_name() in page
    assert "At intake" in page


def test_an_assessment_of_another_case_is_not_found_under_this_one(world: World, case: Case) -> None:
    other = factories.case(world.org)
    assessment = factories.risk_assessment(other)
    response = signed_in_client(world.coordinator).get(f"/cases/{case.pk}/risk/{assessment.pk}/")
    assert response.status_code == 404


def test_someone_outside_the_case_finds_no_form(world: World, case: Case, client: Client) -> None:
    for person in (world.survivor_worker, world.org_admin, world.outsider):
        assert signed_in_client(person).get(new_url(case)).status_code == 404


def test_the_action_names_every_bad_item_and_saves_and_emits_nothing(world: World, case: Case) -> None:
    chosen = answers(weapon="maybe")
    del chosen["strangulation"]
    with pytest.raises(ValidationError) as refused:
        actions.record_assessment(case=case, answers=chosen, acting_user=world.coordinator)
    assert set(refused.value.message_dict) == {"weapon", "strangulation"}
    assert not RiskAssessment.objects.filter(case=case).exists()
    assert not Event.objects.filter(kind="risk.assessed", subject_id=str(case.pk)).exists()
