"""Reports to the referrer: made due by the rules of the referral route, written by the
programme, reviewed for the partner's safety by a coordinator, and read by the referring agency
once sent."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.cases.actions import CaseRefused, StaleCase, reports as report_actions
from tandem.cases.handlers import make_reports_due
from tandem.cases.models import Case, CaseReport, ReportKind, ReportState
from tandem.cases.reporting.rules import ABSENCE_WITHDRAWN, UNACCEPTABLE_ABSENCE
from tandem.cases.rules.lifecycle import State
from tandem.core import clock, events
from tandem.core.models import AuditEntry, Event, Organisation, User, WorkItem
from tandem.core.roles import OrganisationKind, Role
from tandem.core.work import link_of, title_of
from tandem.geo.models import Country
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

BELGRADE = ZoneInfo("Europe/Belgrade")
# A Friday before Serbia's Statehood Day (Monday 15 and Tuesday 16 February 2027).
FRIDAY = datetime(2027, 2, 12, 10, 0, tzinfo=BELGRADE)


def agency(kind: OrganisationKind = OrganisationKind.COURT) -> Organisation:
    return factories.organisation(kind=kind)


def serbian_provider() -> Organisation:
    return factories.organisation(country=Country.objects.get(code="RS"))


def reports_of(case: Case) -> list[CaseReport]:
    return list(CaseReport.objects.filter(case=case))


def report_work(case: Case) -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(
            subject_type="cases.case", subject_id=str(case.pk), rule__startswith="cases.report_due:"
        )
    )


def absence(case: Case, *, as_payload: bool = False) -> Event:
    with transaction.atomic():
        if as_payload:
            return events.emit(UNACCEPTABLE_ABSENCE, organisation=case.organisation_id, payload={"case": case.pk})
        return events.emit(UNACCEPTABLE_ABSENCE, subject=case, organisation=case.organisation_id)


def coordinator_of(case: Case) -> User:
    return factories._someone(case.organisation, Role.COORDINATOR)


# --- Rules per referral route ------------------------------------------------------------------


def test_a_dropout_of_a_court_referred_case_makes_a_non_compliance_draft_due_in_three_working_days() -> None:
    provider = serbian_provider()
    with clock.frozen(FRIDAY):
        case = factories.case(provider, agency=agency(), state=State.DROPPED_OUT)
    events.deliver_pending()
    (report,) = reports_of(case)
    assert (report.kind, report.state, report.rule) == (
        ReportKind.NON_COMPLIANCE,
        ReportState.DRAFT,
        "court_probation.dropped_out",
    )
    # Three working days of Serbia: not Saturday, Sunday, nor the two days of Statehood Day.
    assert report.due_at == datetime(2027, 2, 19, 10, 0, tzinfo=BELGRADE)
    assert report.created_by is None


def test_a_dropout_opens_work_for_the_coordinators_due_with_the_report() -> None:
    provider = serbian_provider()
    with clock.frozen(FRIDAY):
        case = factories.case(provider, agency=agency(), state=State.DROPPED_OUT)
    events.deliver_pending()
    (item,) = report_work(case)
    (report,) = reports_of(case)
    assert item.state == WorkItem.State.OPEN
    assert item.team_role == Role.COORDINATOR
    assert item.organisation_id == provider.pk
    assert item.due_at == report.due_at
    assert link_of(item) == reverse("cases:report", args=[case.pk, report.pk])
    assert title_of(item) == f"Send the non-compliance report on case #{case.pk} after its safety review"


def test_an_exclusion_of_a_probation_referral_makes_a_non_compliance_report_due() -> None:
    case = factories.case(factories.organisation(), agency=agency(OrganisationKind.PROBATION), state=State.EXCLUDED)
    events.deliver_pending()
    (report,) = reports_of(case)
    assert (report.kind, report.rule) == (ReportKind.NON_COMPLIANCE, "court_probation.excluded")
    assert len(report_work(case)) == 1


def test_a_completion_makes_a_completion_report_due_in_five_working_days() -> None:
    provider = serbian_provider()
    with clock.frozen(FRIDAY):
        case = factories.case(provider, agency=agency(), state=State.COMPLETED)
    events.deliver_pending()
    (report,) = reports_of(case)
    assert report.kind == ReportKind.COMPLETION
    assert report.due_at == datetime(2027, 2, 23, 10, 0, tzinfo=BELGRADE)


def test_one_unacceptable_absence_makes_no_report() -> None:
    case = factories.case(factories.organisation(), agency=agency(), state=State.IN_PROGRAMME)
    events.deliver_pending()
    absence(case)
    events.deliver_pending()
    assert reports_of(case) == []
    assert report_work(case) == []


def test_two_unacceptable_absences_make_a_non_compliance_report_due_in_three_working_days() -> None:
    provider = serbian_provider()
    case = factories.case(provider, agency=agency(), state=State.IN_PROGRAMME)
    absence(case)
    with clock.frozen(FRIDAY):
        absence(case, as_payload=True)
    events.deliver_pending()
    (report,) = reports_of(case)
    assert (report.kind, report.rule) == (ReportKind.NON_COMPLIANCE, "court_probation.absences")
    assert report.due_at == datetime(2027, 2, 19, 10, 0, tzinfo=BELGRADE)
    assert json.loads(report.facts)["unacceptable_absences"] == 2
    assert len(report_work(case)) == 1


def test_a_third_unacceptable_absence_makes_no_second_report() -> None:
    case = factories.case(factories.organisation(), agency=agency(), state=State.IN_PROGRAMME)
    for _ in range(3):
        absence(case)
    events.deliver_pending()
    assert len(reports_of(case)) == 1


def withdrawal(case: Case) -> Event:
    with transaction.atomic():
        return events.emit(ABSENCE_WITHDRAWN, subject=case, organisation=case.organisation_id)


def test_an_absence_corrected_before_the_second_makes_no_report() -> None:
    case = factories.case(factories.organisation(), agency=agency(), state=State.IN_PROGRAMME)
    absence(case)
    withdrawal(case)
    absence(case)
    events.deliver_pending()
    assert reports_of(case) == []


def test_correcting_one_of_two_absences_withdraws_the_draft_report_and_its_work() -> None:
    case = factories.case(factories.organisation(), agency=agency(), state=State.IN_PROGRAMME)
    absence(case)
    absence(case)
    events.deliver_pending()
    assert len(reports_of(case)) == 1
    withdrawal(case)
    events.deliver_pending()
    assert reports_of(case) == []
    assert [w.state for w in report_work(case)] == [WorkItem.State.CANCELLED]
    # A later absence brings the count to two again: the report is due again, with its work.
    absence(case)
    events.deliver_pending()
    assert len(reports_of(case)) == 1
    assert [w.state for w in report_work(case)].count(WorkItem.State.OPEN) == 1


def test_absences_are_counted_per_case() -> None:
    provider = factories.organisation()
    court = agency()
    first = factories.case(provider, agency=court, state=State.IN_PROGRAMME)
    second = factories.case(provider, agency=court, state=State.IN_PROGRAMME)
    absence(first)
    absence(second)
    events.deliver_pending()
    assert reports_of(first) == reports_of(second) == []


def test_a_self_referral_makes_no_report() -> None:
    case = factories.case(factories.organisation(), state=State.DROPPED_OUT)
    absence(case)
    absence(case)
    events.deliver_pending()
    assert reports_of(case) == []
    assert report_work(case) == []


def test_a_referral_from_a_centre_for_social_work_makes_no_report_by_rule(world: World) -> None:
    case = factories.case(world.org, agency=world.agency, state=State.DROPPED_OUT)
    events.deliver_pending()
    assert reports_of(case) == []


def test_a_rule_makes_one_report_per_case_when_its_event_is_delivered_twice() -> None:
    case = factories.case(factories.organisation(), agency=agency(), state=State.DROPPED_OUT)
    event = Event.objects.get(kind="case.dropped_out", subject_id=str(case.pk))
    make_reports_due(event)
    make_reports_due(event)
    assert len(reports_of(case)) == 1
    assert len(report_work(case)) == 1


def test_the_report_due_is_open_work_that_keeps_the_case_from_closing() -> None:
    from tandem.cases.queries import case_facts

    case = factories.case(factories.organisation(), agency=agency(), state=State.COMPLETED)
    WorkItem.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).update(state=WorkItem.State.DONE)
    events.deliver_pending()
    assert case_facts(case).open_safety_work


# --- The facts: the perpetrator-facing view, at the moment the report is made -------------------


def test_the_facts_are_the_perpetrator_facing_view_with_the_reason_for_the_dropout(world: World) -> None:
    case = factories.case(world.org, agency=world.agency, state=State.DROPPED_OUT, name="Arben Krasniqi")
    report = report_actions.create_report(case=case, kind=ReportKind.NON_COMPLIANCE, acting_user=world.coordinator)
    facts = json.loads(report.facts)
    assert facts["participant_name"] == "Arben Krasniqi"
    assert facts["agency"] == world.agency.name
    assert facts["route"] == "social_work"
    assert facts["state"] == State.DROPPED_OUT
    assert [step["event"] for step in facts["steps"]] == [
        "start_assessment",
        "assess_suitable",
        "start_programme",
        "drop_out",
    ]
    assert facts["steps"][-1]["reason"] == "Recorded for the test."
    assert "partner_reference" not in report.facts
    assert str(case.partner_reference) not in report.facts


def test_a_report_made_by_hand_has_no_due_date_and_opens_no_work(world: World) -> None:
    case = factories.case(world.org, agency=world.agency, state=State.IN_PROGRAMME)
    report = report_actions.create_report(case=case, kind=ReportKind.PROGRESS, acting_user=world.facilitator)
    assert report.due_at is None
    assert report.created_by == world.facilitator
    assert report_work(case) == []
    assert AuditEntry.objects.filter(action="cases.report.created", actor=world.facilitator).exists()


def test_a_report_of_an_unknown_kind_is_refused_naming_the_field(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    with pytest.raises(ValidationError) as raised:
        report_actions.create_report(case=case, kind="praise", acting_user=world.coordinator)
    assert set(raised.value.message_dict) == {"kind"}


# --- Writing, submitting, reviewing -------------------------------------------------------------


def test_a_report_without_the_programmes_assessment_cannot_go_to_the_review(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), assessment="")
    with pytest.raises(ValidationError) as raised:
        report_actions.submit_report_for_review(
            report=report, expected_version=report.version, acting_user=world.facilitator
        )
    assert set(raised.value.message_dict) == {"assessment"}


def test_a_facilitator_submits_a_report_for_the_safety_review(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency))
    report_actions.submit_report_for_review(
        report=report, expected_version=report.version, acting_user=world.facilitator
    )
    report.refresh_from_db()
    assert report.state == ReportState.AWAITING_REVIEW


def test_a_facilitator_cannot_send_a_report(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="awaiting_review")
    with pytest.raises(CaseRefused):
        report_actions.review_report(
            report=report, safe=True, signal_seen=None, expected_version=report.version, acting_user=world.facilitator
        )
    report.refresh_from_db()
    assert report.state == ReportState.AWAITING_REVIEW
    assert report.sent_at is None
    assert AuditEntry.objects.filter(action="access.denied", actor=world.facilitator).exists()


def test_a_draft_cannot_be_sent_without_the_safety_review(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency))
    with pytest.raises(CaseRefused):
        report_actions.review_report(
            report=report, safe=True, signal_seen=None, expected_version=report.version, acting_user=world.coordinator
        )
    report.refresh_from_db()
    assert (report.state, report.sent_by) == (ReportState.DRAFT, None)


def test_a_report_under_review_is_not_changed_any_more(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="awaiting_review")
    with pytest.raises(CaseRefused):
        report_actions.edit_report(
            report=report, assessment="Changed.", expected_version=report.version, acting_user=world.coordinator
        )


def test_sending_records_the_answer_the_sender_and_the_event(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    report = factories.case_report(case, state="awaiting_review")
    report_actions.review_report(
        report=report, safe=True, signal_seen=None, expected_version=report.version, acting_user=world.coordinator
    )
    report.refresh_from_db()
    assert (report.state, report.safe_to_disclose) == (ReportState.SENT, True)
    assert (report.sent_by, report.reviewed_by) == (world.coordinator, world.coordinator)
    reviewed = AuditEntry.objects.get(action="cases.report.reviewed", object_id=str(report.pk))
    assert reviewed.actor == world.coordinator
    assert json.loads(reviewed.detail)["safe"] is True
    sent = AuditEntry.objects.get(action="cases.report.sent", object_id=str(report.pk))
    assert sent.actor == world.coordinator
    assert json.loads(sent.detail)["sent_by"] == world.coordinator.pk
    event = Event.objects.get(kind=report_actions.REPORT_SENT, subject_id=str(case.pk))
    assert event.payload == {"report": report.pk, "kind": report.kind}


def test_holding_a_report_back_needs_a_note(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="awaiting_review")
    with pytest.raises(ValidationError) as raised:
        report_actions.review_report(
            report=report, safe=False, signal_seen=None, expected_version=report.version, acting_user=world.coordinator
        )
    assert set(raised.value.message_dict) == {"note"}


def test_a_held_report_is_recorded_with_the_answer_and_not_sent(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="held")
    assert (report.state, report.safe_to_disclose, report.sent_at) == (ReportState.HELD, False, None)
    assert report.review_note
    reviewed = AuditEntry.objects.get(action="cases.report.reviewed", object_id=str(report.pk))
    assert json.loads(reviewed.detail)["safe"] is False
    assert not Event.objects.filter(kind=report_actions.REPORT_SENT).exists()


@pytest.mark.parametrize("answer", ["sent", "held"])
def test_the_safety_review_closes_the_work_of_the_rule(answer: str) -> None:
    case = factories.case(factories.organisation(), agency=agency(), state=State.DROPPED_OUT)
    events.deliver_pending()
    (report,) = reports_of(case)
    coordinator = coordinator_of(case)
    report = report_actions.edit_report(
        report=report, assessment="He left.", expected_version=report.version, acting_user=coordinator
    )
    report = report_actions.submit_report_for_review(
        report=report, expected_version=report.version, acting_user=coordinator
    )
    report_actions.review_report(
        report=report,
        safe=answer == "sent",
        note="" if answer == "sent" else "Not now.",
        signal_seen=None,
        expected_version=report.version,
        acting_user=coordinator,
    )
    (item,) = report_work(case)
    assert item.state == WorkItem.State.DONE
    assert item.fulfilled_by == f"cases.report.{answer}"


def test_a_newer_safety_signal_than_the_one_seen_stops_the_review(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    seen = factories.safety_signal(case, "no_concern", "Calm.")
    report = factories.case_report(case, state="awaiting_review")
    factories.safety_signal(case, "serious", "He came to her door.")
    with pytest.raises(StaleCase):
        report_actions.review_report(
            report=report,
            safe=True,
            signal_seen=seen.pk,
            expected_version=report.version,
            acting_user=world.coordinator,
        )
    report.refresh_from_db()
    assert report.state == ReportState.AWAITING_REVIEW


# --- Pages ---------------------------------------------------------------------------------------


def test_the_referrer_of_the_agency_reads_the_sent_report(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="sent")
    client = signed_in_client(world.referrer)
    page = client.get(reverse("cases:report", args=[report.case_id, report.pk]))
    assert page.status_code == 200
    assert "He attends and takes part." in page.content.decode()
    # The programme's own workings are not hers to see.
    assert "State of the report" not in page.content.decode()
    assert AuditEntry.objects.filter(action="cases.report.opened", actor=world.referrer).exists()


def test_the_referrer_finds_the_sent_report_on_her_referral_and_nothing_else(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    sent = factories.case_report(case, state="sent")
    held = factories.case_report(case, state="held")
    page = signed_in_client(world.referrer).get(reverse("cases:referral", args=[case.referral_id])).content.decode()
    assert reverse("cases:report", args=[case.pk, sent.pk]) in page
    assert reverse("cases:report", args=[case.pk, held.pk]) not in page


def test_a_referrer_of_another_agency_does_not_find_the_sent_report(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="sent")
    other_agency = agency(OrganisationKind.SOCIAL_WORK_CENTRE)
    stranger = factories.member(other_agency, Role.REFERRER)
    factories.case(world.org, agency=other_agency)
    client = signed_in_client(stranger)
    for name in ("cases:report", "cases:report_pdf"):
        assert client.get(reverse(name, args=[report.case_id, report.pk])).status_code == 404


@pytest.mark.parametrize("state", ["draft", "awaiting_review", "held"])
def test_a_report_not_sent_is_never_visible_to_the_referrer(world: World, state: str) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state=state)
    client = signed_in_client(world.referrer)
    for name in ("cases:report", "cases:report_pdf"):
        assert client.get(reverse(name, args=[report.case_id, report.pk])).status_code == 404


def test_a_report_is_not_found_under_another_case(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="sent")
    other = factories.case(world.org, agency=world.agency)
    client = signed_in_client(world.referrer)
    assert client.get(reverse("cases:report", args=[other.pk, report.pk])).status_code == 404


def test_the_pdf_is_a_real_pdf(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency), state="sent")
    response = signed_in_client(world.referrer).get(reverse("cases:report_pdf", args=[report.case_id, report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"report-case-{report.case_id}-{report.pk}.pdf" in response["Content-Disposition"]
    opened = AuditEntry.objects.get(action="cases.report.opened", actor=world.referrer)
    assert json.loads(opened.detail)["format"] == "pdf"


def test_an_edit_from_a_stale_form_is_refused_with_409(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency))
    opened_at = report.version
    report_actions.edit_report(
        report=report, assessment="A colleague's words.", expected_version=opened_at, acting_user=world.coordinator
    )
    url = reverse("cases:report_edit", args=[report.case_id, report.pk])
    response = signed_in_client(world.facilitator).post(url, {"version": opened_at, "assessment": "Mine."})
    assert response.status_code == 409
    assert "Someone else changed this report" in response.content.decode()
    report.refresh_from_db()
    assert report.assessment == "A colleague's words."


def test_an_edit_saves_the_assessment(world: World) -> None:
    report = factories.case_report(factories.case(world.org, agency=world.agency))
    url = reverse("cases:report_edit", args=[report.case_id, report.pk])
    response = signed_in_client(world.facilitator).post(url, {"version": report.version, "assessment": "He engages."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.assessment == "He engages."


def test_the_review_page_shows_the_latest_signal_to_the_coordinator_and_audits_the_reading(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    factories.safety_signal(case, "concern", "She fears the court date.")
    report = factories.case_report(case, state="awaiting_review")
    page = signed_in_client(world.coordinator).get(reverse("cases:report_review", args=[case.pk, report.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "She fears the court date." in text
    assert "Is this disclosure safe for the partner?" in text
    assert AuditEntry.objects.filter(action="survivors.signal.read", actor=world.coordinator).exists()


def test_the_review_page_does_not_exist_for_a_facilitator(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    factories.safety_signal(case, "concern", "She fears the court date.")
    report = factories.case_report(case, state="awaiting_review")
    page = signed_in_client(world.facilitator).get(reverse("cases:report_review", args=[case.pk, report.pk]))
    assert page.status_code == 404
    assert not AuditEntry.objects.filter(action="survivors.signal.read", actor=world.facilitator).exists()


def test_a_coordinator_sends_a_report_from_the_review_page(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    signal = factories.safety_signal(case, "no_concern", "Calm.")
    report = factories.case_report(case, state="awaiting_review")
    url = reverse("cases:report_review", args=[case.pk, report.pk])
    response = signed_in_client(world.coordinator).post(
        url, {"version": report.version, "signal_seen": signal.pk, "safe": "yes", "note": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SENT


def test_the_review_page_answers_409_when_a_newer_signal_arrived(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    seen = factories.safety_signal(case, "no_concern", "Calm.")
    report = factories.case_report(case, state="awaiting_review")
    factories.safety_signal(case, "serious", "He came to her door.")
    url = reverse("cases:report_review", args=[case.pk, report.pk])
    response = signed_in_client(world.coordinator).post(
        url, {"version": report.version, "signal_seen": seen.pk, "safe": "yes", "note": ""}
    )
    assert response.status_code == 409
    assert "He came to her door." in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.AWAITING_REVIEW


def test_the_case_page_lists_the_reports_without_a_query_per_report(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    factories.case_report(case, kind=ReportKind.PROGRESS)
    client = signed_in_client(world.facilitator)
    url = reverse("cases:case", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url)
    assert "Reports to the referrer" in page.content.decode()
    factories.case_report(case, kind=ReportKind.NON_COMPLIANCE, state="sent")
    factories.case_report(case, kind=ReportKind.COMPLETION, state="held")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    assert len(three.captured_queries) == len(one.captured_queries)
    assert page.content.decode().count(f"/cases/{case.pk}/reports/") >= 3


def test_the_case_timeline_shows_when_a_report_was_started_and_sent(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    factories.case_report(case, kind=ReportKind.PROGRESS, state="sent")
    page = signed_in_client(world.coordinator).get(reverse("cases:case", args=[case.pk]))
    text = page.content.decode()
    assert "Started: Progress report" in text
    assert "Sent: Progress report" in text


def test_queries_of_reports_return_no_other_providers_reports(world: World) -> None:
    from tandem.cases.queries.reports import reports_of as visible_reports

    mine = factories.case(world.org, agency=world.agency)
    factories.case_report(mine)
    other = factories.case(world.other_org, agency=world.agency)
    factories.case_report(other)
    assert [r.case_id for r in visible_reports(world.coordinator, mine)] == [mine.pk]
    assert list(visible_reports(world.coordinator, other)) == []


def test_a_second_start_of_the_same_kind_of_report_continues_the_open_draft(world: World) -> None:
    case = factories.case(world.org, agency=world.agency)
    first = report_actions.create_report(case=case, kind="progress", acting_user=world.coordinator)
    with pytest.raises(CaseRefused) as refused:
        report_actions.create_report(case=case, kind="progress", acting_user=world.coordinator)
    assert f"#{first.pk}" in refused.value.message
    assert CaseReport.objects.filter(case=case).count() == 1
