"""Her questionnaire link's token never reaches the server's log."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tandem.core.log_filters import HideLinkTokens

TOKEN = "s3cretTokenOfHerLink_abcdefghijklmnopqrstuv"


def test_a_refused_link_is_logged_without_its_token(caplog: pytest.LogCaptureFixture, db: None) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get(f"/q/{TOKEN}/")
    assert caplog.records, "the refused request is still logged"
    assert TOKEN not in caplog.text


def test_the_filter_hides_tokens_in_message_and_arguments() -> None:
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"GET /q/%s/ HTTP/1.1" %s', (TOKEN, 404), None
    )
    record.msg = f'"GET /q/{TOKEN}/ HTTP/1.1" %s'
    record.args = (404,)
    HideLinkTokens().filter(record)
    assert TOKEN not in record.getMessage()
    assert "/q/…/" in record.getMessage()


def test_other_paths_are_left_as_they_are() -> None:
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", "/cases/12/"), None
    )
    HideLinkTokens().filter(record)
    assert record.getMessage() == "Not Found: /cases/12/"
