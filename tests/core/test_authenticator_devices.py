"""An authenticator app's secret is personal data: stored encrypted and re-encrypted by key
rotation. Its codes are checked as django-otp's TOTP device checks them: once only, within a
step of the phone's drift, and slower after wrong ones.

There is no test world here: its people's secrets are encrypted under the test keys, which the
rotation test swaps for keys of its own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import devices_for_user, match_token, verify_token
from django_otp.models import Device
from django_otp.oath import TOTP

from tandem.core import crypto, models as core_models
from tandem.core.models import AuthenticatorDevice, User
from tandem.core.queries import pending_device
from tandem.core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

NEW, OLD = Fernet.generate_key().decode(), Fernet.generate_key().decode()
# Some time well after any code the tests' factories had a device accept.
NOW = 2_000_000_000.0


class PhoneClock:
    """The time of the person's phone and of Tandem's check of her code, as the test sets it."""

    def __init__(self, at: float) -> None:
        self.at = at

    def time(self) -> float:
        return self.at


@pytest.fixture
def phone(monkeypatch: pytest.MonkeyPatch) -> PhoneClock:
    clock = PhoneClock(NOW)
    monkeypatch.setattr(core_models, "time", clock)
    return clock


@pytest.fixture
def person(db: None) -> User:
    return factories.user()


@pytest.fixture
def device(person: User) -> AuthenticatorDevice:
    return factories.totp_device(person)


def code(device: AuthenticatorDevice, phone: PhoneClock, *, steps_ahead: int = 0) -> str:
    """What the app shows at the phone's time (or that many steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = phone.at + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def stored_secret(device: AuthenticatorDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM core_authenticatordevice WHERE id = %s", [device.pk])
        value: str = cursor.fetchone()[0]
    return value


# --- At rest ------------------------------------------------------------------------------


def test_the_secret_is_stored_encrypted_never_as_hex(device: AuthenticatorDevice) -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", device.key)
    stored = stored_secret(device)
    assert device.key not in stored
    assert not re.search(r"[0-9a-f]{40}", stored)
    assert crypto.decrypt(stored) == device.key


def test_checking_a_code_does_not_write_the_secret_again(device: AuthenticatorDevice, phone: PhoneClock) -> None:
    before = stored_secret(device)
    assert device.verify_token(code(device, phone))
    assert not device.verify_token("000000" if code(device, phone) != "000000" else "111111")
    assert stored_secret(device) == before


def test_key_rotation_covers_the_secrets() -> None:
    assert ("core.AuthenticatorDevice", ["key"]) in [
        (model._meta.label, names) for model, names in crypto.encrypted_fields()
    ]


def test_rotation_re_encrypts_the_secret_and_the_app_still_signs_in(db: None, phone: PhoneClock) -> None:
    with override_settings(TANDEM_FIELD_KEYS=[OLD]):
        device = AuthenticatorDevice.objects.create(user=factories.user(), name="Phone", confirmed=True)
    before = stored_secret(device)
    with override_settings(TANDEM_FIELD_KEYS=[NEW, OLD]):
        report = crypto.rotate_all()
    assert (report.examined, report.rotated) == (1, 1)
    after = stored_secret(device)
    assert after != before
    assert Fernet(NEW.encode()).decrypt(after.encode()).decode() == device.key
    with override_settings(TANDEM_FIELD_KEYS=[NEW]):
        rotated = AuthenticatorDevice.objects.get(pk=device.pk)
        assert rotated.key == device.key
        assert rotated.verify_token(code(rotated, phone))


# --- Codes ---------------------------------------------------------------------------------


def test_a_code_is_accepted_once_only(device: AuthenticatorDevice, phone: PhoneClock) -> None:
    shown = code(device, phone)
    assert device.verify_token(shown)
    assert not device.verify_token(shown)


def test_a_code_one_step_ahead_is_accepted_and_the_phones_drift_remembered(
    device: AuthenticatorDevice, phone: PhoneClock
) -> None:
    assert device.verify_token(code(device, phone, steps_ahead=1))
    device.refresh_from_db()
    assert device.drift == 1


def test_a_code_two_steps_off_is_refused(device: AuthenticatorDevice, phone: PhoneClock) -> None:
    assert not device.verify_token(code(device, phone, steps_ahead=2))
    assert not device.verify_token(code(device, phone, steps_ahead=-2))


def test_a_code_older_than_the_last_accepted_one_is_refused(device: AuthenticatorDevice, phone: PhoneClock) -> None:
    assert device.verify_token(code(device, phone, steps_ahead=1))
    assert not device.verify_token(code(device, phone))


def test_after_a_wrong_code_even_the_right_one_waits(device: AuthenticatorDevice, phone: PhoneClock) -> None:
    assert not device.verify_token("000000" if code(device, phone) != "000000" else "111111")
    assert not device.verify_token(code(device, phone))
    assert device.throttling_failure_count == 1
    AuthenticatorDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
    )
    device.refresh_from_db()
    assert device.verify_token(code(device, phone))
    device.refresh_from_db()
    assert (device.throttling_failure_count, device.throttling_failure_timestamp) == (0, None)
    assert device.last_used_at is not None


def test_django_otp_finds_the_device_and_checks_its_codes(
    person: User, device: AuthenticatorDevice, phone: PhoneClock
) -> None:
    assert list(devices_for_user(person)) == [device]
    assert device.persistent_id == f"core.authenticatordevice/{device.pk}"
    assert Device.from_persistent_id(device.persistent_id) == device
    shown = code(device, phone)
    assert match_token(person, shown) == device
    assert verify_token(person, device.persistent_id, shown) is None


# --- Enrolment and sign-in ----------------------------------------------------------------


def test_a_person_enrols_signs_in_with_a_code_and_cannot_replay_it(client: Client, phone: PhoneClock) -> None:
    newcomer = factories.member(factories.organisation(), Role.COORDINATOR, "newcomer", with_device=False)
    response = client.post("/signin/", {"username": "newcomer", "password": factories.PASSWORD})
    assert response["Location"] == "/signin/enrol/"
    enrolled = pending_device(newcomer)
    assert enrolled is not None
    shown = code(enrolled, phone)
    client.post("/signin/enrol/", {"code": shown})
    assert client.session["otp_device_id"] == enrolled.persistent_id
    assert client.get("/account/").status_code == 200

    client.post("/signout/")
    client.post("/signin/", {"username": "newcomer", "password": factories.PASSWORD})
    response = client.post("/signin/code/", {"code": shown})
    assert "_auth_user_id" not in client.session
    assert "authenticator app shows now" in response.content.decode()

    # The refused code made the next attempt wait a second; let it pass, and the phone show
    # the next step's code.
    AuthenticatorDevice.objects.filter(pk=enrolled.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
    )
    phone.at += 30
    client.post("/signin/code/", {"code": code(enrolled, phone)})
    assert client.session["otp_device_id"] == enrolled.persistent_id
    assert client.get("/account/").status_code == 200
