"""The mapping report: built from published answers only, every indicator with its definition,
small numbers as counts, unpublished programmes and private locations never shown,
recommendations from the results, in the report's language, on the command line and the web."""

from __future__ import annotations

import base64
import csv
import io
import itertools
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from pypdf import PdfReader

from tandem.core.models import AuditEntry
from tandem.geo.models import Country
from tandem.mapping.models import AnswerStatus, DeliveryLocation, Programme, SurveyRound
from tandem.mapping.queries.report import build_report
from tandem.mapping.render.report import render_report_html, render_report_pdf
from tandem.mapping.rules.indicators import INDICATORS, indicator
from tandem.reports.numbers import percent_text
from tests import factories
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db

PUBLISHED = AnswerStatus.PUBLISHED


def published(survey_round: SurveyRound, name: str | None = None, country: str = "AL", **values: Any) -> Programme:
    """A programme of the registry with a published, complete answer (``values`` change it)."""
    region = "AL-11" if country == "AL" else "XK-D01"
    made = factories.programme(name, country=country, region=region, publish=values.pop("publish", True))
    factories.survey_answer(survey_round, made, status=PUBLISHED, **values)
    return made


def located(programme: Programme, town: str, *, publish: bool = True) -> DeliveryLocation:
    return factories.location(programme, town, publish=publish)


def html_of(survey_round: SurveyRound, country: str | None = None, language: str = "en") -> str:
    chosen = Country.objects.get(code=country) if country else None
    return render_report_html(build_report(survey_round=survey_round, country=chosen), language=language)


def with_pictures(html: str) -> str:
    """The page and the SVG inside its images (charts and map are ``data:`` URLs)."""
    pictures = [base64.b64decode(data).decode() for data in re.findall(r"data:image/svg\+xml;base64,([^\"]+)", html)]
    return "\n".join([html, *pictures])


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def survey_round() -> SurveyRound:
    return factories.survey_round(name="Mapping 2026", countries=["AL", "XK"])


# --- What the report says -------------------------------------------------------------------


def test_every_indicator_is_in_the_report_with_its_label_and_definition(survey_round: SurveyRound) -> None:
    published(survey_round)
    html = html_of(survey_round)
    for item in INDICATORS:
        assert escape(str(item.label)) in html
        assert escape(str(item.definition)) in html


def test_the_heading_names_the_round(survey_round: SurveyRound) -> None:
    published(survey_round)
    assert re.search(r"<h1>[^<]*Mapping 2026[^<]*</h1>", html_of(survey_round))


def test_a_share_over_few_programmes_is_shown_as_counts_with_a_caution(survey_round: SurveyRound) -> None:
    published(survey_round, joint_planning="joint_decisions")
    published(survey_round, joint_planning="joint_decisions")
    published(survey_round, joint_planning="information")
    html = html_of(survey_round)
    assert "2 of 3 (few programmes: read with caution)" in html
    assert percent_text(200 / 3) not in with_pictures(html)


def test_indicators_with_too_few_answers_are_counted_as_not_judged_not_as_within_their_target(
    survey_round: SurveyRound,
) -> None:
    published(survey_round)
    published(survey_round)
    html = html_of(survey_round, country="AL")
    total = len(INDICATORS)
    figures = html[html.index('class="key-figures"') : html.index("Main findings")]
    tile = f"0 of 0 that could be judged; {total} could not be judged: too few answers"
    assert f"Indicators below their target</dt><dd>{tile}</dd>" in figures
    assert (
        "No indicator could be judged against its target in Albania. "
        f"{total} indicators could not be judged because too few programmes answered their questions."
    ) in html
    assert f"0 of the {total} indicators" not in html
    assert "Article 16 compliance score (mean)</dt><dd>not shown: fewer than 5 programmes gave evidence</dd>" in figures
    assert "2 programmes (few programmes: read with caution)" not in html
    text = pdf_text(render_report_pdf(build_report(survey_round=survey_round), language="en"))
    assert "could not be judged: too few answers" in " ".join(text.split())


def test_without_recommendations_the_report_does_not_say_that_unjudged_indicators_meet_their_target(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tandem.mapping.rules import report as rules_of_the_report

    monkeypatch.setattr(rules_of_the_report, "COVERAGE_SHARE", 100.0)
    survey_round = factories.survey_round(countries=["AL"])
    published(survey_round)
    html = html_of(survey_round)
    assert "Every indicator meets its target" not in html
    assert (
        "No indicator that could be judged misses its target, and every country has a functioning programme: no "
        f"recommendation follows from the results. {len(INDICATORS)} indicators could not be judged"
    ) in html


def test_a_programme_that_may_not_be_published_is_counted_but_never_named(survey_round: SurveyRound) -> None:
    published(survey_round, "Open Door Programme")
    hidden = published(survey_round, "Quiet Harbour Programme", publish=False)
    located(hidden, "Hiddenville")
    report = build_report(survey_round=survey_round)
    html = with_pictures(render_report_html(report, language="en"))
    assert "Open Door Programme" in html
    assert "Quiet Harbour Programme" not in html
    assert hidden.code not in html
    assert "Hiddenville" not in html
    assert "And 1 programme not named at its request." in html
    text = pdf_text(render_report_pdf(report, language="en"))
    assert "Open Door Programme" in text
    assert "Quiet Harbour" not in text
    assert hidden.code not in text


def test_a_private_location_is_never_on_the_map(survey_round: SurveyRound) -> None:
    programme = published(survey_round, "Open Door Programme")
    located(programme, "Publictown")
    located(programme, "Secretville", publish=False)
    html = with_pictures(html_of(survey_round))
    assert "Publictown" in html
    assert "Secretville" not in html


def test_unpublished_answers_are_not_counted(survey_round: SurveyRound) -> None:
    published(survey_round, "Open Door Programme")
    draft = factories.programme("Draft Only Programme")
    factories.survey_answer(survey_round, draft, status=AnswerStatus.ACCEPTED)
    report = build_report(survey_round=survey_round)
    assert report.indicators.answers == 1
    assert "Draft Only Programme" not in render_report_html(report, language="en")


def test_an_indicator_below_its_target_brings_its_recommendation_naming_the_country(
    survey_round: SurveyRound,
) -> None:
    for _number in range(4):
        published(survey_round, partner_contact="no")
    published(survey_round, partner_contact="yes")
    html = html_of(survey_round)
    recommendation = escape(str(indicator("partner_contact").recommendation))
    assert recommendation in html
    finding = html[html.index(recommendation) :]
    finding = finding[: finding.index("</li>")]
    assert "Below the target: Albania (20" in finding


def test_a_country_below_the_target_brings_the_recommendation_when_the_region_meets_it(
    survey_round: SurveyRound,
) -> None:
    for _number in range(20):
        published(survey_round)
    for contact in ("yes", "yes", "yes", "no", "no"):
        published(survey_round, country="XK", partner_contact=contact)
    html = html_of(survey_round)
    recommendation = escape(str(indicator("partner_contact").recommendation))
    assert recommendation in html
    finding = html[html.index(recommendation) :]
    finding = finding[: finding.index("</li>")]
    assert "Below the target: Kosovo* (60" in finding
    assert "Albania" not in finding


def test_no_indicator_recommendation_when_every_target_is_met(survey_round: SurveyRound) -> None:
    for _number in range(5):
        published(survey_round)
    html = html_of(survey_round)
    for item in INDICATORS:
        assert escape(str(item.recommendation)) not in html
    assert "Within the target on every indicator on which enough programmes answered to judge: Albania." in html


def test_coverage_recommendation_for_a_country_where_most_people_have_no_programme(
    survey_round: SurveyRound,
) -> None:
    for _number in range(5):
        published(survey_round)  # all serve Tiranë only: most of Albania has no programme
    html = html_of(survey_round)
    assert "More than 50" in html
    assert "Extend programmes to the regions that no functioning programme serves" in html


def test_the_report_in_albanian_has_translated_headings(survey_round: SurveyRound) -> None:
    published(survey_round)
    html = html_of(survey_round, language="sq")
    with translation.override("sq"):
        expected = [gettext("Executive summary"), gettext("Recommendations"), gettext("Methodology")]
    assert '<html lang="sq">' in html
    for heading in expected:
        assert f">{escape(heading)}</h2>" in html


def test_a_country_report_shows_only_that_country(survey_round: SurveyRound) -> None:
    published(survey_round, "Albanian Programme")
    published(survey_round, "Kosovo Programme", country="XK")
    html = html_of(survey_round, country="AL")
    assert re.search(r"<h1>[^<]*Mapping 2026, Albania</h1>", html)
    assert "Albanian Programme" in html
    assert "Kosovo Programme" not in html
    assert "Kosovo*" not in html


def test_kosovo_is_named_with_the_footnote(survey_round: SurveyRound) -> None:
    published(survey_round, country="XK")
    html = html_of(survey_round)
    assert "Kosovo*" in html
    assert "* Kosovo: This designation is without prejudice" in html


def test_an_earlier_round_of_the_same_organisation_is_compared(survey_round: SurveyRound) -> None:
    earlier = factories.survey_round(
        name="Mapping 2025",
        owner=survey_round.owner,
        countries=["AL", "XK"],
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 6, 30),
    )
    published(earlier, joint_planning="information")
    published(survey_round)
    html = html_of(survey_round)
    assert "Compared with Mapping 2025" in html
    assert "Survivor-safety indicators in Mapping 2025 and Mapping 2026" in html


def test_another_organisations_round_is_not_compared(survey_round: SurveyRound) -> None:
    other = factories.survey_round(name="Mapping 2025", countries=["AL"], opens_on=date(2025, 1, 1))
    published(other)
    published(survey_round)
    assert "Mapping 2025" not in html_of(survey_round)


def test_the_report_reads_the_database_a_fixed_number_of_times(survey_round: SurveyRound) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            html_of(survey_round)
        return len(captured)

    published(survey_round)
    queries()  # the first report also stores the site's settings
    few = queries()
    for _number in range(4):
        located(published(survey_round), "Tiranë")
    published(survey_round, country="XK")
    assert queries() == few == 16


# --- On the command line --------------------------------------------------------------------


def test_the_command_writes_the_html_report_and_an_audit_entry(survey_round: SurveyRound, tmp_path: Path) -> None:
    published(survey_round, "Open Door Programme")
    output = tmp_path / "report.html"
    call_command(
        "mapping_report",
        round=survey_round.pk,
        country=None,
        format="html",
        output=str(output),
        language="en",
        stdout=io.StringIO(),
    )
    html = output.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Open Door Programme" in html
    assert 'href="data:text/css;base64,' in html  # the file stands alone
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "mapping.report"
    assert entry.actor_id is None
    assert entry.actor_label == "command line"
    assert json.loads(entry.detail) == {"round": survey_round.pk, "country": None, "format": "html", "language": "en"}


def test_the_command_writes_a_pdf_in_the_language_asked_for(survey_round: SurveyRound, tmp_path: Path) -> None:
    published(survey_round)
    output = tmp_path / "report.pdf"
    call_command(
        "mapping_report",
        round=None,
        country="al",
        format="pdf",
        output=str(output),
        language="sr_Latn",
        stdout=io.StringIO(),
    )
    assert output.read_bytes().startswith(b"%PDF-")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert json.loads(entry.detail) == {
        "round": survey_round.pk,
        "country": "AL",
        "format": "pdf",
        "language": "sr-latn",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"language": "de"}, "--language de: not one of Tandem's languages (choose from: en, sq, sr-latn"),
        ({"country": "FR"}, "--country FR: no such country"),
        ({"country": "ME"}, "--country ME: not a country of round"),
        ({"round": 999999}, "--round 999999: no such survey round."),
        ({"output": "/no/such/folder/report.html"}, "the folder /no/such/folder does not exist."),
    ],
)
def test_the_command_refuses_a_mistake_in_one_line(
    survey_round: SurveyRound, tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    published(survey_round)
    arguments: dict[str, Any] = {
        "round": survey_round.pk,
        "country": None,
        "format": "html",
        "output": str(tmp_path / "report.html"),
        "language": "en",
        **options,
    }
    with pytest.raises(CommandError) as refused:
        call_command("mapping_report", stdout=io.StringIO(), **arguments)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not AuditEntry.objects.filter(action="mapping.report").exists()


# --- On the web -----------------------------------------------------------------------------


@pytest.fixture
def web_round(world: World) -> SurveyRound:
    """A round run by the world's network in which the auditor reviews Albania."""
    made = factories.survey_round(name="Mapping 2026", owner=world.network, countries=["AL", "XK"])
    factories.reviewer(made, "AL", world.auditor)
    published(made, "Open Door Programme")
    return made


def test_a_reviewer_reads_the_report_on_the_web(client: Client, world: World, web_round: SurveyRound) -> None:
    sign_in(client, world.auditor)
    response = client.get(f"/programmes/rounds/{web_round.pk}/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h1>[^<]*Mapping 2026[^<]*</h1>", html)
    assert "Open Door Programme" in html
    assert 'href="/static/reports/report.css"' in html
    assert not AuditEntry.objects.filter(action="mapping.report").exists()


def test_the_round_page_links_to_the_report(client: Client, world: World, web_round: SurveyRound) -> None:
    sign_in(client, world.auditor)
    html = client.get(f"/programmes/rounds/{web_round.pk}/").content.decode()
    assert f'<a href="/programmes/rounds/{web_round.pk}/report/">Mapping report</a>' in html
    assert f'href="/programmes/rounds/{web_round.pk}/report.pdf"' in html


def test_the_report_of_one_country_on_the_web(client: Client, world: World, web_round: SurveyRound) -> None:
    sign_in(client, world.auditor)
    response = client.get(f"/programmes/rounds/{web_round.pk}/report/?country=al")
    assert response.status_code == 200
    assert "Mapping 2026, Albania" in response.content.decode()


def test_a_country_outside_the_round_is_not_found(client: Client, world: World, web_round: SurveyRound) -> None:
    sign_in(client, world.auditor)
    assert client.get(f"/programmes/rounds/{web_round.pk}/report/?country=ME").status_code == 404
    assert client.get(f"/programmes/rounds/{web_round.pk}/report.pdf?country=ZZZ").status_code == 404


def test_the_pdf_is_downloaded_and_audited(client: Client, world: World, web_round: SurveyRound) -> None:
    sign_in(client, world.auditor)
    response = client.get(f"/programmes/rounds/{web_round.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="tandem-mapping-report-mapping-2026-')
    assert response.content.startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action="mapping.report")
    assert entry.actor_id == world.auditor.pk
    assert json.loads(entry.detail) == {"round": web_round.pk, "country": None, "format": "pdf", "language": "en"}


def test_the_indicators_behind_the_report_are_downloaded_as_csv_and_audited(
    client: Client, world: World, web_round: SurveyRound
) -> None:
    sign_in(client, world.auditor)
    report = client.get(f"/programmes/rounds/{web_round.pk}/report/?country=AL").content.decode()
    assert f'href="/programmes/rounds/{web_round.pk}/indicators.csv?country=AL"' in report
    response = client.get(f"/programmes/rounds/{web_round.pk}/indicators.csv?country=AL")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="indicators-round-{web_round.pk}-al.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["indicator", "label", "scope"]
    assert any("Open Door Programme" in row for row in rows[1:])
    entry = AuditEntry.objects.get(action="mapping.indicators_exported")
    assert entry.actor_id == world.auditor.pk
    assert json.loads(entry.detail) == {"round": web_round.pk, "country": "AL", "format": "csv"}


def test_a_programme_name_that_is_a_formula_is_written_to_the_csv_as_text(
    client: Client, world: World, web_round: SurveyRound
) -> None:
    published(web_round, '=HYPERLINK("http://example.org","x")')
    sign_in(client, world.auditor)
    response = client.get(f"/programmes/rounds/{web_round.pk}/indicators.csv")
    text = response.content.decode("utf-8-sig")
    names = [cell for row in csv.reader(io.StringIO(text)) for cell in row if "HYPERLINK" in cell]
    assert names
    assert all(name.startswith("'=") for name in names)


def test_a_programme_that_may_not_be_named_in_public_has_no_rows_in_the_csv(
    client: Client, world: World, web_round: SurveyRound
) -> None:
    hidden = published(web_round, "Quiet Harbour", publish=False)
    sign_in(client, world.auditor)
    text = client.get(f"/programmes/rounds/{web_round.pk}/indicators.csv").content.decode("utf-8-sig")
    assert "Quiet Harbour" not in text
    assert hidden.code not in text
    assert "Open Door Programme" in text


def test_the_headings_go_down_one_level_at_a_time(survey_round: SurveyRound) -> None:
    earlier = factories.survey_round(owner=survey_round.owner, countries=["AL"], opens_on=date(2025, 1, 1))
    published(earlier)
    published(survey_round)
    published(survey_round, country="XK")
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html_of(survey_round))]
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels))


def test_every_table_has_a_caption_and_scoped_headers(survey_round: SurveyRound) -> None:
    published(survey_round)
    html = html_of(survey_round)
    tables = re.findall(r"<table[^>]*>(.*?)</table>", html, flags=re.S)
    assert tables
    for table in tables:
        assert "<caption>" in table
        assert "<th>" not in table
        assert all('scope="' in header for header in re.findall(r"<th[ >][^>]*>", table))


def test_every_picture_has_a_text_alternative(survey_round: SurveyRound) -> None:
    published(survey_round)
    images = re.findall(r"<img[^>]*>", html_of(survey_round))
    assert images
    assert all(re.search(r'alt="[^"]{10,}"', image) for image in images)


def test_a_round_without_published_answers_still_has_a_report(survey_round: SurveyRound) -> None:
    factories.survey_answer(survey_round, factories.programme("Draft Only Programme"), status=AnswerStatus.SUBMITTED)
    html = html_of(survey_round)
    assert "No programme of Albania has a published answer in this round yet." in html
    assert "Draft Only Programme" not in html


def test_recommendations_are_numbered_through_the_section(survey_round: SurveyRound) -> None:
    for _number in range(5):
        published(survey_round, partner_contact="no", follow_up="no")
    html = html_of(survey_round)
    section = html[html.index('id="recommendations"') : html.index('id="methodology"')]
    starts = [int(start) for start in re.findall(r'<ol class="recommendations" start="(\d+)">', section)]
    assert starts[0] == 1
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts) > 1


def test_a_country_with_very_many_programmes_is_counted_in_the_annex_not_listed(monkeypatch) -> None:
    from tandem.mapping.rules import report as rules_of_the_report

    monkeypatch.setattr(rules_of_the_report, "ANNEX_NAMES_PER_COUNTRY", 0)
    survey_round = factories.survey_round(countries=["AL"])
    factories.survey_answer(survey_round, factories.programme("Listed only by count"), status=AnswerStatus.PUBLISHED)
    html = render_report_html(build_report(survey_round=survey_round), language="en")
    assert "Listed only by count" not in html.split('id="annex-programmes"')[1]
    assert "1 programme answered; at this number they are not listed by name here." in html


def test_the_report_says_what_it_counts_as_functioning_and_gives_the_registry_beside_it(
    survey_round: SurveyRound,
) -> None:
    # The registry lists the programme as functioning; its published answer says it is on paper.
    made = factories.programme("Registry says functioning")
    factories.survey_answer(survey_round, made, status=AnswerStatus.PUBLISHED, programme_status="on_paper")
    html = html_of(survey_round)
    figures = html[html.index('class="key-figures"') : html.index("Main findings")]
    assert "Functioning programmes, as their published answers say</dt><dd>0</dd>" in figures
    assert "Functioning programmes in the registry today</dt><dd>1</dd>" in figures
    assert "The report counts what each programme said of itself in its answer to this round" in figures
