"""The man's case from referral to closure, as a transition table.

    referred → assessment → waiting for a group → in programme
        → completed / excluded / dropped out / transferred → follow-up → closed

Each move is one business event (``TRANSITIONS``): the states it leaves from, the state it
leads to, the roles that may make it, the safety gates it must pass and the event it emits for
the other domains (the survivor side turns "dropped out" into "inform the partner"). The table is
data: the actions of case work take a move from it, and the tests read it.

The gates are questions about the case (``CaseFacts``), answered by the queries of case work and,
for what only the survivor side records, by the one function that side provides. A fact nobody
has recorded is False: a gate refuses when it does not know, it never passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.core.roles import Role


class State(models.TextChoices):
    REFERRED = "referred", pgettext_lazy("case state", "Referred")
    ASSESSMENT = "assessment", pgettext_lazy("case state", "Assessment")
    WAITING = "waiting", pgettext_lazy("case state", "Waiting for a group")
    IN_PROGRAMME = "in_programme", pgettext_lazy("case state", "In the programme")
    COMPLETED = "completed", pgettext_lazy("case state", "Completed")
    EXCLUDED = "excluded", pgettext_lazy("case state", "Excluded")
    DROPPED_OUT = "dropped_out", pgettext_lazy("case state", "Dropped out")
    TRANSFERRED = "transferred", pgettext_lazy("case state", "Transferred")
    FOLLOW_UP = "follow_up", pgettext_lazy("case state", "Follow-up")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")


ENDINGS = frozenset({State.COMPLETED, State.EXCLUDED, State.DROPPED_OUT, State.TRANSFERRED})


@dataclass(frozen=True)
class CaseFacts:
    """What the gates ask of a case; every fact is False until someone has recorded it."""

    risk_assessed: bool = False  # a completed risk assessment
    partner_contact_settled: bool = False  # contact offered to her, or why it is impossible (survivor side)
    limitations_explained: bool = False  # the programme's limits explained to her (survivor side)
    open_safety_work: bool = True  # safety work items still open (unknown counts as open)
    # A man placed in a group whose attendance does not meet his curriculum's rule for
    # completion (group work reads it); a man never placed in a group has none to fall short of.
    short_of_dosage: bool = False


@dataclass(frozen=True)
class Gate:
    key: str
    passes: Callable[[CaseFacts], bool]
    refusal: Promise  # why the move is refused, in words a coordinator can act on


RISK_ASSESSED = Gate(
    "risk_assessed",
    lambda facts: facts.risk_assessed,
    _("Complete a risk assessment first."),
)
PARTNER_CONTACT = Gate(
    "partner_contact",
    lambda facts: facts.partner_contact_settled,
    _(
        "The survivor-support worker has not yet recorded that contact was offered to the partner, "
        "or why contact is impossible."
    ),
)
LIMITATIONS_EXPLAINED = Gate(
    "limitations_explained",
    lambda facts: facts.limitations_explained,
    _("The survivor-support worker has not yet recorded that the programme's limits were explained to the partner."),
)
NO_OPEN_SAFETY_WORK = Gate(
    "no_open_safety_work",
    lambda facts: not facts.open_safety_work,
    _("Safety work on this case is still open: finish it before the case is closed."),
)

DOSAGE_MET = Gate(
    "dosage_met",
    lambda facts: not facts.short_of_dosage,
    _(
        "His attendance does not yet meet the curriculum's rule for completion: see the sessions and "
        "catch-ups still needed on his group's page."
    ),
)

# The people who hold the case: an organisation's administrator manages its members and
# reaches no personal data, so she neither moves a case nor decides on a referral.
MOVERS = frozenset({Role.COORDINATOR})


@dataclass(frozen=True)
class Transition:
    event: str
    sources: frozenset[State]
    target: State
    label: Promise
    gates: tuple[Gate, ...] = ()
    roles: frozenset[Role] = MOVERS
    emits: str = ""  # the kind of the event written with the move ("" for none)
    needs_reason: bool = False


def _move(
    event: str,
    sources: set[State],
    target: State,
    label: Promise,
    *,
    gates: tuple[Gate, ...] = (),
    emits: str = "",
    needs_reason: bool = False,
) -> tuple[str, Transition]:
    return event, Transition(event, frozenset(sources), target, label, gates, MOVERS, emits, needs_reason)


TRANSITIONS: Mapping[str, Transition] = dict(
    [
        _move("start_assessment", {State.REFERRED}, State.ASSESSMENT, _("Start the assessment")),
        _move("assess_suitable", {State.ASSESSMENT}, State.WAITING, _("Suitable: wait for a group")),
        _move(
            "assess_unsuitable",
            {State.ASSESSMENT},
            State.CLOSED,
            _("Not suitable: close the case"),
            emits="case.not_suitable",
            needs_reason=True,
        ),
        _move(
            "start_programme",
            {State.WAITING},
            State.IN_PROGRAMME,
            _("Start in a group"),
            gates=(RISK_ASSESSED, PARTNER_CONTACT, LIMITATIONS_EXPLAINED),
            emits="case.started",
        ),
        _move(
            "complete",
            {State.IN_PROGRAMME},
            State.COMPLETED,
            _("Record the completion"),
            gates=(DOSAGE_MET,),
            emits="case.completed",
        ),
        _move(
            "exclude",
            {State.WAITING, State.IN_PROGRAMME},
            State.EXCLUDED,
            _("Exclude from the programme"),
            emits="case.excluded",
            needs_reason=True,
        ),
        _move(
            "drop_out",
            {State.IN_PROGRAMME},
            State.DROPPED_OUT,
            _("Record the dropout"),
            emits="case.dropped_out",
            needs_reason=True,
        ),
        _move(
            "transfer",
            {State.ASSESSMENT, State.WAITING, State.IN_PROGRAMME},
            State.TRANSFERRED,
            _("Transfer to another programme"),
            emits="case.transferred",
            needs_reason=True,
        ),
        _move("begin_follow_up", set(ENDINGS), State.FOLLOW_UP, _("Begin the follow-up")),
        _move(
            "close",
            set(ENDINGS) | {State.FOLLOW_UP},
            State.CLOSED,
            _("Close the case"),
            gates=(NO_OPEN_SAFETY_WORK,),
        ),
    ]
)


@dataclass(frozen=True)
class Refusal:
    """Why a move cannot be made now; ``gate`` names the safety gate when one refused."""

    message: str
    gate: str = ""


def refusal(event: str, state: State | str, roles: set[Role] | frozenset[Role], facts: CaseFacts) -> Refusal | None:
    """None when ``event`` may move a case in ``state`` for someone with ``roles`` given
    ``facts``; else the first reason it may not, in the active language."""
    transition = TRANSITIONS.get(event)
    if transition is None:
        return Refusal(str(_("There is no such step for a case.")))
    if not roles & transition.roles:
        return Refusal(str(_("Only the programme's coordinators move a case.")))
    if State(state) not in transition.sources:
        return Refusal(str(_("A case that is “%(state)s” cannot take this step.") % {"state": State(state).label}))
    for gate in transition.gates:
        if not gate.passes(facts):
            return Refusal(str(gate.refusal), gate.key)
    return None


def next_steps(state: State | str, roles: set[Role] | frozenset[Role]) -> list[Transition]:
    """The moves open from ``state`` to someone with ``roles`` (gates are checked when made)."""
    return [t for t in TRANSITIONS.values() if State(state) in t.sources and roles & t.roles]
