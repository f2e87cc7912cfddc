"""Notes on a case: added by the people working on it, with a category, never changed; a note of a
new incident is also the event the survivor side and the risk domain act on."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import NoReverseMatch, reverse

from tandem.cases.actions import CaseRefused, records as actions
from tandem.cases.models import Case, CaseNote, NoteCategory
from tandem.cases.rules.lifecycle import State
from tandem.core import events
from tandem.core.models import AuditEntry, Event
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db


def in_programme(world: World) -> Case:
    return factories.case(world.org, agency=world.agency, state=State.ASSESSMENT)


def test_a_facilitator_adds_a_note_with_its_category(world: World) -> None:
    note = actions.add_note(
        case=in_programme(world),
        category="session",
        text="Took part; spoke of jealousy.",
        acting_user=world.facilitator,
    )
    assert (note.category, note.written_by) == (NoteCategory.SESSION, world.facilitator)


def test_adding_a_note_is_audited_with_its_category_not_its_text(world: World) -> None:
    actions.add_note(case=in_programme(world), category="contact", text="Phoned him.", acting_user=world.coordinator)
    entry = AuditEntry.objects.get(action="cases.note.added")
    assert entry.actor == world.coordinator
    assert "contact" in entry.detail and "Phoned" not in entry.detail


def test_the_text_of_a_note_is_encrypted_at_rest(world: World) -> None:
    note = actions.add_note(
        case=in_programme(world), category="other", text="Moved to his brother's flat.", acting_user=world.facilitator
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote WHERE id = %s", [note.pk])
        (stored,) = cursor.fetchone()
    assert "brother" not in stored


def test_a_note_of_a_new_incident_emits_the_new_incident_event(world: World) -> None:
    case = in_programme(world)
    note = actions.add_note(
        case=case, category="incident", text="Police called to the home on Friday.", acting_user=world.facilitator
    )
    event = Event.objects.get(kind=actions.CASE_NEW_INCIDENT)
    assert (event.subject_type, event.subject_id) == ("cases.case", str(case.pk))
    assert (event.organisation_id, event.actor) == (world.org.pk, world.facilitator)
    assert event.payload == {"note": note.pk}


def test_the_new_incident_event_carries_no_words_of_the_note(world: World) -> None:
    actions.add_note(
        case=in_programme(world), category="incident", text="Police called to the home.", acting_user=world.facilitator
    )
    assert "Police" not in str(Event.objects.get(kind=actions.CASE_NEW_INCIDENT).payload)


def test_the_new_incident_event_is_delivered_to_its_handlers(world: World) -> None:
    actions.add_note(
        case=in_programme(world), category="incident", text="A new assault.", acting_user=world.coordinator
    )
    events.deliver_pending()
    assert Event.objects.get(kind=actions.CASE_NEW_INCIDENT).delivered_at is not None


def test_a_note_of_another_category_emits_nothing(world: World) -> None:
    actions.add_note(case=in_programme(world), category="safety", text="Seems angry.", acting_user=world.facilitator)
    assert not Event.objects.filter(kind=actions.CASE_NEW_INCIDENT).exists()


def test_a_refused_incident_note_emits_nothing(world: World) -> None:
    with pytest.raises(ValidationError):
        actions.add_note(case=in_programme(world), category="incident", text="  ", acting_user=world.facilitator)
    assert not Event.objects.filter(kind=actions.CASE_NEW_INCIDENT).exists()


def test_an_empty_note_is_refused_naming_the_text(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_note(case=in_programme(world), category="session", text=" \n ", acting_user=world.facilitator)
    assert set(refused.value.message_dict) == {"text"}


def test_a_note_over_the_limit_is_refused(world: World) -> None:
    case = in_programme(world)
    with pytest.raises(ValidationError) as refused:
        actions.add_note(case=case, category="session", text="x" * 10_001, acting_user=world.facilitator)
    assert refused.value.message_dict["text"] == ["At most 10000 characters."]
    assert not CaseNote.objects.filter(case=case).exists()


def test_a_category_outside_the_list_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_note(case=in_programme(world), category="gossip", text="Heard", acting_user=world.facilitator)
    assert set(refused.value.message_dict) == {"category"}


def test_a_survivor_support_worker_may_not_add_a_note_to_his_case(world: World) -> None:
    with pytest.raises(CaseRefused):
        actions.add_note(case=in_programme(world), category="other", text="x", acting_user=world.survivor_worker)


def test_notes_have_no_page_to_change_or_remove_them(world: World) -> None:
    case = in_programme(world)
    note = actions.add_note(case=case, category="other", text="First.", acting_user=world.facilitator)
    for name in ("cases:note_edit", "cases:note_change", "cases:note_delete", "cases:note_remove"):
        with pytest.raises(NoReverseMatch):
            reverse(name, kwargs={"case_id": case.pk, "note_id": note.pk})


def test_the_note_page_adds_the_note_and_returns_to_the_case(world: World) -> None:
    case = in_programme(world)
    response = signed_in_client(world.facilitator).post(
        f"/cases/{case.pk}/notes/new/", {"category": "compliance", "text": "Late twice."}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert CaseNote.objects.get(case=case).text == "Late twice."


def test_the_note_page_refuses_a_missing_text_with_422_naming_it(world: World) -> None:
    case = in_programme(world)
    response = signed_in_client(world.facilitator).post(f"/cases/{case.pk}/notes/new/", {"category": "session"})
    assert response.status_code == 422
    assert "text" in response.context["form"].errors
    assert not CaseNote.objects.filter(case=case).exists()


def test_the_case_page_lists_notes_in_their_panel_and_the_timeline(world: World) -> None:
    case = in_programme(world)
    actions.add_note(case=case, category="agency", text="Probation officer called.", acting_user=world.coordinator)
    response = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/")
    page = response.content.decode()
    assert page.count("Probation officer called.") == 2
    assert [entry.kind for entry in response.context["timeline"]].count("note") == 1
