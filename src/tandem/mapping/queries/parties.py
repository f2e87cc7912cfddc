"""Who takes part in survey rounds: the organisations that run them, the providers that answer,
and the reviewers."""

from __future__ import annotations

from typing import Any

from tandem.core.models import User
from tandem.core.roles import CAPACITIES, Capacity, OrganisationKind
from tandem.core.scoping import organisations_with
from tandem.mapping.models import (
    RoundReviewer,
)

# The kinds of organisation that run survey rounds (networks and government bodies).
ROUND_OWNER_KINDS: tuple[OrganisationKind, ...] = tuple(CAPACITIES[Capacity.RUN_SURVEYS])


def managing_organisations(user: User | Any) -> list[int]:
    """The organisations whose rounds ``user`` runs."""
    return organisations_with(user, Capacity.RUN_SURVEYS)


def authoring_organisations(user: User | Any) -> list[int]:
    """The providers for whose programmes ``user`` fills in answers."""
    return organisations_with(user, Capacity.ANSWER_SURVEYS)


def takes_part_in_surveys(user: User | Any) -> bool:
    """Whether the user has anything to do in survey rounds: runs them, answers for a
    programme, or reviews a country in one."""
    if managing_organisations(user) or authoring_organisations(user):
        return True
    return bool(getattr(user, "pk", None)) and RoundReviewer.objects.filter(user_id=user.pk).exists()
