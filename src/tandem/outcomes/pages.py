"""Outcome monitoring's pages in the header and on the home page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tandem.core.navigation import Page, register
from tandem.outcomes.queries.pool import reads_benchmarks, reads_pool_log
from tandem.outcomes.report_views import reads_outcome_reports

register(
    Page(
        key="outcome_report",
        label=_("Outcomes"),
        url_name="outcomes:report",
        description=_(
            "The programme's outcomes: response rates, change over time as the men and their partners report it, "
            "and the headline figures of safety, in totals over enough people to name nobody."
        ),
        shown_to=reads_outcome_reports,
        order=40,
    )
)
register(
    Page(
        key="outcome_benchmarks",
        label=_("Outcome benchmarks"),
        url_name="outcomes:benchmarks",
        description=_(
            "Programmes' outcomes beside the pool of the network, under pseudonyms and over enough people to name "
            "nobody; a provider records its data-sharing agreements and contributes from here."
        ),
        shown_to=reads_benchmarks,
        order=41,
    )
)
register(
    Page(
        key="outcome_pool_log",
        label=_("Outcome pool"),
        url_name="outcomes:pool_log",
        description=_("Every contribution to the pooled outcome data: who, when, under which agreement, and how much."),
        shown_to=reads_pool_log,
        order=42,
    )
)
