"""The account page: its language choice, its password form in every language, and adding an
authenticator app, which only a button (a POST) starts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from tandem.core import password_texts
from tandem.core.models import AuthenticatorDevice, User
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db

ADD = "/account/authenticators/add/"
# Django's English on the password form, which Tandem's catalogue must translate.
ENGLISH_PASSWORD_TEXTS = [
    "Your password can’t be too similar to your other personal information.",
    "Your password must contain at least 12 characters.",
    "Your password can’t be a commonly used password.",
    "Your password can’t be entirely numeric.",
    "Enter the same password as before, for verification.",
    "Old password",
    "New password confirmation",
]


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Any:
    """A request with a language cookie leaves its language active in the test's thread."""
    yield
    translation.deactivate()


def account_page(client: Client, language: str) -> str:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/account/")
    assert response.status_code == 200
    return response.content.decode()


def test_opening_the_page_to_add_an_authenticator_writes_nothing(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    before = list(AuthenticatorDevice.objects.filter(user=world.coordinator).values_list("pk", "confirmed"))
    for _ in range(2):
        response = client.get(ADD)
        assert response.status_code == 200
        assert 'name="start"' in response.content.decode()
    assert list(AuthenticatorDevice.objects.filter(user=world.coordinator).values_list("pk", "confirmed")) == before


def test_the_button_makes_one_secret_and_the_page_then_shows_it_without_making_another(
    client: Client, world: World
) -> None:
    sign_in(client, world.coordinator)
    response = client.post(ADD, {"start": "1"})
    assert response["Location"] == ADD
    made = AuthenticatorDevice.objects.get(user=world.coordinator, confirmed=False)
    for _ in range(2):
        assert 'src="data:image/svg+xml;base64,' in client.get(ADD).content.decode()
    assert list(AuthenticatorDevice.objects.filter(user=world.coordinator, confirmed=False)) == [made]


def test_asking_again_replaces_the_unconfirmed_secret_with_a_new_one(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    client.post(ADD, {"start": "1"})
    first = AuthenticatorDevice.objects.get(user=world.coordinator, confirmed=False)
    client.post(ADD, {"start": "1"})
    second = AuthenticatorDevice.objects.get(user=world.coordinator, confirmed=False)
    assert (second.pk, second.key) != (first.pk, first.key)


def test_the_account_page_adds_an_authenticator_with_a_button_not_a_link(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    page = account_page(client, "en")
    assert f'href="{ADD}"' not in page
    assert re.search(rf'<form method="post" action="{ADD}">.*?<button type="submit" name="start"', page, re.S)


def language_options(page: str) -> list[tuple[str, str, str]]:
    """(value, lang attribute, name) of each option of the account page's language choice."""
    select = re.search(r'<select name="language"[^>]*id="id_language"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the account page has its language choice"
    options = []
    for value, attrs, name in re.findall(r'<option value="([^"]+)"([^>]*)>([^<]+)</option>', select.group(1)):
        lang = re.search(r'lang="([^"]+)"', attrs)
        options.append((value, lang.group(1) if lang else "", name))
    return options


def test_the_account_page_names_each_language_in_its_own_words(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    options = language_options(account_page(client, "en"))
    assert options == [
        (code, code, capfirst(get_language_info(code)["name_local"])) for code, _name in django_settings.LANGUAGES
    ]
    assert ("sq", "sq", "Shqip") in options
    assert ("sr", "sr", "Српски") in options


@pytest.mark.parametrize("language", ["mk", "cnr"])
def test_the_password_form_explains_the_rules_in_macedonian_and_montenegrin(
    client: Client, world: World, language: str
) -> None:
    sign_in(client, world.coordinator)
    page = account_page(client, language)
    assert f'<html lang="{language}">' in page
    assert [text for text in ENGLISH_PASSWORD_TEXTS if text in page] == []


@pytest.mark.parametrize("language", ["mk", "cnr"])
def test_a_refused_password_is_explained_in_macedonian_and_montenegrin(
    client: Client, world: World, language: str
) -> None:
    sign_in(client, world.coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    page = client.post(
        "/account/", {"old_password": "wrong", "new_password1": "12345678", "new_password2": "87654321"}
    ).content.decode()
    for english in ["The two password fields didn", "Your old password was entered incorrectly."]:
        assert english not in page


def test_in_english_the_password_form_keeps_djangos_words(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    page = account_page(client, "en")
    assert "Your password must contain at least 12 characters." in page
    assert "Enter the same password as before, for verification." in page
    assert "Old password" in page


def test_every_password_text_of_the_account_page_is_marked_for_tandems_catalogue() -> None:
    """Django's words must be marked exactly as Django spells them, or their translation is never
    found; a new Django that changes one fails here."""
    marked = {
        *password_texts.HELP_TEXTS,
        *password_texts.ERRORS,
        *password_texts.LABELS,
        str(password_texts.MINIMUM_LENGTH_HELP_TEXT % {"min_length": 12}),
        str(password_texts.TOO_SHORT_ERROR % 12),
    }
    person = User(username="coordinator", first_name="Test", last_name="Person")
    with translation.override("en"):
        form = PasswordChangeForm(person)
        shown = {
            *password_validation.password_validators_help_texts(),
            *(str(field.label) for field in form.fields.values()),
            str(form.fields["new_password2"].help_text),
            *(str(message) for message in form.error_messages.values()),
        }
        for password in ["coordinator1", "short", "password1234", "123456789012"]:
            try:
                password_validation.validate_password(password, person)
            except ValidationError as error:
                shown |= {str(refusal.message) for refusal in error.error_list}
    assert shown - marked == set()


def test_an_authenticator_set_up_in_english_is_named_in_the_language_of_the_page(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)  # her authenticator was set up with English active
    assert AuthenticatorDevice.objects.filter(user=world.coordinator, name="Authenticator app").exists()
    page = account_page(client, "sq")
    assert "Aplikacion vërtetimi" in page
    assert "Authenticator app" not in page


def test_djangos_field_texts_missing_in_bosnian_are_marked_for_tandems_catalogue() -> None:
    from django import forms

    from tandem.core import form_texts

    with translation.override("en"):
        too_long = forms.CharField(max_length=3)
        with pytest.raises(ValidationError) as long_error:
            too_long.clean("abcd")
        with pytest.raises(ValidationError) as uuid_error:
            forms.UUIDField().clean("not a uuid")
        assert long_error.value.messages == [str(form_texts.TOO_LONG % {"limit_value": 3, "show_value": 4})]
        assert uuid_error.value.messages == [form_texts.INVALID_UUID]
