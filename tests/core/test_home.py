"""The home page says to each person what she does in Tandem, and every page has its icon."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

ICON = "/static/tandem/favicon.svg"


def test_the_platform_administrators_home_page_says_what_she_does_and_links_to_the_administration() -> None:
    admin = factories.platform_admin()
    factories.totp_device(admin)
    page = signed_in_client(admin).get("/").content.decode()
    assert "You do not belong to any organisation yet" not in page
    assert "As the platform administrator, you create the organisations" in page
    assert '<a href="/platform-admin/">Go to the platform administration</a>' in page


def test_someone_without_a_place_is_still_told_to_ask_for_an_invitation(world: World) -> None:
    person = factories.user(username="unplaced")
    page = signed_in_client(person).get("/").content.decode()
    assert "You do not belong to any organisation yet" in page
    assert "/platform-admin/" not in page


def test_a_member_is_not_offered_the_platform_administration(world: World) -> None:
    page = signed_in_client(world.org_admin).get("/").content.decode()
    assert "/platform-admin/" not in page
    assert "As the platform administrator" not in page


def test_every_page_names_its_icon(client: Client) -> None:
    page = client.get("/signin/").content.decode()
    assert f'<link rel="icon" href="{ICON}" type="image/svg+xml">' in page


def test_the_icon_is_served_as_an_svg_picture(client: Client) -> None:
    response = client.get(ICON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_favicon_ico_leads_to_the_icon_instead_of_a_404(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == ICON


def test_the_content_security_policy_lets_the_icon_load_from_tandem_itself(client: Client) -> None:
    policy = client.get("/signin/")["Content-Security-Policy"]
    sources = re.search(r"img-src ([^;]*)", policy)
    assert sources, policy
    assert "'self'" in sources.group(1).split()
    assert ICON.startswith(settings.STATIC_URL)


def test_a_request_too_large_to_read_gets_a_page_that_says_what_to_do() -> None:
    from django.test import override_settings

    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5):
        response = Client().post("/signin/", {f"field{n}": "x" for n in range(10)})
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
