"""The case page with the case's records: as many queries with 20 notes, children and documents
as with 3, and their panels shown only to the people working on the case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.cases.actions import documents as document_actions, records as actions
from tandem.cases.models import Case
from tandem.cases.panels_records import NOTES_SHOWN, documents_panel, notes_panel
from tandem.cases.rules.lifecycle import State
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def document_dir(settings: Any, tmp_path: Path) -> None:
    settings.TANDEM_DOCUMENT_DIR = tmp_path / "documents"


def with_records(world: World, count: int) -> Case:
    case = factories.case(world.org, agency=world.agency, state=State.ASSESSMENT)
    actions.record_intake(
        case=case,
        answers=actions.IntakeAnswers(motivation="own", denial="accepts", substance_use="none", mental_health="none"),
        expected_version=0,
        acting_user=world.facilitator,
    )
    for number in range(count):
        actions.add_note(case=case, category="session", text=f"Session {number}.", acting_user=world.facilitator)
        actions.record_child(
            case=case, details=actions.ChildDetails(age=number % 18, lives_with="mother"), acting_user=world.coordinator
        )
        document_actions.upload_document(
            case=case,
            title=f"Letter {number}",
            filename=f"letter-{number}.txt",
            content=f"Letter {number}".encode(),
            acting_user=world.facilitator,
        )
    return case


def queries_for_case_page(world: World, case: Case) -> int:
    client = signed_in_client(world.facilitator)
    client.get(f"/cases/{case.pk}/")  # the session and the language are settled once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return len(captured)


def test_the_case_page_costs_as_many_queries_with_20_records_of_each_kind_as_with_3(world: World) -> None:
    few = queries_for_case_page(world, with_records(world, 3))
    many = queries_for_case_page(world, with_records(world, 20))
    assert many == few


def test_the_notes_panel_shows_the_newest_notes_and_points_to_the_timeline_for_more(world: World) -> None:
    case = with_records(world, NOTES_SHOWN + 2)
    panel = notes_panel(world.facilitator, case)
    assert panel is not None
    assert [note.text for note in panel["notes"]][:2] == [f"Session {NOTES_SHOWN + 1}.", f"Session {NOTES_SHOWN}."]
    assert (len(panel["notes"]), panel["more"]) == (NOTES_SHOWN, True)


@pytest.mark.parametrize("persona", ["survivor_worker", "org_admin", "referrer", "analyst", "auditor", "outsider"])
def test_the_records_panels_are_not_built_for_anyone_else(world: World, persona: str) -> None:
    case = with_records(world, 1)
    assert notes_panel(world.persona(persona), case) is None
    assert documents_panel(world.persona(persona), case) is None
