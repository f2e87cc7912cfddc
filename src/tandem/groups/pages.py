"""Group work's pages in the header and on the home page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.cases.pages import coordinates, works_on_cases
from tandem.core.navigation import Page, register
from tandem.core.policy import organisations_with_role
from tandem.core.roles import Role

register(
    Page(
        key="groups",
        label=_("Groups"),
        url_name="groups:group_list",
        description=_(
            "The groups and their sessions, with each session's attendance; coordinators plan each group with a "
            "mixed team and place the men waiting."
        ),
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
    """Programme staff who may run sessions: facilitators and coordinators of a provider. Told by
    their roles alone, so that no page reads the database for the link; the calendar page says
    so when a person has no sessions to subscribe to."""
    return bool(organisations_with_role(user, Role.FACILITATOR, Role.COORDINATOR))


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


register(
    Page(
        key="group_fidelity",
        label=_("Fidelity of group work"),
        url_name="groups:fidelity",
        description=_(
            "Whether the groups ran as planned: sessions delivered, mixed teams, group size, dosage, "
            "completion and dropout, with charts, as a page, a PDF or a CSV."
        ),
        shown_to=coordinates,
        order=24,
    )
)
