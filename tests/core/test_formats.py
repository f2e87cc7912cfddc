"""Dates, times and numbers follow the page's language, and no language writes them the
American way: no 12-hour clock, no month before the day."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import get_format, number_format

from tandem.core import actions
from tandem.core.roles import Role
from tests.conftest import World, sign_in

BELGRADE = ZoneInfo("Europe/Belgrade")
MOMENT = datetime(2026, 9, 1, 14, 5, tzinfo=BELGRADE)
LANGUAGES = [code for code, _name in django_settings.LANGUAGES]
DATE_ONLY = ["DATE_FORMAT", "SHORT_DATE_FORMAT"]
WITH_TIME = ["DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"]
# 1 September written month first, with any separator and a two- or four-digit year.
MONTH_FIRST = re.compile(r"(?<!\d)0?9\D0?1\D(20)?26(?!\d)")
DAY_PERIODS = ("a.m.", "p.m.", "AM", "PM")


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Iterator[None]:
    """A request with a language cookie leaves its language active in the test's thread, and
    the next test on the same worker would run in Albanian."""
    yield
    translation.deactivate()


def render(language: str, setting: str, moment: datetime = MOMENT) -> str:
    """The moment as a page in ``language`` shows it, through the template engine as pages do."""
    template = Template("{{ moment|date:setting }}")
    with translation.override(language), timezone.override(BELGRADE):
        return template.render(Context({"moment": moment, "setting": setting}))


def day_period_markers(language: str) -> set[str]:
    """What the language writes for a.m. and p.m.: Django's 12-hour formats print these."""
    with translation.override(language):
        translated = {translation.gettext(marker) for marker in DAY_PERIODS}
    return translated | set(DAY_PERIODS)


def test_a_new_language_has_its_formats_checked_before_it_is_offered() -> None:
    assert LANGUAGES == ["en", "sq", "sr-latn", "sr", "bs", "mk", "hr", "tr", "cnr"], (
        "Check Django's format module for the new language and add one under tandem/formats if needed."
    )


@pytest.mark.parametrize("setting", WITH_TIME)
@pytest.mark.parametrize("language", LANGUAGES)
def test_times_use_the_24_hour_clock(language: str, setting: str) -> None:
    shown = render(language, setting)
    assert "14:05" in shown, shown
    assert not re.search(r"(?<!\d)0?2[:.]05(?!\d)", shown), shown


@pytest.mark.parametrize("setting", DATE_ONLY + WITH_TIME)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_format_says_am_or_pm(language: str, setting: str) -> None:
    shown = render(language, setting)
    assert not [marker for marker in day_period_markers(language) if marker in shown], shown


@pytest.mark.parametrize("setting", DATE_ONLY + WITH_TIME)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_date_puts_the_month_before_the_day(language: str, setting: str) -> None:
    shown = render(language, setting)
    assert "09/01/2026" not in shown
    assert "9/1/2026" not in shown
    assert not MONTH_FIRST.search(shown), shown


def test_english_writes_dates_the_european_way() -> None:
    assert render("en", "DATE_FORMAT") == "1 September 2026"
    assert render("en", "TIME_FORMAT") == "14:05"
    assert render("en", "DATETIME_FORMAT") == "1 September 2026, 14:05"
    assert render("en", "SHORT_DATE_FORMAT") == "1 Sep 2026"
    assert render("en", "SHORT_DATETIME_FORMAT") == "1 Sep 2026, 14:05"
    assert render("en", "MONTH_DAY_FORMAT") == "1 September"


# Each language as its readers write 1 September 2026 at 14:05: the date, the date and time,
# the short date, the short date and time, and a day of a month.
WRITTEN = {
    "en": ("1 September 2026", "1 September 2026, 14:05", "1 Sep 2026", "1 Sep 2026, 14:05", "1 September"),
    "sq": ("1 shtator 2026", "1 shtator 2026, 14:05", "01.09.2026", "01.09.2026 14:05", "1 shtator"),
    "sr-latn": ("1. septembar 2026.", "1. septembar 2026. 14:05", "1.09.2026.", "1.09.2026. 14:05", "1. septembar"),
    "sr": ("1. септембар 2026.", "1. септембар 2026. 14:05", "1.09.2026.", "1.09.2026. 14:05", "1. септембар"),
    "bs": ("1. septembar 2026.", "1. septembar 2026. 14:05", "01.09.2026.", "01.09.2026. 14:05", "1. septembar"),
    "mk": ("1 септември 2026", "1 септември 2026 14:05", "1.09.2026", "1.09.2026 14:05", "1 септември"),
    "hr": ("1. rujna 2026.", "1. rujna 2026. 14:05", "1.09.2026.", "1.09.2026. 14:05", "1. rujna"),
    "tr": ("1 Eylül 2026", "1 Eylül 2026 14:05", "1 Eyl 2026", "1 Eyl 2026 14:05", "1 Eylül"),
    "cnr": ("1. septembar 2026.", "1. septembar 2026. 14:05", "01.09.2026.", "01.09.2026. 14:05", "1. septembar"),
}
WRITTEN_AS = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "MONTH_DAY_FORMAT"]
LONG_DATES = ["DATE_FORMAT", "DATETIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"]
THIRD_OF_EACH_MONTH = [datetime(2026, month, 3, 11, 36, tzinfo=BELGRADE) for month in range(1, 13)]


def test_every_offered_language_has_its_way_of_writing_a_date_checked() -> None:
    assert sorted(WRITTEN) == sorted(LANGUAGES)


@pytest.mark.parametrize("setting", WRITTEN_AS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_keeps_its_own_way_of_writing_a_date(language: str, setting: str) -> None:
    assert render(language, setting) == WRITTEN[language][WRITTEN_AS.index(setting)]


@pytest.mark.parametrize("setting", ["DATE_FORMAT", "DATETIME_FORMAT", "MONTH_DAY_FORMAT"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_long_date_pads_the_day_with_a_zero(language: str, setting: str) -> None:
    shown = render(language, setting, THIRD_OF_EACH_MONTH[11])
    assert shown.startswith("3"), shown


@pytest.mark.parametrize(
    ("date", "with_time"), [("DATE_FORMAT", "DATETIME_FORMAT"), ("SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT")]
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_with_its_time_is_written_as_the_date_alone(language: str, date: str, with_time: str) -> None:
    """One page (a report, a list) shows dates with and without a time; the day and month must
    look the same in both."""
    moment = THIRD_OF_EACH_MONTH[11]
    assert render(language, with_time, moment).startswith(render(language, date, moment))


@pytest.mark.parametrize("setting", LONG_DATES)
@pytest.mark.parametrize("language", ["sq", "mk"])
def test_albanian_and_macedonian_write_the_month_in_lower_case(language: str, setting: str) -> None:
    for moment in THIRD_OF_EACH_MONTH:
        shown = render(language, setting, moment)
        assert shown == shown.lower(), shown


@pytest.mark.parametrize("language", ["sq", "mk", "hr", "sr_Latn", "sr", "bs", "cnr"])
def test_a_month_with_its_year_alone_is_in_lower_case_where_the_language_wants_it(language: str) -> None:
    for moment in THIRD_OF_EACH_MONTH:
        shown = render(language, "YEAR_MONTH_FORMAT", moment)
        assert shown == shown.lower(), shown


def test_macedonian_writes_the_date_as_its_readers_do() -> None:
    moment = THIRD_OF_EACH_MONTH[11]
    assert render("mk", "DATE_FORMAT", moment) == "3 декември 2026"
    assert render("mk", "DATETIME_FORMAT", moment) == "3 декември 2026 11:36"


def test_albanian_writes_the_date_as_its_readers_do() -> None:
    assert render("sq", "DATE_FORMAT", THIRD_OF_EACH_MONTH[11]) == "3 dhjetor 2026"


def test_turkish_keeps_the_capital_of_the_month_and_no_zero_before_the_day() -> None:
    assert render("tr", "DATE_FORMAT", THIRD_OF_EACH_MONTH[11]) == "3 Aralık 2026"


def test_croatian_names_the_month_of_a_day_in_the_genitive() -> None:
    assert render("hr", "MONTH_DAY_FORMAT", THIRD_OF_EACH_MONTH[11]) == "3. prosinca"


def test_a_morning_time_is_not_mistaken_for_an_afternoon_one() -> None:
    morning = datetime(2026, 9, 1, 9, 5, tzinfo=BELGRADE)
    assert render("en", "TIME_FORMAT", morning) == "09:05"
    assert render("sq", "TIME_FORMAT", morning) == "09:05"


@pytest.mark.parametrize("language", LANGUAGES)
def test_typed_dates_are_never_read_month_first(language: str) -> None:
    with translation.override(language):
        typed = [*get_format("DATE_INPUT_FORMATS"), *get_format("DATETIME_INPUT_FORMATS")]
    for pattern in typed:
        if pattern.lower().startswith("%y"):
            continue
        month = min(pattern.find(code) for code in ("%m", "%b", "%B") if code in pattern)
        assert pattern.index("%d") < month, f"{language}: {pattern}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_thousands_are_grouped_in_every_language(language: str) -> None:
    with translation.override(language):
        separator = get_format("THOUSAND_SEPARATOR")
        assert get_format("NUMBER_GROUPING") == 3
        assert separator
        assert number_format(12345, force_grouping=True) == f"12{separator}345"


@pytest.mark.parametrize("language", ["sq", "bs", "cnr"])
def test_albanian_bosnian_and_montenegrin_group_with_a_dot_and_decimals_with_a_comma(language: str) -> None:
    with translation.override(language):
        assert number_format(12345, force_grouping=True) == "12.345"
        assert number_format(1234567.5, 1, force_grouping=True) == "1.234.567,5"


@pytest.mark.parametrize(("language", "expiry"), [("en", "1 Sep 2099, 14:05"), ("sq", "01.09.2099 14:05")])
def test_the_organisation_page_shows_invitation_expiry_in_the_pages_language(
    client: Client, world: World, settings: Any, language: str, expiry: str
) -> None:
    settings.TIME_ZONE = "Europe/Belgrade"
    # An invitation is valid for a week: made on 25 August, it lapses on 1 September at 14:05 in Belgrade.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2099, 8, 25, 12, 5, tzinfo=UTC)):
        actions.invite_user(
            organisation=world.org, role=Role.FACILITATOR, invitee_name="Ana Petrović", acting_user=world.org_admin
        )
    sign_in(client, world.org_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("core:organisation_detail", args=[world.org.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    row = re.search(r"<td>Ana Petrović</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", page)
    assert row, "the open invitation is listed"
    assert row.group(1) == expiry
