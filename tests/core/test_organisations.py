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


# Session, user, second factor, memberships, the organisation, its members and open
# invitations, the footnote, and the session save: none of them grows with the list.
MEMBER_PAGE_QUERIES = 11


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
