"""Case work's pages in the header and on the home page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.core.navigation import Page, register
from tandem.core.policy import organisations_granting, organisations_with_role
from tandem.core.roles import Action, Compartment, Role


def works_on_cases(user: Any) -> bool:
    return bool(organisations_granting(user, Compartment.PROGRAMME, Action.VIEW))


register(
    Page(
        key="cases",
        label=_("Cases"),
        url_name="cases:case_list",
        description=_("Follow each man's case from the accepted referral to closure, and take its next step."),
        shown_to=works_on_cases,
        order=20,
    )
)


def coordinates(user: Any) -> bool:
    return bool(organisations_with_role(user, Role.COORDINATOR))


register(
    Page(
        key="safety_overview",
        label=_("Safety overview"),
        url_name="cases:safety_overview",
        description=_("Open and overdue safety work, risk rises, the men waiting longest and reports awaiting review."),
        shown_to=coordinates,
        order=21,
    )
)


def refers(user: Any) -> bool:
    return bool(organisations_with_role(user, Role.REFERRER))


register(
    Page(
        key="referrals_sent",
        label=_("Referrals"),
        url_name="cases:referral_sent_list",
        description=_("Send a man to a programme, and follow whether he is accepted and how he is getting on."),
        shown_to=refers,
        order=18,
    )
)
register(
    Page(
        key="referral_inbox",
        label=_("Referrals to decide"),
        url_name="cases:referral_inbox",
        description=_(
            "The referrals to your programmes waiting for a decision, with the men already known who may be the same."
        ),
        shown_to=works_on_cases,
        order=19,
    )
)
