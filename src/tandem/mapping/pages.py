"""The mapping's pages in the header and on the home page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tandem.core.navigation import Page, register
from tandem.mapping.queries.parties import takes_part_in_surveys

register(
    Page(
        key="survey_rounds",
        label=_("Survey rounds"),
        url_name="mapping:round_list",
        description=_(
            "Answer, review or run the mapping survey of programmes, and read its report; answers waiting "
            "for your review are listed first."
        ),
        shown_to=takes_part_in_surveys,
        order=30,
    )
)
register(
    Page(
        key="directory",
        label=_("Directory of programmes"),
        url_name="mapping:directory",
        description=_("Find the programmes that run today, by country and region."),
        shown_to=lambda user: True,
        order=60,
    )
)
