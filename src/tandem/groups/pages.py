"""Group work's pages in the header and on the home page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.cases.pages import works_on_cases
from tandem.core.navigation import Page, register
from tandem.groups import queries

register(
    Page(
        key="groups",
        label=_("Groups"),
        url_name="groups:group_list",
        description=_("Plan groups with a mixed team, place waiting men in them and record each session's attendance."),
        shown_to=works_on_cases,
        order=22,
    )
)
register(
    Page(
        key="group_facilitators",
        label=_("Facilitators"),
        url_name="groups:facilitator_list",
        description=_("The staff who run the groups: their training and certification, and notes from supervision."),
        shown_to=works_on_cases,
        order=23,
    )
)


def runs_groups(user: Any) -> bool:
    """A person with a facilitator profile, whose sessions her calendar can show. Only programme
    staff are asked, so that nobody else's pages read the database for it."""
    return works_on_cases(user) and queries.profiles_of_user(user).exists()


register(
    Page(
        key="my_calendar",
        label=_("My calendar"),
        url_name="groups:calendar",
        description=_("Subscribe your calendar app to the group sessions and catch-ups you run."),
        shown_to=runs_groups,
        order=26,
    )
)
