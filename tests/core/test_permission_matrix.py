"""Every URL × every persona, as declared in ``tests/permission_matrix.py``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from tandem.core import actions
from tandem.core.models import AuthenticatorDevice, Invitation, Membership, User
from tandem.core.roles import OrganisationKind, Role
from tandem.core.scoping import ScopedModel
from tandem.mapping.actions.imports import queue_import
from tandem.mapping.models import AnswerStatus, ImportJob, Programme, SurveyAnswer, SurveyRound
from tests import factories
from tests.cases.matrix import CASE_ROWS
from tests.conftest import World
from tests.groups.matrix import ALL_ROWS as GROUP_ROWS
from tests.mapping.test_directory import programme
from tests.matrix_check import check_row
from tests.outcomes.matrix import all_rows as outcome_rows
from tests.permission_matrix import (
    MATRIX,
    PERSONAS,
    Row,
)
from tests.survivors.matrix import ROWS as SURVIVOR_ROWS

OUTCOME_ROWS = outcome_rows()


def registered_url_names(resolvers: list[Any] | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= registered_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>")
    return names


def declared(name: str) -> bool:
    return any(
        row.name == name or (row.name.endswith(":*") and name.startswith(row.name[:-1]))
        for row in MATRIX + CASE_ROWS + GROUP_ROWS + SURVIVOR_ROWS + OUTCOME_ROWS
    )


def test_every_registered_url_has_a_row_in_the_permission_matrix() -> None:
    missing = sorted(name for name in registered_url_names() if not declared(name))
    assert missing == [], f"URLs without a row in tests/permission_matrix.py: {missing}"


def test_every_row_of_the_matrix_names_a_registered_url() -> None:
    names = registered_url_names()
    stale = sorted(
        {
            row.name
            for row in MATRIX + CASE_ROWS + GROUP_ROWS + SURVIVOR_ROWS + OUTCOME_ROWS
            if not row.name.endswith(":*") and row.name not in names
        }
    )
    assert stale == []


def test_no_model_of_personal_case_data_is_registered_in_the_platform_admin() -> None:
    """The platform administration does not go through the scoping policy: it may show
    memberships and reviewer assignments, which it manages, but never a compartment's rows."""
    assert [m for m in admin.site._registry if issubclass(m, ScopedModel) and m.compartment is not None] == []


@dataclass
class MatrixFixture:
    world: World
    platform_admin: User
    invitation: Invitation
    invitation_token: str
    other_invitation: Invitation
    membership: Membership
    other_membership: Membership
    public_programme: Programme
    hidden_programme: Programme
    # A round run by the world's network in Albania and Kosovo: the auditor reviews Albania,
    # the government viewer Kosovo, and the analyst runs the round.
    survey_round: SurveyRound
    own_answer: SurveyAnswer  # the world's provider's programme in Albania, submitted
    other_answer: SurveyAnswer  # another provider's programme in Kosovo, submitted
    own_draft: SurveyAnswer  # a draft of the world's provider
    other_draft: SurveyAnswer  # a draft of the other provider
    unanswered_programme: Programme  # the world's provider's, with no answer yet
    other_unanswered_programme: Programme  # the other provider's, in Kosovo, with no answer yet
    other_round: SurveyRound  # run by another network, in Montenegro, with nobody of the world in it
    import_job: ImportJob  # a file the analyst uploaded to the survey round
    other_import_job: ImportJob  # a file uploaded to a round run by another network

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)

    def device_of_someone_else(self, user: User | None) -> int:
        return self.device_of(self.world.outsider if user != self.world.outsider else self.world.coordinator)

    def device_of(self, user: User | None) -> int:
        owner = user or self.world.coordinator
        return int(
            AuthenticatorDevice.objects.filter(user=owner, confirmed=True)
            .order_by("pk")
            .values_list("pk", flat=True)[0]
        )

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile("answers.csv", b"programme,status\n", content_type="text/csv")


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> MatrixFixture:
    world = module_world
    platform_admin = factories.platform_admin()
    factories.totp_device(platform_admin)
    for person in [platform_admin, *(world.persona(name) for name in PERSONAS[1:-1])]:
        # A second authenticator, so that removing one is allowed.
        factories.totp_device(person)
    invitation, token = actions.invite_user(
        organisation=world.org, role=Role.FACILITATOR, invitee_name="Newcomer", acting_user=world.org_admin
    )
    other_invitation, _token = actions.invite_user(
        organisation=world.other_org, role=Role.FACILITATOR, invitee_name="Elsewhere", acting_user=world.outsider
    )
    public = programme("Public", provider=world.org)
    hidden = programme("Hidden", provider=world.org, publish=False)
    survey_round = factories.survey_round(owner=world.network, countries=["AL", "XK"])
    factories.reviewer(survey_round, "AL", world.auditor)
    factories.reviewer(survey_round, "XK", world.gov_viewer)
    other_network = factories.organisation(kind=OrganisationKind.NETWORK, name="Other network")
    other_round = factories.survey_round(owner=other_network, countries=["ME"])
    other_organiser = factories.member(other_network, Role.ANALYST, "other_organiser")

    def elsewhere(name: str) -> Programme:
        return programme(name, provider=world.other_org, country="XK", region="XK-D01")

    return MatrixFixture(
        world=world,
        platform_admin=platform_admin,
        invitation=invitation,
        invitation_token=token,
        other_invitation=other_invitation,
        membership=Membership.objects.get(user=world.facilitator),
        other_membership=Membership.objects.get(user=world.outsider),
        public_programme=public,
        hidden_programme=hidden,
        survey_round=survey_round,
        own_answer=factories.survey_answer(survey_round, public, status=AnswerStatus.SUBMITTED),
        other_answer=factories.survey_answer(survey_round, elsewhere("Elsewhere"), status=AnswerStatus.SUBMITTED),
        own_draft=factories.survey_answer(survey_round, programme("Drafting", provider=world.org)),
        other_draft=factories.survey_answer(survey_round, elsewhere("Drafting elsewhere")),
        unanswered_programme=programme("Not answered yet", provider=world.org),
        other_unanswered_programme=elsewhere("Not answered elsewhere"),
        other_round=other_round,
        import_job=queue_import(
            survey_round=survey_round, filename="answers.csv", content=b"programme\n", acting_user=world.analyst
        ),
        other_import_job=queue_import(
            survey_round=other_round, filename="other.csv", content=b"programme\n", acting_user=other_organiser
        ),
    )


@pytest.fixture
def fx(module_fx: MatrixFixture, world: World) -> MatrixFixture:
    return replace(module_fx, world=world)


CASES = [
    pytest.param(row, persona, id=f"{row.name}-{row.method}-{row.relation}-{persona}")
    for row in MATRIX
    for persona in PERSONAS
]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_permission_matrix(fx: MatrixFixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
