"""Mixed-gender co-facilitation: a session (or a group's planned team) is led by at least one
woman and one man, and by at least two facilitators.

Men's groups run by a woman and a man together let the men see a respectful working
relationship between the sexes, and give a woman's view of what they say in the room; the
programmes of the region adopted such teams, and standards ask for them. The rule is checked when
a group is planned and when cover is assigned. A coordinator may go ahead without it (illness,
no cover available) only by giving a reason; the decision then says "overridden", never "met",
so the fidelity figures count it against the co-facilitation rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from django.db import models
from django.utils.translation import gettext as _, ngettext, pgettext_lazy

DEFAULT_FACILITATORS_PER_SESSION = 2

MIXED_GENDER = "cofacilitation.woman_and_man"
TOO_FEW = "cofacilitation.too_few"
OVERRIDE_REASON = "cofacilitation.override_reason"


class Gender(models.TextChoices):
    WOMAN = "woman", pgettext_lazy("facilitator gender", "Woman")
    MAN = "man", pgettext_lazy("facilitator gender", "Man")
    # Neither satisfies the rule's "woman" nor its "man": the rule asks for both, and guessing
    # someone's gender to make a team pass would be wrong both ways.
    OTHER = "other", pgettext_lazy("facilitator gender", "Other or not stated")


@dataclass(frozen=True)
class Facilitator:
    person_id: int
    gender: Gender


@dataclass(frozen=True)
class Breach:
    rule: str  # a stable key that the fidelity figures and the tests count by
    message: str  # what would satisfy the rule, in words the planner can act on


@dataclass(frozen=True)
class Met:
    """The team satisfies the rule."""


@dataclass(frozen=True)
class Overridden:
    """The team breaks the rule and the planner went ahead with a reason; counted as a breach."""

    breaches: tuple[Breach, ...]
    reason: str


@dataclass(frozen=True)
class Refused:
    breaches: tuple[Breach, ...]


Decision: TypeAlias = Met | Overridden | Refused


def _gender_breach(has_woman: bool, has_man: bool) -> Breach | None:
    if has_woman and has_man:
        return None
    if has_man:
        message = _("Add a woman facilitator: each session needs at least one woman and one man.")
    elif has_woman:
        message = _("Add a man facilitator: each session needs at least one woman and one man.")
    else:
        message = _("Add a woman facilitator and a man facilitator: each session needs at least one woman and one man.")
    return Breach(rule=MIXED_GENDER, message=message)


def _count_breach(count: int, minimum: int) -> Breach | None:
    if count >= minimum:
        return None
    missing = minimum - count
    message = ngettext(
        "Add %(missing)d more facilitator: each session needs at least %(minimum)d.",
        "Add %(missing)d more facilitators: each session needs at least %(minimum)d.",
        missing,
    ) % {"missing": missing, "minimum": minimum}
    return Breach(rule=TOO_FEW, message=message)


def breaches(
    facilitators: Iterable[Facilitator], *, minimum: int = DEFAULT_FACILITATORS_PER_SESSION
) -> tuple[Breach, ...]:
    """Every part of the rule the team breaks, the count first; empty when the team is fine."""
    # The same person listed twice (a form submitted with a duplicate row) is one facilitator:
    # otherwise one man entered twice would pass the count.
    team = {facilitator.person_id: Gender(facilitator.gender) for facilitator in facilitators}
    found = (
        _count_breach(len(team), minimum),
        _gender_breach(Gender.WOMAN in team.values(), Gender.MAN in team.values()),
    )
    return tuple(breach for breach in found if breach is not None)


def check_cofacilitation(
    facilitators: Iterable[Facilitator],
    *,
    minimum: int = DEFAULT_FACILITATORS_PER_SESSION,
    override: bool = False,
    reason: str = "",
) -> Decision:
    """Whether a session's or a group's facilitators may be saved.

    ``override`` with a reason lets a team that breaks the rule through, reported as
    ``Overridden``; without a reason it is refused, with a message asking for one. An override
    of a team that breaks nothing is simply ``Met``: nothing was overridden, and counting it
    would make the fidelity figures look worse than the practice.
    """
    found = breaches(facilitators, minimum=minimum)
    if not found:
        return Met()
    if not override:
        return Refused(breaches=found)
    reason = reason.strip()
    if not reason:
        return Refused(
            breaches=(
                *found,
                Breach(
                    rule=OVERRIDE_REASON,
                    message=_("Give a reason for going ahead without the co-facilitation rule."),
                ),
            )
        )
    return Overridden(breaches=found, reason=reason)
