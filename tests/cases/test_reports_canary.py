"""Canaries: values planted where only the survivor side (and the programme's own safety notes)
keep them, and proof that no kind of report carries them, neither in the facts it stores, nor
on its page, nor in the text of its PDF."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tandem.cases import actions as case_actions
from tandem.cases.actions import reports as report_actions
from tandem.cases.actions.records import add_note
from tandem.cases.models import Case, CaseReport, NoteCategory, ReportKind
from tandem.cases.queries.reports import latest_partner_signal
from tandem.cases.rules.lifecycle import State
from tandem.core import events
from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

CANARY_CONTACT = "CANARY-CONTACT-7f3a"
CANARY_SIGNAL = "CANARY-SIGNAL-19bd"
CANARY_NOTE = "CANARY-NOTE-c2e0"
CANARIES = (CANARY_CONTACT, CANARY_SIGNAL, CANARY_NOTE)
NAME = "Arben Krasniqi"
ASSESSMENT = "He attended eleven of twelve sessions and spoke about his violence."


def plant_canaries(case: Case) -> None:
    factories.partner_side_ready(case, offered=False, impossible_because=f"She moved away. {CANARY_CONTACT}")
    factories.safety_signal(case, "serious", f"She is afraid of the hearing. {CANARY_SIGNAL}")
    add_note(
        case=case,
        category=NoteCategory.SAFETY,
        text=f"The partner called the office. {CANARY_NOTE}",
        acting_user=factories._someone(case.organisation, Role.COORDINATOR),
    )


def send(report: CaseReport, coordinator: User) -> CaseReport:
    report = report_actions.edit_report(
        report=report, assessment=ASSESSMENT, expected_version=report.version, acting_user=coordinator
    )
    report = report_actions.submit_report_for_review(
        report=report, expected_version=report.version, acting_user=coordinator
    )
    signal = latest_partner_signal(coordinator, report.case)
    return report_actions.review_report(
        report=report,
        safe=True,
        signal_seen=signal.pk,
        expected_version=report.version,
        acting_user=coordinator,
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


@pytest.fixture
def court(world: World) -> Organisation:
    return factories.organisation(kind=OrganisationKind.COURT)


@pytest.mark.parametrize("kind", ReportKind.values)
def test_no_report_kind_made_by_hand_carries_a_survivor_value(world: World, court: Organisation, kind: str) -> None:
    case = factories.case(world.org, agency=court, state=State.IN_PROGRAMME, name=NAME)
    plant_canaries(case)
    report = report_actions.create_report(case=case, kind=kind, acting_user=world.coordinator)
    report = send(report, world.coordinator)
    check_everything(report, factories._someone(court, Role.REFERRER), world)


@pytest.mark.parametrize("state", [State.DROPPED_OUT, State.EXCLUDED, State.COMPLETED])
def test_no_report_made_by_a_rule_carries_a_survivor_value(world: World, court: Organisation, state: State) -> None:
    case = factories.case(world.org, agency=court, state=State.IN_PROGRAMME, name=NAME)
    plant_canaries(case)
    case = case_actions.move_case(
        case=case,
        event={State.DROPPED_OUT: "drop_out", State.EXCLUDED: "exclude", State.COMPLETED: "complete"}[state],
        expected_version=case.version,
        reason="He stopped coming after the fourth session.",
        acting_user=world.coordinator,
    )
    events.deliver_pending()
    report = CaseReport.objects.get(case=case)
    report = send(report, world.coordinator)
    check_everything(report, factories._someone(court, Role.REFERRER), world)


def check_everything(report: CaseReport, referrer: User, world: World) -> None:
    assert_no_canary(report.facts)
    assert NAME in report.facts
    for reader in (world.coordinator, world.facilitator, referrer):
        client = signed_in_client(reader)
        page = client.get(reverse("cases:report", args=[report.case_id, report.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert NAME in html and ASSESSMENT in html
        assert_no_canary(html)
        pdf = client.get(reverse("cases:report_pdf", args=[report.case_id, report.pk]))
        assert pdf.status_code == 200
        text = pdf_text(pdf.content)
        # The extraction reads the report: the canaries' absence means something.
        assert NAME in text and "eleven of twelve sessions" in text
        assert_no_canary(text)
        for canary in CANARIES:
            assert canary.encode() not in pdf.content


def test_the_canaries_are_where_they_were_planted(world: World, court: Organisation) -> None:
    # The planted values are real: the coordinator's safety review shows the signal's.
    case = factories.case(world.org, agency=court, state=State.IN_PROGRAMME, name=NAME)
    plant_canaries(case)
    report = factories.case_report(case, state="awaiting_review")
    page = signed_in_client(world.coordinator).get(reverse("cases:report_review", args=[case.pk, report.pk]))
    assert CANARY_SIGNAL in page.content.decode()
