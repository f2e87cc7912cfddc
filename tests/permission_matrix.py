"""The permission matrix: for every URL, who may use it, and what everyone else gets.

A row names a URL pattern, the HTTP method, the relation of the record in the URL to the
persona (``own`` organisation, ``other`` organisation, or ``none`` when the URL names no
record) and the expected outcome for every persona. A POST row sends a valid payload, so that a
persona who may act is seen to act (``ACTED``: the change is made and put on the record) and one
whose part does not allow it is seen to be refused with a message (``REFUSED``), apart from
those who may not reach the record at all (``NOT_FOUND``). ``test_permission_matrix`` walks every
registered URL pattern and fails for one without a row, so nothing can be added to Tandem
without declaring who may use it. Later apps add their rows here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Outcome(Enum):
    OK = "ok"  # a page served (GET): 2xx, or a redirect that is not to the sign-in page
    ACTED = "acted"  # a POST that did what it asks, on the record
    REFUSED = "refused"  # a POST that reached its action, refused with a message (409, 422 or an error)
    LOGIN = "login"  # sent to sign in first
    NOT_FOUND = "404"  # out of scope: looks exactly like a record that does not exist
    FORBIDDEN = "403"


OK, ACTED, REFUSED = Outcome.OK, Outcome.ACTED, Outcome.REFUSED
LOGIN, NOT_FOUND, FORBIDDEN = Outcome.LOGIN, Outcome.NOT_FOUND, Outcome.FORBIDDEN

PERSONAS = (
    "anonymous",
    "facilitator",
    "survivor_worker",
    "coordinator",
    "org_admin",
    "referrer",
    "analyst",
    "gov_viewer",
    "auditor",
    "outsider",
    "platform_admin",
)
SIGNED_IN = PERSONAS[1:]


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(PERSONAS, outcome)


def signed_in(outcome: Outcome, **exceptions: Outcome) -> dict[str, Outcome]:
    """``outcome`` for every signed-in persona (with exceptions), sign-in for the anonymous."""
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, outcome), **exceptions}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    relation: str
    expect: dict[str, Outcome]
    # Builds the URL's arguments from the matrix fixture and the persona's user.
    kwargs: Callable[[Any, Any], dict[str, Any]] = field(default=lambda fx, user: {})
    # A valid payload for a POST, from the matrix fixture and the persona's user.
    data: Callable[[Any, Any], dict[str, Any]] = field(default=lambda fx, user: {})
    # Whether acting writes to the audit log (changing one's language or signing out does not
    # record a change of data).
    audited: bool = True

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"row {self.name} ({self.relation}) has no outcome for {sorted(missing)}")


MATRIX: list[Row] = [
    Row("core:home", "GET", "none", everyone(OK)),
    Row("core:healthz", "GET", "none", everyone(OK)),
    Row("core:favicon", "GET", "none", everyone(OK)),
    Row("core:set_language", "POST", "none", everyone(ACTED), data=lambda fx, user: {"language": "sq"}, audited=False),
    Row("core:login", "GET", "none", everyone(OK)),
    # Without a password step under way, the code and enrolment steps send back to the start.
    Row("core:signin_code", "GET", "none", everyone(OK)),
    Row("core:signin_enrol", "GET", "none", everyone(OK)),
    Row("core:logout", "POST", "none", everyone(ACTED), audited=False),
    Row("core:profile", "GET", "none", signed_in(OK)),
    Row("core:device_add", "GET", "none", signed_in(OK)),
    # Everyone has a second authenticator here, so removing one acts.
    Row("core:device_remove", "POST", "own", signed_in(ACTED), lambda fx, user: {"device_id": fx.device_of(user)}),
    Row(
        "core:device_remove",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"device_id": fx.device_of_someone_else(user)},
    ),
    Row("core:organisation_list", "GET", "none", signed_in(OK)),
    Row(
        "core:organisation_detail",
        "GET",
        "own",
        signed_in(NOT_FOUND, org_admin=OK),
        lambda fx, user: {"organisation_id": fx.world.org.pk},
    ),
    Row(
        "core:organisation_detail",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"organisation_id": fx.world.other_org.pk},
    ),
    Row(
        "core:invitation_create",
        "POST",
        "own",
        signed_in(NOT_FOUND, org_admin=ACTED),
        lambda fx, user: {"organisation_id": fx.world.org.pk},
        data=lambda fx, user: {"invitee_name": "New colleague", "role": "facilitator"},
    ),
    Row(
        "core:invitation_create",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"organisation_id": fx.world.other_org.pk},
    ),
    Row(
        "core:invitation_revoke",
        "POST",
        "own",
        signed_in(NOT_FOUND, org_admin=ACTED),
        lambda fx, user: {"organisation_id": fx.world.org.pk, "invitation_id": fx.invitation.pk},
    ),
    Row(
        "core:invitation_revoke",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"organisation_id": fx.world.org.pk, "invitation_id": fx.other_invitation.pk},
    ),
    Row(
        "core:membership_role",
        "POST",
        "own",
        signed_in(NOT_FOUND, org_admin=ACTED),
        lambda fx, user: {"organisation_id": fx.world.org.pk, "membership_id": fx.membership.pk},
        data=lambda fx, user: {f"m{fx.membership.pk}-role": "coordinator"},
    ),
    Row(
        "core:membership_role",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"organisation_id": fx.world.org.pk, "membership_id": fx.other_membership.pk},
    ),
    Row(
        "core:membership_remove",
        "POST",
        "own",
        signed_in(NOT_FOUND, org_admin=ACTED),
        lambda fx, user: {"organisation_id": fx.world.org.pk, "membership_id": fx.membership.pk},
    ),
    Row(
        "core:membership_remove",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"organisation_id": fx.world.other_org.pk, "membership_id": fx.other_membership.pk},
    ),
    Row(
        "core:membership_second_factor_reset",
        "POST",
        "own",
        signed_in(NOT_FOUND, org_admin=ACTED),
        lambda fx, user: {"organisation_id": fx.world.org.pk, "membership_id": fx.membership.pk},
    ),
    Row(
        "core:membership_second_factor_reset",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"organisation_id": fx.world.other_org.pk, "membership_id": fx.other_membership.pk},
    ),
    # Anyone holding a valid link may open it; a used, withdrawn or guessed one is not there.
    Row("core:invitation_accept", "GET", "own", everyone(OK), lambda fx, user: {"token": fx.invitation_token}),
    Row("core:invitation_accept", "GET", "other", everyone(NOT_FOUND), lambda fx, user: {"token": "guessed-token"}),
    # Work lists: everyone signed in has one (empty or not); an organisation's whole list is for
    # its coordinators and administrators.
    Row("core:work_list", "GET", "none", signed_in(OK)),
    Row(
        "core:work_organisation",
        "GET",
        "own",
        signed_in(NOT_FOUND, coordinator=OK, org_admin=OK),
        lambda fx, user: {"organisation_id": fx.world.org.pk},
    ),
    Row(
        "core:work_organisation",
        "GET",
        "other",
        signed_in(NOT_FOUND, outsider=OK),
        lambda fx, user: {"organisation_id": fx.world.other_org.pk},
    ),
    # The public directory of programmes: everyone, signed in or not; a programme that is not
    # public is not there for anyone.
    Row("mapping:directory", "GET", "none", everyone(OK)),
    Row("mapping:programme", "GET", "own", everyone(OK), lambda fx, user: {"programme_id": fx.public_programme.pk}),
    Row(
        "mapping:programme",
        "GET",
        "other",
        everyone(NOT_FOUND),
        lambda fx, user: {"programme_id": fx.hidden_programme.pk},
    ),
    # The directory as open data (HSDS 3.0 and GeoJSON): everyone, signed in or not.
    Row("mapping:open_data_hsds", "GET", "none", everyone(OK)),
    Row("mapping:open_data_geojson", "GET", "none", everyone(OK)),
    # Survey rounds: the organisation running the round (the analyst), the reviewers (the
    # auditor reviews Albania, the government viewer Kosovo) and providers with a programme in
    # the round's countries (the world's provider in Albania; the outsider's in Kosovo).
    Row("mapping:round_list", "GET", "none", signed_in(OK)),
    Row(
        "mapping:round_detail",
        "GET",
        "own",
        signed_in(NOT_FOUND, coordinator=OK, org_admin=OK, analyst=OK, auditor=OK, gov_viewer=OK, outsider=OK),
        lambda fx, user: {"round_id": fx.survey_round.pk},
    ),
    Row(
        "mapping:round_detail",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"round_id": fx.other_round.pk},
    ),
    # The mapping report (HTML page and PDF): for everyone who can see the round.
    Row(
        "mapping:round_report",
        "GET",
        "own",
        signed_in(NOT_FOUND, coordinator=OK, org_admin=OK, analyst=OK, auditor=OK, gov_viewer=OK, outsider=OK),
        lambda fx, user: {"round_id": fx.survey_round.pk},
    ),
    Row(
        "mapping:round_report",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"round_id": fx.other_round.pk},
    ),
    Row(
        "mapping:round_report_pdf",
        "GET",
        "own",
        signed_in(NOT_FOUND, coordinator=OK, org_admin=OK, analyst=OK, auditor=OK, gov_viewer=OK, outsider=OK),
        lambda fx, user: {"round_id": fx.survey_round.pk},
    ),
    Row(
        "mapping:round_report_pdf",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"round_id": fx.other_round.pk},
    ),
    Row(
        "mapping:round_indicators_csv",
        "GET",
        "own",
        signed_in(NOT_FOUND, coordinator=OK, org_admin=OK, analyst=OK, auditor=OK, gov_viewer=OK, outsider=OK),
        lambda fx, user: {"round_id": fx.survey_round.pk},
    ),
    Row(
        "mapping:round_indicators_csv",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"round_id": fx.other_round.pk},
    ),
    # Only a provider's coordinators and administrators answer for its programmes.
    Row(
        "mapping:answer_start",
        "POST",
        "own",
        signed_in(NOT_FOUND, coordinator=ACTED, org_admin=ACTED),
        lambda fx, user: {"round_id": fx.survey_round.pk, "programme_id": fx.unanswered_programme.pk},
    ),
    Row(
        "mapping:answer_start",
        "POST",
        "other",
        signed_in(NOT_FOUND, outsider=ACTED),
        lambda fx, user: {"round_id": fx.survey_round.pk, "programme_id": fx.other_unanswered_programme.pk},
    ),
    # An unpublished answer: its provider, the round's organisers and the reviewers of its
    # country; a reviewer of another country does not see it.
    Row(
        "mapping:answer",
        "GET",
        "own",
        signed_in(NOT_FOUND, coordinator=OK, org_admin=OK, analyst=OK, auditor=OK),
        lambda fx, user: {"answer_id": fx.own_answer.pk},
    ),
    Row(
        "mapping:answer",
        "GET",
        "other",
        signed_in(NOT_FOUND, analyst=OK, gov_viewer=OK, outsider=OK),
        lambda fx, user: {"answer_id": fx.other_answer.pk},
    ),
    Row(
        "mapping:answer_edit",
        "GET",
        "own",
        signed_in(NOT_FOUND, coordinator=OK, org_admin=OK),
        lambda fx, user: {"answer_id": fx.own_answer.pk},
    ),
    Row(
        "mapping:answer_edit",
        "GET",
        "other",
        signed_in(NOT_FOUND, outsider=OK),
        lambda fx, user: {"answer_id": fx.other_answer.pk},
    ),
    # Accepting a submitted answer: its reviewers and the round's organisers act; its authors
    # see the answer but are refused the step.
    Row(
        "mapping:answer_move",
        "POST",
        "own",
        signed_in(NOT_FOUND, coordinator=REFUSED, org_admin=REFUSED, analyst=ACTED, auditor=ACTED),
        lambda fx, user: {"answer_id": fx.own_answer.pk, "event": "accept"},
        data=lambda fx, user: {"version": fx.own_answer.version},
    ),
    Row(
        "mapping:answer_move",
        "POST",
        "other",
        signed_in(NOT_FOUND, analyst=ACTED, gov_viewer=ACTED, outsider=REFUSED),
        lambda fx, user: {"answer_id": fx.other_answer.pk, "event": "accept"},
        data=lambda fx, user: {"version": fx.other_answer.version},
    ),
    # Saving a draft: its authors only.
    Row(
        "mapping:answer_edit",
        "POST",
        "own",
        signed_in(NOT_FOUND, coordinator=ACTED, org_admin=ACTED),
        lambda fx, user: {"answer_id": fx.own_draft.pk},
        data=lambda fx, user: {"version": fx.own_draft.version, "places_per_year": "30"},
    ),
    Row(
        "mapping:answer_edit",
        "POST",
        "other",
        signed_in(NOT_FOUND, outsider=ACTED),
        lambda fx, user: {"answer_id": fx.other_draft.pk},
        data=lambda fx, user: {"version": fx.other_draft.version, "places_per_year": "30"},
    ),
    # Importing answers: only those who run the round (the analyst); another round's import page
    # and jobs are not there for anyone.
    Row(
        "mapping:round_import",
        "GET",
        "own",
        signed_in(NOT_FOUND, analyst=OK),
        lambda fx, user: {"round_id": fx.survey_round.pk},
    ),
    Row(
        "mapping:round_import",
        "POST",
        "own",
        signed_in(NOT_FOUND, analyst=ACTED),
        lambda fx, user: {"round_id": fx.survey_round.pk},
        data=lambda fx, user: {"file": fx.upload()},
    ),
    Row(
        "mapping:round_import",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"round_id": fx.other_import_job.round_id},
    ),
    # The questionnaire as an XLSForm: for the people who run the round.
    Row(
        "mapping:round_xlsform",
        "GET",
        "own",
        signed_in(NOT_FOUND, analyst=OK),
        lambda fx, user: {"round_id": fx.survey_round.pk},
    ),
    Row(
        "mapping:round_xlsform",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"round_id": fx.other_round.pk},
    ),
    Row(
        "mapping:import_job",
        "GET",
        "own",
        signed_in(NOT_FOUND, analyst=OK),
        lambda fx, user: {"round_id": fx.survey_round.pk, "job_id": fx.import_job.pk},
    ),
    Row(
        "mapping:import_job",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"round_id": fx.other_import_job.round_id, "job_id": fx.other_import_job.pk},
    ),
    # The platform administration: only a platform administrator signed in with a code.
    Row("admin:*", "GET", "none", signed_in(LOGIN, platform_admin=OK)),
]

# The admin's own URLs are many; each is checked by the wildcard row through these samples.
ADMIN_SAMPLES = ["admin:index", "admin:core_organisation_changelist", "admin:core_auditentry_changelist"]
