from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django_otp.oath import totp
from pytest_django.plugin import blocking_manager_key

from tandem.core.i18n import compile_catalogues
from tandem.core.models import AuthenticatorDevice, Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tests import factories


def pytest_sessionstart(session: pytest.Session) -> None:
    compile_catalogues()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A transactional test ends by emptying every table, the reference data that migrations
    load (countries, regions, questionnaires) included. Run in parallel, the next test on the
    same worker may be an ordinary one that needs that data: put it back. After the last test
    the test database is already gone, and there is nothing to put back."""
    yield
    marker = item.get_closest_marker("django_db")
    if nextitem is None or marker is None or not marker.kwargs.get("transaction"):
        return
    with item.config.stash[blocking_manager_key].unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@dataclass
class World:
    """Two programme providers and a referring agency, with one named persona per role."""

    org: Organisation
    other_org: Organisation
    agency: Organisation
    network: Organisation
    facilitator: User
    survivor_worker: User
    coordinator: User
    org_admin: User
    referrer: User
    analyst: User
    gov_viewer: User
    auditor: User
    outsider: User

    def persona(self, name: str) -> User:
        user = getattr(self, name)
        assert isinstance(user, User)
        return user


def build_world() -> World:
    org = factories.organisation(name="Provider A", kind=OrganisationKind.PROGRAMME_PROVIDER)
    other = factories.organisation(name="Provider B", kind=OrganisationKind.PROGRAMME_PROVIDER)
    agency = factories.organisation(name="Social work centre", kind=OrganisationKind.SOCIAL_WORK_CENTRE)
    network = factories.organisation(name="Network", kind=OrganisationKind.NETWORK)
    ministry = factories.organisation(name="Ministry", kind=OrganisationKind.GOVERNMENT)
    return World(
        org=org,
        other_org=other,
        agency=agency,
        network=network,
        facilitator=factories.member(org, Role.FACILITATOR, "facilitator"),
        survivor_worker=factories.member(org, Role.SURVIVOR_WORKER, "survivor_worker"),
        coordinator=factories.member(org, Role.COORDINATOR, "coordinator"),
        org_admin=factories.member(org, Role.ORG_ADMIN, "org_admin"),
        referrer=factories.member(agency, Role.REFERRER, "referrer"),
        analyst=factories.member(network, Role.ANALYST, "analyst"),
        gov_viewer=factories.member(ministry, Role.GOV_VIEWER, "gov_viewer"),
        auditor=factories.member(network, Role.AUDITOR, "auditor"),
        outsider=factories.member(other, Role.COORDINATOR, "outsider"),
    )


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per test module inside a transaction that is rolled back at the
    module's end; every test runs in a savepoint of its own inside it (the ``db`` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world: World, db: None) -> World:
    """The module's world, read again for each test: a test that changes a person or an
    organisation in memory leaves no trace for the next (its changes in the database are
    rolled back after it)."""
    users = User.objects.in_bulk([user.pk for user in vars(module_world).values() if isinstance(user, User)])
    organisations = Organisation.objects.in_bulk(
        [org.pk for org in vars(module_world).values() if isinstance(org, Organisation)]
    )
    fresh: dict[str, Any] = {
        name: (users[value.pk] if isinstance(value, User) else organisations[value.pk])
        for name, value in vars(module_world).items()
    }
    return World(**fresh)


def current_code(user: User) -> str:
    device = AuthenticatorDevice.objects.get(user=user, confirmed=True)
    # django-otp rightly refuses a code twice; a test that signs in twice within one
    # 30-second step makes the device forget the last code it accepted.
    AuthenticatorDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def signed_in_client(user: User | None) -> Client:
    """A client signed in as the user, with the second factor verified when they have one
    (without going through the sign-in pages: for tests about other pages)."""
    client = Client()
    if user is not None:
        client.force_login(user)
        device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
    return client


def sign_in(client: Client, user: User) -> None:
    """Sign in through the real two-step form, as a person would."""
    response = client.post("/signin/", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, response.content
    if response["Location"].endswith("/signin/code/"):
        response = client.post("/signin/code/", {"code": current_code(user)})
        assert response.status_code == 302, response.content
