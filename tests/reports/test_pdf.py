"""PDF rendering: a real PDF, the report stylesheet applied, the region's scripts intact, and no network."""

from __future__ import annotations

import io
import logging
import socket
import urllib.request

import pytest
import weasyprint.urls
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tandem.reports.charts import Bar, bar_chart
from tandem.reports.pdf import DEFAULT_BASE_URL, RefusedURL, StaticOnlyFetcher, find_static_file, html_to_pdf
from tandem.reports.svg import as_image

STYLESHEET = '<link rel="stylesheet" href="/static/reports/report.css">'
MACEDONIAN = "Ќерка, ѓубре, ѕвезда, џеб, љубов, њива"
SERBIAN = "Ђорђе, ћерка, Љубљана, Њујорк, Џон"
ALBANIAN = "Ëndërr, çelës, Shkodër, Përmet"


def page(body: str, *, head: str = STYLESHEET, lang: str = "en") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Report</title>{head}</head>'
        f'<body><main class="report">{body}</main></body></html>'
    )


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in read(pdf).pages)


@pytest.fixture
def network_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every attempt to reach the network (WeasyPrint swallows exceptions from fetchers)."""
    calls: list[str] = []

    def record(name: str):
        def refuse(*args: object, **kwargs: object) -> None:
            calls.append(f"{name}{args[:2]!r}")
            raise OSError("no network in tests")

        return refuse

    monkeypatch.setattr(socket, "create_connection", record("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", record("getaddrinfo"))
    monkeypatch.setattr(socket.socket, "connect", record("socket.connect"))
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", record("OpenerDirector.open"))
    monkeypatch.setattr(weasyprint.urls.URLFetcher, "fetch", record("URLFetcher.fetch"))
    return calls


def test_html_becomes_a_real_pdf() -> None:
    pdf = html_to_pdf(page("<h1>Mapping report</h1><p>First page.</p>"))
    assert pdf.startswith(b"%PDF-")
    assert len(read(pdf).pages) == 1
    assert "Mapping report" in text_of(pdf)


def test_each_page_break_starts_a_new_page() -> None:
    pdf = html_to_pdf(page('<h1>One</h1><h2 class="new-page">Two</h2><h2 class="new-page">Three</h2>'))
    assert len(read(pdf).pages) == 3


def test_the_linked_report_stylesheet_numbers_the_pages_on_a4() -> None:
    pdf = html_to_pdf(page('<h1>One</h1><h2 class="new-page">Two</h2>'))
    assert "1 / 2" in read(pdf).pages[0].extract_text()
    assert "2 / 2" in read(pdf).pages[1].extract_text()
    width, height = (float(v) for v in read(pdf).pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)


def test_without_the_stylesheet_there_are_no_page_numbers() -> None:
    pdf = html_to_pdf(page('<h1>One</h1><h2 class="new-page">Two</h2>', head=""))
    assert "1 / 2" not in text_of(pdf)


def test_the_stylesheet_is_found_on_the_reports_own_address() -> None:
    pdf = html_to_pdf(
        page('<h1>One</h1><h2 class="new-page">Two</h2>'), base_url="https://tandem.example.org/mapping/report/"
    )
    assert "1 / 2" in text_of(pdf)


def test_macedonian_serbian_and_albanian_letters_survive_into_the_pdf() -> None:
    body = f'<p lang="mk">{MACEDONIAN}</p><p lang="sr">{SERBIAN}</p><p lang="sq">{ALBANIAN}</p>'
    text = text_of(html_to_pdf(page(body)))
    for line in (MACEDONIAN, SERBIAN, ALBANIAN):
        assert line in text


def test_every_font_in_the_pdf_is_dejavu_so_no_letter_falls_back_to_a_missing_glyph() -> None:
    body = f"<p>{MACEDONIAN}</p><p>{SERBIAN}</p><p>{ALBANIAN}</p><p><strong>{SERBIAN}</strong></p>"
    first = read(html_to_pdf(page(body))).pages[0]
    resources = first["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    font_dictionary = resources["/Font"].get_object()
    assert isinstance(font_dictionary, DictionaryObject)
    fonts = [str(font.get_object()["/BaseFont"]) for font in font_dictionary.values()]
    assert fonts
    assert all("DejaVu" in name for name in fonts), fonts


def test_a_chart_embedded_as_an_image_keeps_its_labels_as_text() -> None:
    chart = bar_chart(
        [Bar("Северна Македонија", 40.0), Bar("Shqipëria", None, note="3 of 4")], title="t", description="d"
    )
    text = text_of(html_to_pdf(page(f"<figure>{as_image(chart)}</figure>")))
    assert "Северна Македонија" in text
    assert "3 of 4" in text


def test_a_remote_image_is_refused_without_touching_the_network(
    network_calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tandem.reports.pdf"):
        pdf = html_to_pdf(page('<p>Before</p><img src="http://example.invalid/x.png" alt="remote"><p>After</p>'))
    assert pdf.startswith(b"%PDF-")
    assert "After" in text_of(pdf)
    assert network_calls == []
    refused = [r.getMessage() for r in caplog.records if r.name == "tandem.reports.pdf"]
    assert refused == [
        "A report referred to http://example.invalid/x.png, which is not one of Tandem's static files: refused."
    ]


def test_remote_stylesheets_fonts_and_svg_references_are_refused_without_the_network(
    network_calls: list[str],
) -> None:
    head = (
        STYLESHEET + '<link rel="stylesheet" href="https://styles.example.invalid/x.css">'
        '<link rel="stylesheet" href="ftp://example.invalid/y.css">'
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
        '<image href="https://example.invalid/z.png" width="10" height="10"/>'
        '<use xlink:href="https://example.invalid/sprite.svg#a"/></svg>'
    )
    pdf = html_to_pdf(page(f"<p>Text</p>{svg}", head=head), base_url="https://tandem.example.org/")
    assert pdf.startswith(b"%PDF-")
    assert network_calls == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/x.png",
        "https://example.invalid/static/reports/report.css",
        "ftp://example.invalid/x.css",
        "file:///etc/passwd",
        "https://tandem.invalid/static/../../../../etc/passwd",
        "https://tandem.invalid/static/reports/%2e%2e/%2e%2e/pdf.py",
        "https://tandem.invalid/not-static/reports/report.css",
        "https://tandem.invalid/static/reports/missing.css",
    ],
)
def test_the_fetcher_refuses_anything_but_data_and_tandems_static_files(url: str, network_calls: list[str]) -> None:
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher(DEFAULT_BASE_URL).fetch(url)
    assert network_calls == []


def test_the_fetcher_serves_a_static_file_on_the_reports_own_address() -> None:
    response = StaticOnlyFetcher("https://tandem.example.org/r/").fetch(
        "https://tandem.example.org/static/reports/report.css"
    )
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_the_fetcher_serves_a_file_url_inside_the_static_folders() -> None:
    path = find_static_file("reports/report.css")
    assert path is not None
    response = StaticOnlyFetcher(DEFAULT_BASE_URL).fetch(path.as_uri())
    assert b"@page" in response.read()


def test_the_fetcher_decodes_data_urls_in_memory(network_calls: list[str]) -> None:
    response = StaticOnlyFetcher(DEFAULT_BASE_URL).fetch("data:text/plain;base64,VGFuZGVt")
    assert response.read() == b"Tandem"
    assert response.content_type == "text/plain"
    assert network_calls == []
