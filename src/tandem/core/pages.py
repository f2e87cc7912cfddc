"""The core's own pages in the header and on the home page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.core.navigation import Page, register
from tandem.core.policy import is_active, organisations_with
from tandem.core.roles import Capacity

register(
    Page(
        key="work",
        label=_("Your work"),
        url_name="core:work_list",
        description=_("See what is yours, your team's or your role's to do, soonest due first."),
        shown_to=is_active,
        order=10,
    )
)


def _administers(user: Any) -> bool:
    return bool(organisations_with(user, Capacity.ADMINISTER))


register(
    Page(
        key="organisations",
        label=_("Members"),
        url_name="core:organisation_list",
        description=_("Invite people to your organisation, set their roles and remove them."),
        shown_to=_administers,
        order=80,
    )
)
