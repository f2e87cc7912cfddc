"""Sign-in with a password and a second factor, lockout, sign-out, and the idle timeout."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from tandem.core.models import AuditEntry, AuthenticatorDevice, Membership
from tandem.core.roles import TWO_FACTOR_ROLES, Role
from tandem.core.views.auth import PENDING_KEY
from tests import factories
from tests.conftest import World, current_code, sign_in


def post_password(client: Client, username: str, password: str = factories.PASSWORD) -> object:
    return client.post("/signin/", {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_password_alone_does_not_sign_in_a_role_that_sees_personal_data(client: Client, world: World) -> None:
    response = post_password(client, "facilitator")
    assert response["Location"] == "/signin/code/"  # type: ignore[index]
    assert not signed_in(client)
    assert client.get("/account/").status_code == 302


def test_the_right_code_signs_in_and_is_audited(client: Client, world: World) -> None:
    post_password(client, "facilitator")
    response = client.post("/signin/code/", {"code": current_code(world.facilitator)})
    assert response.status_code == 302
    assert signed_in(client)
    entry = AuditEntry.objects.get(action="signin")
    assert entry.actor == world.facilitator
    assert entry.detail == '{"second_factor":"totp"}'


def test_a_wrong_code_is_refused_with_a_message_that_says_what_to_do(client: Client, world: World) -> None:
    post_password(client, "facilitator")
    wrong = "000000" if current_code(world.facilitator) != "000000" else "111111"
    response = client.post("/signin/code/", {"code": wrong})
    assert not signed_in(client)
    assert "authenticator app shows now" in response.content.decode()
    assert AuditEntry.objects.filter(action="signin.failed", actor=world.facilitator).exists()


def test_a_code_that_is_not_six_digits_is_explained(client: Client, world: World) -> None:
    post_password(client, "facilitator")
    response = client.post("/signin/code/", {"code": "12ab"})
    assert "Enter the six digits" in response.content.decode()


def test_the_code_step_expires(client: Client, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    post_password(client, "facilitator")
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": time.time() - 3600}
    session.save()
    response = client.post("/signin/code/", {"code": current_code(world.facilitator)})
    assert response["Location"] == "/signin/"
    assert not signed_in(client)


def test_the_demo_code_is_refused_outside_the_demo(client: Client, world: World) -> None:
    assert settings.TANDEM_DEMO_OTP_TOKEN is None
    post_password(client, "facilitator")
    client.post("/signin/code/", {"code": "246810"})
    assert not signed_in(client)


@override_settings(TANDEM_DEMO_OTP_TOKEN="246810")
def test_the_demo_code_is_accepted_in_the_demo(client: Client, world: World) -> None:
    post_password(client, "facilitator")
    client.post("/signin/code/", {"code": "246810"})
    assert signed_in(client)


@pytest.mark.parametrize("persona", ["analyst", "gov_viewer"])
def test_network_analysts_and_government_viewers_sign_in_with_a_second_factor(
    client: Client, world: World, persona: str
) -> None:
    """They read survey answers before they are published and publish them."""
    response = post_password(client, persona)
    assert response["Location"] == "/signin/code/"  # type: ignore[index]
    assert not signed_in(client)


def test_someone_without_a_role_signs_in_with_a_password(client: Client, world: World) -> None:
    factories.user(username="unplaced")
    response = post_password(client, "unplaced")
    assert response["Location"] == "/"  # type: ignore[index]
    assert signed_in(client)


def test_someone_without_an_authenticator_sets_one_up_before_entering(client: Client, world: World) -> None:
    user = factories.member(world.org, Role.COORDINATOR, "newcomer", with_device=False)
    response = post_password(client, "newcomer")
    assert response["Location"] == "/signin/enrol/"  # type: ignore[index]
    page = client.get("/signin/enrol/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    response = client.post("/signin/enrol/", {"code": current_code_of(device)})
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="second_factor.added", actor=user).exists()


def test_the_password_step_makes_the_secret_and_the_enrolment_page_only_shows_it(client: Client, world: World) -> None:
    user = factories.member(world.org, Role.COORDINATOR, "newcomer", with_device=False)
    post_password(client, "newcomer")
    made = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    for _ in range(2):
        assert 'src="data:image/svg+xml;base64,' in client.get("/signin/enrol/").content.decode()
    assert list(AuthenticatorDevice.objects.filter(user=user)) == [made]


def test_the_enrolment_page_without_a_secret_offers_to_make_one_and_writes_nothing(
    client: Client, world: World
) -> None:
    user = factories.member(world.org, Role.COORDINATOR, "newcomer", with_device=False)
    post_password(client, "newcomer")
    AuthenticatorDevice.objects.filter(user=user).delete()
    page = client.get("/signin/enrol/").content.decode()
    assert 'name="start"' in page
    assert not AuthenticatorDevice.objects.filter(user=user).exists()
    assert client.post("/signin/enrol/", {"start": "1"})["Location"] == "/signin/enrol/"
    assert AuthenticatorDevice.objects.filter(user=user, confirmed=False).count() == 1


def test_the_sign_in_page_says_that_every_role_is_asked_for_a_code(client: Client, db: None) -> None:
    assert frozenset(Role) == TWO_FACTOR_ROLES, "the sign-in page says every role is asked for a code"
    page = client.get("/signin/").content.decode()
    assert "Whatever your role, you will be asked next for a code from the authenticator app" in page
    assert "case data" not in page


def test_the_enrolment_step_does_not_say_that_only_roles_with_personal_data_need_it(
    client: Client, world: World
) -> None:
    factories.member(world.org, Role.COORDINATOR, "newcomer", with_device=False)
    post_password(client, "newcomer")
    page = client.get("/signin/enrol/").content.decode()
    assert "Your role gives you access to personal data" not in page
    assert "Whatever your role, you sign in to Tandem with your password and a code" in page


def current_code_of(device: AuthenticatorDevice) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_a_failed_sign_in_is_audited_and_says_how_many_attempts_are_left(client: Client, world: World) -> None:
    response = post_password(client, "facilitator", "wrong password")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "After 4 more failed attempts, the account will be locked. The lock lasts 15 minutes." in page
    entry = AuditEntry.objects.get(action="signin.failed")
    assert (entry.actor_id, entry.actor_label) == (None, "facilitator")


def test_an_unknown_user_name_gets_the_same_message(client: Client, world: World) -> None:
    page = post_password(client, "nobody", "wrong password").content.decode()  # type: ignore[attr-defined]
    assert "The user name or the password is not right." in page


def test_repeated_failures_lock_the_account_with_a_translated_page(client: Client, world: World) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_password(client, "facilitator", "wrong password")
    response = post_password(client, "facilitator")
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "locked for 15 minutes" in response.content.decode()  # type: ignore[attr-defined]
    assert not signed_in(client)
    assert AuditEntry.objects.filter(action="signin.lockout", actor_label="facilitator").exists()


def test_the_lockout_page_is_translated(client: Client, world: World) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sq"
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = post_password(client, "facilitator", "wrong password")
    with translation.override("sq"):
        expected = translation.gettext("Account locked")
    assert expected != "Account locked"
    assert expected in response.content.decode()  # type: ignore[attr-defined]


def test_signing_out_is_audited(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    response = client.post("/signout/")
    assert response["Location"] == "/signin/"
    assert not signed_in(client)
    assert AuditEntry.objects.filter(action="signout", actor=world.coordinator).exists()


def test_signing_out_clears_what_pages_kept_in_the_browser(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    response = client.post("/signout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_sign_out_needs_a_post(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    assert client.get("/signout/").status_code == 405
    assert signed_in(client)


def test_gaining_a_role_that_needs_a_second_factor_signs_the_session_out(client: Client, world: World) -> None:
    newcomer = factories.user(username="unplaced")
    sign_in(client, newcomer)
    Membership.objects.create(user=newcomer, organisation=world.org, role=Role.COORDINATOR)
    response = client.get("/")
    assert response["Location"] == "/signin/"
    assert not signed_in(client)


def test_sessions_end_after_the_idle_timeout() -> None:
    assert settings.SESSION_COOKIE_AGE == settings.TANDEM_IDLE_TIMEOUT_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_sign_in_sets_the_users_language(client: Client, world: World) -> None:
    world.coordinator.language = "mk"
    world.coordinator.save()
    sign_in(client, world.coordinator)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "mk"


def test_next_url_on_another_site_is_ignored(client: Client, world: World) -> None:
    factories.user(username="unplaced")
    response = client.post(
        "/signin/?next=https://evil.example/", {"username": "unplaced", "password": factories.PASSWORD}
    )
    assert response["Location"] == "/"


def test_pages_carry_a_strict_content_security_policy(client: Client, db: None) -> None:
    policy = client.get("/signin/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "default-src 'none'" in policy


def test_someone_with_an_authenticator_cannot_set_up_another_at_sign_in(client: Client, world: World) -> None:
    """A stolen password must not let a new authenticator stand in for the real one."""
    post_password(client, "facilitator")
    response = client.get("/signin/enrol/")
    assert response["Location"] == "/signin/code/"
    assert client.post("/signin/enrol/", {"code": "123456"})["Location"] == "/signin/code/"
    assert AuthenticatorDevice.objects.filter(user=world.facilitator).count() == 1
    assert not signed_in(client)


def test_platform_staff_sign_in_with_a_second_factor(client: Client, world: World) -> None:
    factories.platform_admin("staff")
    assert post_password(client, "staff")["Location"] == "/signin/enrol/"  # type: ignore[index]
    assert not signed_in(client)


def test_failures_for_one_user_name_do_not_lock_out_another_from_the_same_address(client: Client, world: World) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        post_password(client, "facilitator", "wrong password")
    assert post_password(client, "analyst")["Location"] == "/signin/code/"  # type: ignore[index]


def test_someone_without_a_role_is_sent_on_to_the_page_it_asked_for(client: Client, world: World) -> None:
    factories.user(username="unplaced")
    credentials = {"username": "unplaced", "password": factories.PASSWORD}
    assert client.post("/signin/?next=/account/", credentials)["Location"] == "/account/"


def test_pages_seen_while_signed_in_are_not_kept_by_the_browser(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    assert "no-store" in client.get("/account/")["Cache-Control"]


def test_the_page_with_an_authenticator_secret_is_not_kept_by_the_browser(client: Client, world: World) -> None:
    factories.member(world.org, Role.COORDINATOR, "newcomer", with_device=False)
    post_password(client, "newcomer")
    assert "no-store" in client.get("/signin/enrol/")["Cache-Control"]


def test_too_many_wrong_codes_say_to_wait(client: Client, world: World) -> None:
    post_password(client, "facilitator")
    right = current_code(world.facilitator)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        response = client.post("/signin/code/", {"code": wrong})
    assert "Too many wrong codes. Wait a minute" in response.content.decode()


@override_settings(TANDEM_PROXY_COUNT=1)
def test_behind_one_proxy_the_audit_log_records_the_address_the_proxy_saw(client: Client, world: World) -> None:
    client.post(
        "/signin/",
        {"username": "nobody", "password": "x"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
        REMOTE_ADDR="10.0.0.2",
    )
    assert AuditEntry.objects.get(action="signin.failed").ip == "203.0.113.7"


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(client: Client, world: World) -> None:
    client.post(
        "/signin/", {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.2"
    )
    assert AuditEntry.objects.get(action="signin.failed").ip == "10.0.0.2"


def test_someone_who_set_up_an_authenticator_is_asked_for_it_whatever_the_role(client: Client, world: World) -> None:
    factories.totp_device(world.analyst)
    assert post_password(client, "analyst")["Location"] == "/signin/code/"  # type: ignore[index]
    assert not signed_in(client)


def test_adding_an_authenticator_asks_for_the_password(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    client.post("/account/authenticators/add/", {"start": "1"})
    device = AuthenticatorDevice.objects.get(user=world.coordinator, confirmed=False)
    response = client.post(
        "/account/authenticators/add/", {"code": current_code_of(device), "password": "not my password"}
    )
    assert "This is not your password." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_an_authenticator_added_with_password_and_code_is_confirmed(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    client.post("/account/authenticators/add/", {"start": "1"})
    device = AuthenticatorDevice.objects.get(user=world.coordinator, confirmed=False)
    response = client.post(
        "/account/authenticators/add/", {"code": current_code_of(device), "password": factories.PASSWORD}
    )
    assert response["Location"] == "/account/"
    device.refresh_from_db()
    assert device.confirmed
