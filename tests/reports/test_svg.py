"""Embedding a chart or map in a report page as an image."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

from tandem.reports.charts import Bar, bar_chart
from tandem.reports.maps import country_map
from tandem.reports.svg import as_image


class _Img(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "img"
        self.attributes = {name: value or "" for name, value in attrs}


def img_attributes(markup: str) -> dict[str, str]:
    parser = _Img()
    parser.feed(str(markup))
    return parser.attributes


def chart() -> str:
    return bar_chart([Bar("Albania", 40.0)], title="Safety procedure", description="Share per country.")


def test_an_embedded_chart_is_an_image_with_a_data_url_of_the_same_svg() -> None:
    attributes = img_attributes(as_image(chart()))
    prefix = "data:image/svg+xml;base64,"
    assert attributes["src"].startswith(prefix)
    assert base64.b64decode(attributes["src"][len(prefix) :]).decode() == str(chart())


def test_the_alternative_text_is_the_title_and_the_description() -> None:
    assert img_attributes(as_image(chart()))["alt"] == "Safety procedure Share per country."


def test_the_caller_may_give_its_own_alternative_text() -> None:
    assert img_attributes(as_image(chart(), alt='Shares "per" <country>'))["alt"] == 'Shares "per" <country>'


def test_the_image_keeps_the_class_and_the_natural_size_of_the_svg() -> None:
    attributes = img_attributes(as_image(country_map(["AL"], title="t", description="d")))
    assert attributes["class"] == "tandem-map"
    assert attributes["width"] == "640"
    assert int(attributes["height"]) > 0


def test_no_picture_uses_style_attributes_which_the_content_security_policy_blocks() -> None:
    for markup in (chart(), country_map(["AL", "XK"], title="t", description="d")):
        assert "style=" not in markup
        assert "style=" not in as_image(markup)
