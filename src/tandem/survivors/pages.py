"""The survivor side's page in the header and on the home page: for the people who reach its
compartment (survivor-support workers, and coordinators, who hold both sides by design)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.core.navigation import Page, register
from tandem.core.policy import organisations_with_role
from tandem.core.roles import SURVIVOR_REACHING, Role


def reaches_survivor_side(user: Any) -> bool:
    return bool(organisations_with_role(user, *SURVIVOR_REACHING))


register(
    Page(
        key="partners",
        label=_("Partners"),
        url_name="survivors:partner_list",
        description=_(
            "The partners of the men in the programme: how to reach them safely, their consent, contact with "
            "them, the signals sent to the programme and the work for their safety."
        ),
        shown_to=reaches_survivor_side,
        order=30,
    )
)


def takes_part_in_joint_reviews(user: Any) -> bool:
    return bool(organisations_with_role(user, Role.COORDINATOR, Role.SURVIVOR_WORKER))


register(
    Page(
        key="joint_reviews",
        label=_("Joint reviews"),
        url_name="survivors:joint_list",
        description=_(
            "Joint case reviews with survivor support services: agenda, decisions and actions with their owners, "
            "each read by the side it names."
        ),
        shown_to=takes_part_in_joint_reviews,
        order=31,
    )
)
