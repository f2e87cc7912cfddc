"""The referral pages: the referrer sends a referral, follows it and completes it when asked; the
programme decides, with the men already known who may be the referred one in view; each side
sees its own page of a referral, and the referrer nothing of the case but where he is."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.cases import actions
from tandem.cases.actions.records import add_note
from tandem.cases.models import Case, Participant, Referral, ReferralRoute, ReferralState
from tandem.cases.rules.lifecycle import State, State as CaseState
from tandem.core import clock
from tandem.core.models import AuditEntry, Organisation
from tandem.core.policy import requires_two_factor
from tandem.core.roles import OrganisationKind
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db


def sent_form(world: World, **more: Any) -> dict[str, Any]:
    return {
        "agency": world.agency.pk,
        "provider": world.org.pk,
        "name": "Marko Marković",
        "birth_date": "1985-04-02",
        "identity_number": "0204985710018",
        "reason": "Court order after an assault on his partner.",
        "incidents": "Police called twice in March.",
        "partner_known": "yes",
        "children": "Two, aged 4 and 7, living with their mother.",
        "legal_status": "Suspended sentence with a protective order.",
        "deadline": "2031-01-31",
        **more,
    }


def asked(world: World, referral: Referral, question: str = "What is his date of birth?") -> Referral:
    return actions.ask_for_more_information(
        referral=referral, expected_version=referral.version, reason=question, acting_user=world.coordinator
    )


def edit_form(referral: Referral, **more: Any) -> dict[str, Any]:
    return {
        "version": referral.version,
        "name": referral.name,
        "birth_date": "1985-04-02",
        "identity_number": referral.identity_number,
        "reason": referral.reason,
        "incidents": referral.incidents,
        "partner_known": "yes" if referral.partner_known else "no",
        "children": referral.children,
        "legal_status": referral.legal_status,
        "deadline": "",
        **more,
    }


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Sending a referral -------------------------------------------------------------------------


def test_a_referrer_sends_a_referral_and_is_taken_to_its_page(world: World) -> None:
    response = signed_in_client(world.referrer).post(reverse("cases:referral_new"), sent_form(world))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:referral", args=[referral.pk])
    assert (referral.route, referral.referring_organisation, referral.partner_known) == (
        ReferralRoute.SOCIAL_WORK,
        world.agency,
        True,
    )
    assert (referral.birth_date, referral.deadline) == (date(1985, 4, 2), date(2031, 1, 31))
    assert AuditEntry.objects.filter(action="cases.referral.submitted", actor=world.referrer).exists()


def test_the_referrer_picks_among_programme_providers_named_with_their_country(world: World) -> None:
    response = signed_in_client(world.referrer).get(reverse("cases:referral_new"))
    providers = response.context["form"].fields["provider"].queryset
    assert set(providers) == set(Organisation.objects.filter(kind=OrganisationKind.PROGRAMME_PROVIDER))
    assert world.agency not in providers
    assert "Provider A" in response.content.decode()


def test_a_referral_without_name_reason_or_partner_answer_names_each_field_and_saves_nothing(world: World) -> None:
    response = signed_in_client(world.referrer).post(
        reverse("cases:referral_new"), sent_form(world, name=" ", reason="", partner_known="")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"name", "reason", "partner_known"}
    assert errors["name"] == ["Give the man's name."]
    assert not Referral.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused_at_its_field_and_nothing_is_saved(world: World) -> None:
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = signed_in_client(world.referrer).post(
        reverse("cases:referral_new"), sent_form(world, birth_date=tomorrow)
    )
    assert response.status_code == 422
    assert response.context["form"].errors["birth_date"] == ["The date of birth is in the future."]
    assert not Referral.objects.exists()


def test_a_date_that_is_not_a_date_is_refused_naming_the_field(world: World) -> None:
    response = signed_in_client(world.referrer).post(reverse("cases:referral_new"), sent_form(world, deadline="soon"))
    assert response.status_code == 422
    assert response.context["form"].errors["deadline"] == ["Enter the deadline as a date."]
    assert not Referral.objects.exists()


def test_a_referral_cannot_be_sent_to_an_organisation_that_is_not_a_programme_provider(world: World) -> None:
    response = signed_in_client(world.referrer).post(
        reverse("cases:referral_new"), sent_form(world, provider=world.network.pk)
    )
    assert response.status_code == 422
    assert "provider" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_the_referral_form_asks_only_whether_a_partner_is_known(world: World) -> None:
    response = signed_in_client(world.referrer).get(reverse("cases:referral_new"))
    fields = set(response.context["form"].fields)
    assert [name for name in fields if "partner" in name] == ["partner_known"]
    assert response.context["form"].fields["partner_known"].choices == [("yes", "Yes"), ("no", "No")]


def test_someone_who_is_not_a_referrer_has_no_referral_form(world: World) -> None:
    response = signed_in_client(world.facilitator).get(reverse("cases:referral_new"))
    assert response.status_code == 404


def test_referrers_sign_in_with_a_second_factor(world: World) -> None:
    assert requires_two_factor(world.referrer)


# --- The referrer follows her referrals ---------------------------------------------------------


def test_the_referrers_list_shows_her_agencys_referrals_only(world: World) -> None:
    own = factories.referral(world.org, agency=world.agency, name="Own Referral")
    court = factories.organisation(name="Court C", kind=OrganisationKind.COURT)
    factories.referral(world.org, agency=court, name="Court Referral")
    factories.referral(world.org, name="Self Referral")
    response = signed_in_client(world.referrer).get(reverse("cases:referral_sent_list"))
    assert [referral for referral, _words in response.context["rows"]] == [own]
    assert "Court Referral" not in response.content.decode()


def test_a_referrer_cannot_see_another_agencys_referral_and_the_attempt_is_recorded(world: World) -> None:
    court = factories.organisation(name="Court C", kind=OrganisationKind.COURT)
    theirs = factories.referral(world.org, agency=court)
    response = signed_in_client(world.referrer).get(reverse("cases:referral", args=[theirs.pk]))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="access.denied", actor=world.referrer).exists()


def test_the_programme_staff_do_not_reach_the_referrers_page(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    response = signed_in_client(world.coordinator).get(reverse("cases:referral", args=[referral.pk]))
    assert response.status_code == 404


def test_the_referrer_does_not_reach_the_decision_page(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    response = signed_in_client(world.referrer).get(reverse("cases:referral_decide", args=[referral.pk]))
    assert response.status_code == 404


def test_the_referrer_reads_why_her_referral_was_rejected(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    actions.reject_referral(
        referral=referral,
        expected_version=referral.version,
        reason="He lives outside our area.",
        acting_user=world.coordinator,
    )
    page = signed_in_client(world.referrer).get(reverse("cases:referral", args=[referral.pk])).content.decode()
    assert "Why the referral was rejected" in page
    assert "He lives outside our area." in page


def test_the_referrer_reads_what_more_the_programme_asks_and_is_offered_to_complete_it(world: World) -> None:
    referral = asked(world, factories.referral(world.org, agency=world.agency))
    page = signed_in_client(world.referrer).get(reverse("cases:referral", args=[referral.pk])).content.decode()
    assert "What is his date of birth?" in page
    assert reverse("cases:referral_edit", args=[referral.pk]) in page


def test_the_referrer_completes_the_referral_and_it_waits_for_a_decision_again(world: World) -> None:
    referral = asked(world, factories.referral(world.org, agency=world.agency))
    response = signed_in_client(world.referrer).post(
        reverse("cases:referral_edit", args=[referral.pk]), edit_form(referral)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:referral", args=[referral.pk])
    referral.refresh_from_db()
    assert (referral.state, referral.birth_date) == (ReferralState.SUBMITTED, date(1985, 4, 2))
    entry = AuditEntry.objects.get(action="cases.referral.resubmitted")
    assert entry.actor == world.referrer
    assert json.loads(entry.detail) == {"changed": ["birth_date"]}


def test_a_stale_resubmission_is_a_conflict_and_changes_nothing(world: World) -> None:
    referral = asked(world, factories.referral(world.org, agency=world.agency))
    form = edit_form(referral, version=referral.version - 1)
    response = signed_in_client(world.referrer).post(reverse("cases:referral_edit", args=[referral.pk]), form)
    assert response.status_code == 409
    assert "Someone else changed this after you opened it." in response.content.decode()
    referral.refresh_from_db()
    assert (referral.state, referral.birth_date) == (ReferralState.MORE_INFORMATION, None)


def test_a_resubmission_without_a_name_names_the_field_and_changes_nothing(world: World) -> None:
    referral = asked(world, factories.referral(world.org, agency=world.agency))
    response = signed_in_client(world.referrer).post(
        reverse("cases:referral_edit", args=[referral.pk]), edit_form(referral, name="")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["Give the man's name."]
    referral.refresh_from_db()
    assert referral.state == ReferralState.MORE_INFORMATION


def test_a_referral_the_programme_asked_nothing_about_cannot_be_changed(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    response = signed_in_client(world.referrer).post(
        reverse("cases:referral_edit", args=[referral.pk]), edit_form(referral)
    )
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.birth_date is None


def test_the_referrer_follows_the_case_in_words_written_for_her(world: World) -> None:
    case = factories.case(world.org, agency=world.agency, state=State.IN_PROGRAMME)
    page = signed_in_client(world.referrer).get(reverse("cases:referral", args=[case.referral_id])).content.decode()
    assert "In the programme" in page


def test_the_referrer_learns_how_the_programme_ended_once_the_case_is_closed(world: World) -> None:
    case = factories.case(world.org, agency=world.agency, state=State.CLOSED)
    response = signed_in_client(world.referrer).get(reverse("cases:referral", args=[case.referral_id]))
    assert response.context["progress"].words == "Case closed"
    assert response.context["progress"].ending == "Completed the programme"


def test_the_referrers_page_never_shows_the_decision_side_or_the_case_records(world: World) -> None:
    known = factories.case(
        world.org, state=CaseState.CLOSED, name="Marko Petrović", birth_date=date(1985, 4, 2), identity_number="KNOWN-1"
    )
    referral = factories.referral(world.org, agency=world.agency, name="Marko Petrovic", birth_date=date(1985, 4, 2))
    case = actions.accept_referral(
        referral=referral, expected_version=referral.version, existing=known.participant, acting_user=world.coordinator
    )
    add_note(case=case, category="contact", text="CANARY-NOTE he was angry", acting_user=world.coordinator)
    factories.safety_signal(case, summary="CANARY-PARTNER she is afraid")
    case = actions.move_case(
        case=case, event="start_assessment", expected_version=case.version, acting_user=world.coordinator
    )
    page = signed_in_client(world.referrer).get(reverse("cases:referral", args=[referral.pk])).content.decode()
    assert "Being assessed" in page
    for internal in ("CANARY-NOTE", "CANARY-PARTNER", "Marko Petrović", "KNOWN-1", str(case.partner_reference)):
        assert internal not in page
    assert "Men already known" not in page
    assert reverse("cases:case", args=[case.pk]) not in page


# --- The programme decides ----------------------------------------------------------------------


def test_the_inbox_lists_the_referrals_waiting_for_a_decision_only(world: World) -> None:
    waiting = factories.referral(world.org, agency=world.agency)
    more = asked(world, factories.referral(world.org, agency=world.agency))
    factories.case(world.org, agency=world.agency)
    factories.referral(world.other_org, agency=world.agency)
    response = signed_in_client(world.facilitator).get(reverse("cases:referral_inbox"))
    assert set(response.context["page"].object_list) == {waiting, more}


def test_possible_duplicates_are_shown_across_cyrillic_and_latin(world: World) -> None:
    known = factories.case(world.org, name="Marko Petrović", birth_date=date(1985, 4, 2))
    referral = factories.referral(world.org, agency=world.agency, name="Марко Петровић")
    response = signed_in_client(world.coordinator).get(reverse("cases:referral_decide", args=[referral.pk]))
    [man] = response.context["known"]
    assert man.participant == known.participant
    assert man.reason_words == ["Similar name"]
    page = response.content.decode()
    assert "Marko Petrović" in page
    assert f'value="{known.participant.pk}"' in page


def test_choosing_a_known_man_opens_his_new_case_on_his_record(world: World) -> None:
    known = factories.case(world.org, name="Marko Petrović", birth_date=date(1985, 4, 2), state=State.CLOSED)
    referral = factories.referral(world.org, agency=world.agency, name="Марко Петровић", birth_date=date(1985, 4, 2))
    response = signed_in_client(world.coordinator).post(
        reverse("cases:referral_accept", args=[referral.pk]),
        {"accept-version": referral.version, "accept-participant": known.participant.pk},
    )
    case = Case.objects.get(referral=referral)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.pk])
    assert case.participant == known.participant
    assert Participant.objects.count() == 1
    entry = AuditEntry.objects.get(action="cases.referral.accepted", object_id=str(referral.pk))
    assert (entry.actor, json.loads(entry.detail)["chosen"]) == (world.coordinator, "existing")


def test_confirming_a_new_man_records_him_and_opens_his_case(world: World) -> None:
    factories.case(world.org, name="Marko Petrović")
    referral = factories.referral(world.org, agency=world.agency, name="Marko Petrovic")
    response = signed_in_client(world.coordinator).post(
        reverse("cases:referral_accept", args=[referral.pk]),
        {"accept-version": referral.version, "accept-participant": "new"},
    )
    case = Case.objects.get(referral=referral)
    assert response["Location"] == reverse("cases:case", args=[case.pk])
    assert Participant.objects.count() == 2
    assert (
        json.loads(AuditEntry.objects.get(action="cases.referral.accepted", object_id=str(referral.pk)).detail)[
            "chosen"
        ]
        == "new"
    )


def test_with_a_known_man_alike_the_coordinator_must_choose_or_confirm(world: World) -> None:
    factories.case(world.org, name="Marko Petrović")
    referral = factories.referral(world.org, agency=world.agency, name="Marko Petrovic")
    response = signed_in_client(world.coordinator).post(
        reverse("cases:referral_accept", args=[referral.pk]), {"accept-version": referral.version}
    )
    assert response.status_code == 422
    assert response.context["accept"].errors["participant"] == [
        "Choose the man already known, or confirm that he is new."
    ]
    assert not Case.objects.filter(referral=referral).exists()


def test_a_man_who_is_not_among_the_possible_duplicates_cannot_be_chosen(world: World) -> None:
    unlike = factories.case(world.org, name="Ilir Berisha")
    referral = factories.referral(world.org, agency=world.agency, name="Marko Petrovic")
    response = signed_in_client(world.coordinator).post(
        reverse("cases:referral_accept", args=[referral.pk]),
        {"accept-version": referral.version, "accept-participant": unlike.participant.pk},
    )
    assert response.status_code == 422
    assert not Case.objects.filter(referral=referral).exists()


def test_a_stale_decision_is_a_conflict_and_changes_nothing(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    opened_at = referral.version
    asked(world, referral)
    response = signed_in_client(world.coordinator).post(
        reverse("cases:referral_accept", args=[referral.pk]),
        {"accept-version": opened_at, "accept-participant": "new"},
    )
    assert response.status_code == 409
    assert "Someone else changed this after you opened it." in response.content.decode()
    assert not Case.objects.exists()


def test_deciding_on_a_referral_rejected_meanwhile_is_a_conflict(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    opened_at = referral.version
    actions.reject_referral(
        referral=referral, expected_version=referral.version, reason="Outside our area.", acting_user=world.coordinator
    )
    response = signed_in_client(world.coordinator).post(
        reverse("cases:referral_ask", args=[referral.pk]), {"ask-version": opened_at, "ask-reason": "His address?"}
    )
    assert response.status_code == 409
    referral.refresh_from_db()
    assert (referral.state, referral.decision_reason) == (ReferralState.REJECTED, "Outside our area.")


def test_rejecting_without_a_reason_names_the_field_and_changes_nothing(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    response = signed_in_client(world.coordinator).post(
        reverse("cases:referral_reject", args=[referral.pk]), {"reject-version": referral.version, "reject-reason": ""}
    )
    assert response.status_code == 422
    assert response.context["reject"].errors["reason"] == ["Give the reason, for the referrer."]
    referral.refresh_from_db()
    assert referral.state == ReferralState.SUBMITTED


def test_asking_for_more_information_is_recorded_and_shown_to_the_coordinator(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    client = signed_in_client(world.coordinator)
    response = client.post(
        reverse("cases:referral_ask", args=[referral.pk]),
        {"ask-version": referral.version, "ask-reason": "His date of birth, please."},
    )
    assert response["Location"] == reverse("cases:referral_decide", args=[referral.pk])
    referral.refresh_from_db()
    assert (referral.state, referral.decision_reason) == (ReferralState.MORE_INFORMATION, "His date of birth, please.")
    assert "His date of birth, please." in client.get(response["Location"]).content.decode()


def test_a_facilitator_reads_the_decision_page_without_the_decisions(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    response = signed_in_client(world.facilitator).get(reverse("cases:referral_decide", args=[referral.pk]))
    assert response.status_code == 200
    assert not response.context["may_decide"]
    assert reverse("cases:referral_accept", args=[referral.pk]) not in response.content.decode()


def test_a_facilitator_is_refused_a_decision_with_a_message(world: World) -> None:
    referral = factories.referral(world.org, agency=world.agency)
    response = signed_in_client(world.facilitator).post(
        reverse("cases:referral_accept", args=[referral.pk]),
        {"accept-version": referral.version, "accept-participant": "new"},
    )
    assert response.status_code == 422
    assert response.context["accept"].non_field_errors() == ["Only the programme's coordinators decide on a referral."]
    assert not Case.objects.exists()


def test_the_coordinator_enters_a_self_referral_for_her_provider(world: World) -> None:
    form = {key: value for key, value in sent_form(world).items() if key != "agency"}
    response = signed_in_client(world.coordinator).post(reverse("cases:referral_enter"), {**form, "route": "self"})
    referral = Referral.objects.get()
    assert response["Location"] == reverse("cases:referral_decide", args=[referral.pk])
    assert (referral.route, referral.referring_organisation, referral.submitted_by) == (
        ReferralRoute.SELF,
        None,
        world.coordinator,
    )


def test_a_facilitator_does_not_enter_referrals(world: World) -> None:
    response = signed_in_client(world.facilitator).get(reverse("cases:referral_enter"))
    assert response.status_code == 404


# --- Queries per page ---------------------------------------------------------------------------


def test_the_inbox_reads_as_many_queries_for_thirty_referrals_as_for_three(world: World) -> None:
    client = signed_in_client(world.coordinator)
    for _ in range(3):
        factories.referral(world.org, agency=world.agency)
    few = count_queries(client, reverse("cases:referral_inbox"))
    for _ in range(27):
        factories.referral(world.org, agency=world.agency)
    assert count_queries(client, reverse("cases:referral_inbox")) == few


def test_the_referrers_list_reads_as_many_queries_for_thirty_referrals_as_for_three(world: World) -> None:
    client = signed_in_client(world.referrer)
    for _ in range(2):
        factories.referral(world.org, agency=world.agency)
    factories.case(world.org, agency=world.agency)
    few = count_queries(client, reverse("cases:referral_sent_list"))
    for _ in range(25):
        factories.referral(world.org, agency=world.agency)
    for _ in range(2):
        factories.case(world.org, agency=world.agency, state=State.ASSESSMENT)
    assert count_queries(client, reverse("cases:referral_sent_list")) == few


def test_the_decision_page_reads_as_many_queries_for_many_known_men_as_for_one(world: World) -> None:
    client = signed_in_client(world.coordinator)
    factories.case(world.org, name="Marko Petrović")
    referral = factories.referral(world.org, agency=world.agency, name="Marko Petrovic")
    url = reverse("cases:referral_decide", args=[referral.pk])
    few = count_queries(client, url)
    for _ in range(5):
        factories.case(world.org, name="Marko Petrović")
    assert len(client.get(url).context["known"]) == 6
    assert count_queries(client, url) == few


def test_the_header_offers_referrals_to_the_referrer_and_the_programme_staff(world: World) -> None:
    referrer = signed_in_client(world.referrer).get("/").content.decode()
    facilitator = signed_in_client(world.facilitator).get("/").content.decode()
    assert f'href="{reverse("cases:referral_sent_list")}"' in referrer
    assert f'href="{reverse("cases:referral_inbox")}"' not in referrer
    assert f'href="{reverse("cases:referral_inbox")}"' in facilitator
