"""The outcome report as a document: the figures as people read them (numbers in the active
language, a hidden figure said to be hidden), its charts drawn on the server, the HTML of the page
and of a file that stands alone, the PDF made from that HTML, and the JSON of the same numbers."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tandem.outcomes.charts import Interval, interval_chart
from tandem.outcomes.models import TimePoint
from tandem.outcomes.report import Cell, ChangeRow, Comparison, OutcomeReport, Rate, ResponseRow, ShareRow, Side
from tandem.reports.charts import Bar, Group, bar_chart, grouped_bar_chart
from tandem.reports.numbers import count_text, percent_text
from tandem.reports.pdf import find_static_file, html_to_pdf
from tandem.reports.svg import as_image

DOCUMENT = "outcomes/report/document.html"
STYLESHEETS = ("reports/report.css",)
NONE = "–"


def point_label(point: str) -> str:
    return str(TimePoint(point).label)


class Texts:
    """How each kind of figure reads, with the report's threshold."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    def hidden(self, cell: Cell) -> str:
        if cell.small:
            return _("fewer than %(threshold)d") % {"threshold": self.threshold}
        return _("not shown")

    def count(self, cell: Cell) -> str:
        if cell.suppressed:
            return self.hidden(cell)
        return count_text(int(cell.value)) if cell.value is not None else NONE

    def score(self, cell: Cell, *, signed: bool = False) -> str:
        if cell.suppressed:
            return self.hidden(cell)
        if cell.value is None:
            return NONE
        text = number_format(round(cell.value, 2), 2)
        return f"+{text}" if signed and cell.value > 0 else text

    def share(self, rate: Rate) -> str:
        if rate.suppressed:
            return self.hidden(rate.share)
        return percent_text(100 * rate.share.value) if rate.share.value is not None else NONE

    def interval(self, low: Cell, high: Cell, *, percent: bool = False) -> str:
        if low.suppressed or high.suppressed:
            return self.hidden(low)
        if low.value is None or high.value is None:
            return NONE
        if percent:
            shown = (percent_text(100 * low.value), percent_text(100 * high.value))
        else:
            shown = (number_format(round(low.value, 2), 2), number_format(round(high.value, 2), 2))
        return _("%(low)s to %(high)s") % {"low": shown[0], "high": shown[1]}


def _response(texts: Texts, row: ResponseRow) -> dict[str, str]:
    return {
        "point": point_label(row.point),
        "scheduled": texts.count(row.scheduled),
        "answered": texts.count(row.answered),
        "declined": texts.count(row.declined),
        "missed": texts.count(row.missed),
        "rate": texts.share(row.response),
        "rate_ci": texts.interval(row.response.low, row.response.high, percent=True),
        "attrition": texts.share(row.attrition),
        "attrition_ci": texts.interval(row.attrition.low, row.attrition.high, percent=True),
    }


def _change(texts: Texts, row: ChangeRow) -> dict[str, Any]:
    if row.improved is True:
        verdict = _("better")
    elif row.improved is False:
        verdict = _("worse")
    else:
        verdict = ""
    return {
        "title": row.title,
        "occurrence": row.occurrence,
        "better": _("lower is better") if row.better == "lower" else _("higher is better"),
        "n": texts.count(row.n),
        "before": texts.score(row.mean_before),
        "after": texts.score(row.mean_after),
        "change": texts.score(row.change, signed=True),
        "ci": texts.interval(row.ci_low, row.ci_high),
        "verdict": verdict,
    }


def _comparison(texts: Texts, comparison: Comparison) -> dict[str, Any]:
    return {
        "before": point_label(comparison.before),
        "after": point_label(comparison.after),
        "key": f"{comparison.before}-{comparison.after}",
        "rows": [_change(texts, row) for row in comparison.rows],
    }


def _share(texts: Texts, row: ShareRow) -> dict[str, str]:
    return {
        "point": point_label(row.point),
        "count": texts.count(row.count),
        "n": texts.count(row.n),
        "share": texts.share(row.rate),
        "ci": texts.interval(row.rate.low, row.rate.high, percent=True),
    }


def _note(texts: Texts, cell: Cell) -> str:
    return texts.hidden(cell) if cell.suppressed else _("nothing to count yet")


def _response_chart(texts: Texts, his: Side, hers: Side) -> SafeString:
    groups = []
    for mine, theirs in zip(his.responses, hers.responses, strict=True):
        values = [_hundred(row.response) for row in (mine, theirs)]
        notes = [
            "" if value is not None else _note(texts, row.response.share)
            for value, row in zip(values, (mine, theirs), strict=True)
        ]
        groups.append(Group(point_label(mine.point), values, notes=notes))
    return as_image(
        grouped_bar_chart(
            groups,
            series=[_("Men"), _("Partners")],
            title=_("Response rate by time point"),
            description=_(
                "For each time point, the share of the questionnaires due that were answered, by the men and by "
                "their partners."
            ),
            small_label=_("Not shown: too few people, or nothing due yet"),
        )
    )


def _hundred(rate: Rate) -> float | None:
    return 100 * rate.share.value if not rate.suppressed and rate.share.value is not None else None


def _change_chart(texts: Texts, comparison: Comparison, who: str) -> SafeString:
    rows = [
        Interval(
            row.title,
            row.change.value if not row.suppressed else None,
            row.ci_low.value if not row.suppressed else None,
            row.ci_high.value if not row.suppressed else None,
            note=_note(texts, row.change) if row.suppressed or row.change.value is None else "",
        )
        for row in comparison.rows
    ]
    return as_image(
        interval_chart(
            rows,
            title=_("%(who)s: change from %(before)s to %(after)s")
            % {"who": who, "before": point_label(comparison.before), "after": point_label(comparison.after)},
            description=_(
                "Mean change of the same people's scores on each sub-scale, with its %(level)s confidence interval."
            )
            % {"level": "95 %"},
            small_label=_("Not shown: too few people, or nobody to count yet"),
        )
    )


def _violence_chart(texts: Texts, rows: Sequence[ShareRow]) -> SafeString:
    return as_image(
        bar_chart(
            [
                Bar(
                    point_label(row.point),
                    _hundred(row.rate),
                    note="" if row.rate.share.value is not None else _note(texts, row.rate.share),
                )
                for row in rows
            ],
            title=_("Partners reporting no physical and no sexual violence"),
            description=_("For each time point, the share of the partners who answered that reported neither."),
            small_label=_("Not shown: too few partners, or nobody to count yet"),
        )
    )


def _side(texts: Texts, side: Side, who: str) -> dict[str, Any]:
    return {
        "responses": [_response(texts, row) for row in side.responses],
        "comparisons": [
            {**_comparison(texts, comparison), "chart": _change_chart(texts, comparison, who)}
            for comparison in side.comparisons
        ],
        "instruments": side.instruments,
    }


def report_context(report: OutcomeReport) -> dict[str, Any]:
    """What the templates show, in the active language."""
    texts = Texts(report.threshold)
    headline = report.headline
    return {
        "report": report,
        "organisation": report.organisation,
        "threshold": report.threshold,
        "his": _side(texts, report.his, _("Men")),
        "hers": _side(texts, report.hers, _("Partners")),
        "response_chart": _response_chart(texts, report.his, report.hers),
        "headline": {
            "violence_subscales": headline.violence_subscales,
            "violence_free": [_share(texts, row) for row in headline.violence_free],
            "violence_chart": _violence_chart(texts, headline.violence_free),
            "changes": [_comparison(texts, comparison) for comparison in headline.changes],
            "children_subscale": headline.children_subscale,
            "children": [_share(texts, row) for row in headline.children_no_longer_exposed],
        },
        "methodology": report.methodology,
    }


def _stylesheet_data_urls() -> list[str]:
    urls = []
    for name in STYLESHEETS:
        path = find_static_file(name)
        if path is not None:
            urls.append("data:text/css;base64," + base64.b64encode(path.read_bytes()).decode("ascii"))
    return urls


def render_document(report: OutcomeReport, *, language: str, standalone: bool = False) -> str:
    """The report as a complete HTML document in ``language``; ``standalone`` embeds its
    stylesheets, for a file read without Tandem."""
    with translation.override(language):
        context = report_context(report)
        context.update(
            {
                "language_code": translation.get_language(),
                "stylesheet_urls": _stylesheet_data_urls() if standalone else [],
            }
        )
        return render_to_string(DOCUMENT, context)


def render_pdf(report: OutcomeReport, *, language: str, base_url: str | None = None) -> bytes:
    """The report as PDF: the same HTML through WeasyPrint, fetching nothing but Tandem's static files."""
    return html_to_pdf(render_document(report, language=language), base_url=base_url)


def render_json(report: OutcomeReport, *, language: str) -> bytes:
    with translation.override(language):
        document = report.as_json()
        document["language"] = translation.get_language()
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def filename(report: OutcomeReport, extension: str) -> str:
    """Ids and months only: the provider's name would show in download lists and mail attachments."""
    period = f"{report.period.start:%Y-%m}-{report.period.end:%Y-%m}"
    made = timezone.localdate(report.generated_at).isoformat()
    return f"outcomes-{report.organisation.pk}-{period}-{made}.{extension}"
