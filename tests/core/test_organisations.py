"""The organisation administrator's pages: invitations and roles."""

from __future__ import annotations

import re

from django.test import Client

from tandem.core.models import AuditEntry, Invitation, Membership
from tandem.core.roles import Role
from tests import factories
from tests.conftest import World, sign_in

NEW_PASSWORD = "a long passphrase for the newcomer"


def create_invitation(client: Client, world: World, role: Role = Role.FACILITATOR) -> str:
    sign_in(client, world.org_admin)
    response = client.post(
        f"/organisations/{world.org.pk}/invitations/", {"invitee_name": "Ana Petrović", "role": role}
    )
    assert response.status_code == 200
    match = re.search(r'value="(http://testserver/invitations/[^"]+/)"', response.content.decode())
    assert match, "the page shows the new link"
    client.post("/signout/")
    return match.group(1).removeprefix("http://testserver")


def accept(client: Client, link: str, username: str = "ana") -> object:
    return client.post(
        link,
        {
            "first_name": "Ana",
            "last_name": "Petrović",
            "username": username,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def test_an_invited_person_creates_an_account_and_joins_with_the_role(client: Client, world: World) -> None:
    link = create_invitation(client, world)
    response = accept(client, link)
    assert response["Location"] == "/signin/"  # type: ignore[index]
    membership = Membership.objects.get(user__username="ana")
    assert (membership.organisation, membership.role) == (world.org, Role.FACILITATOR)
    assert AuditEntry.objects.filter(action="invitation.created").exists()
    assert AuditEntry.objects.filter(action="membership.created").exists()


def test_an_invitation_link_works_once(client: Client, world: World) -> None:
    link = create_invitation(client, world)
    accept(client, link)
    assert client.get(link).status_code == 404


def test_a_withdrawn_invitation_no_longer_works(client: Client, world: World) -> None:
    link = create_invitation(client, world)
    sign_in(client, world.org_admin)
    invitation = Invitation.objects.get()
    client.post(f"/organisations/{world.org.pk}/invitations/{invitation.pk}/withdraw/")
    client.post("/signout/")
    assert client.get(link).status_code == 404


def test_only_the_token_hash_is_stored(client: Client, world: World) -> None:
    link = create_invitation(client, world)
    token = link.strip("/").split("/")[-1]
    assert token not in Invitation.objects.get().token_hash


def test_a_weak_password_is_refused_with_a_reason(client: Client, world: World) -> None:
    link = create_invitation(client, world)
    response = client.post(
        link,
        {"first_name": "A", "last_name": "B", "username": "ab", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 422
    assert "too short" in response.content.decode()
    assert not Membership.objects.filter(user__username="ab").exists()


def test_changing_a_role_is_audited(client: Client, world: World) -> None:
    sign_in(client, world.org_admin)
    membership = Membership.objects.get(user=world.facilitator)
    client.post(
        f"/organisations/{world.org.pk}/members/{membership.pk}/role/", {f"m{membership.pk}-role": Role.COORDINATOR}
    )
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    entry = AuditEntry.objects.get(action="membership.role_changed")
    assert entry.detail == '{"from":"facilitator","to":"coordinator","user":"facilitator"}'


def test_the_last_administrator_cannot_step_down(client: Client, world: World) -> None:
    sign_in(client, world.org_admin)
    membership = Membership.objects.get(user=world.org_admin)
    response = client.post(
        f"/organisations/{world.org.pk}/members/{membership.pk}/role/",
        {f"m{membership.pk}-role": Role.FACILITATOR},
        follow=True,
    )
    membership.refresh_from_db()
    assert membership.role == Role.ORG_ADMIN
    assert "at least one administrator" in response.content.decode()


def test_an_administrator_of_another_organisation_gets_404(client: Client, world: World) -> None:
    other_admin = factories.member(world.other_org, Role.ORG_ADMIN, "other_admin")
    sign_in(client, other_admin)
    membership = Membership.objects.get(user=world.facilitator)
    assert client.get(f"/organisations/{world.org.pk}/").status_code == 404
    response = client.post(
        f"/organisations/{world.org.pk}/members/{membership.pk}/role/", {f"m{membership.pk}-role": Role.ORG_ADMIN}
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR


def test_a_membership_of_another_organisation_cannot_be_reached_through_ones_own(client: Client, world: World) -> None:
    sign_in(client, world.org_admin)
    outsider = Membership.objects.get(user=world.outsider)
    response = client.post(f"/organisations/{world.org.pk}/members/{outsider.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=outsider.pk).exists()


# Session, user, second factor, memberships, the organisation, its members, the open-work
# count of the header, its open invitations, the footnote, and the session save (three):
# none of them grows with the list.
MEMBER_PAGE_QUERIES = 12


def test_the_member_list_costs_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_num_queries
) -> None:
    sign_in(client, world.org_admin)
    url = f"/organisations/{world.org.pk}/"
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        client.get(url)
    for i in range(5):
        factories.member(world.org, Role.FACILITATOR, f"extra{i}")
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        client.get(url)


def test_an_organisation_offers_only_the_roles_of_its_kind(client: Client, world: World) -> None:
    court_admin = factories.member(world.agency, Role.ORG_ADMIN, "court_admin")
    sign_in(client, court_admin)
    page = client.get(f"/organisations/{world.agency.pk}/").content.decode()
    assert 'value="referrer"' in page
    assert 'value="facilitator"' not in page
    response = client.post(
        f"/organisations/{world.agency.pk}/invitations/", {"invitee_name": "X", "role": Role.FACILITATOR}
    )
    assert response.status_code == 422
    assert not Invitation.objects.exists()


def test_a_survivor_worker_elsewhere_cannot_join_as_a_facilitator(client: Client, world: World) -> None:
    link = create_invitation(client, world, Role.FACILITATOR)
    survivor_service = factories.organisation(kind="survivor_service")
    worker = factories.member(survivor_service, Role.SURVIVOR_WORKER, "her_worker")
    sign_in(client, worker)
    response = client.post(link, follow=True)
    assert "nobody may hold both kinds of role" in response.content.decode()
    assert not Membership.objects.filter(user=worker, organisation=world.org).exists()


def test_a_facilitator_elsewhere_cannot_be_made_a_survivor_worker(client: Client, world: World) -> None:
    Membership.objects.create(user=world.outsider, organisation=world.org, role=Role.FACILITATOR)
    survivor_side = Membership.objects.get(user=world.outsider, organisation=world.other_org)
    other_admin = factories.member(world.other_org, Role.ORG_ADMIN, "other_admin")
    sign_in(client, other_admin)
    client.post(
        f"/organisations/{world.other_org.pk}/members/{survivor_side.pk}/role/",
        {f"m{survivor_side.pk}-role": Role.SURVIVOR_WORKER},
    )
    survivor_side.refresh_from_db()
    assert survivor_side.role == Role.COORDINATOR


def test_a_refused_new_account_leaves_nothing_behind(client: Client, world: World) -> None:
    link = create_invitation(client, world)
    Invitation.objects.update(role=Role.REFERRER)  # no longer a role this organisation can give
    response = accept(client, link, username="left_behind")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert not Membership.objects.filter(user__username="left_behind").exists()
    from tandem.core.models import User

    assert not User.objects.filter(username="left_behind").exists()


def test_an_attempt_on_another_organisations_page_is_audited(client: Client, world: World) -> None:
    sign_in(client, world.org_admin)
    client.get(f"/organisations/{world.other_org.pk}/")
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.ip == "127.0.0.1"
    assert (entry.actor, entry.detail) == (
        world.org_admin,
        f'{{"action":"view","id":"{world.other_org.pk}","model":"core.organisation"}}',
    )


def test_a_guessed_organisation_id_is_not_audited_as_an_attempt(client: Client, world: World) -> None:
    sign_in(client, world.org_admin)
    assert client.get("/organisations/999999/").status_code == 404
    assert not AuditEntry.objects.filter(action="access.denied").exists()
