"""The workflow of a survey answer: who may take which step from which status."""

from __future__ import annotations

from datetime import date

# Who moves an answer from one status to the next. Authors are the provider's coordinators
# and administrators; reviewers are those assigned to the programme's country in the round,
# and the people who run the round.
AUTHOR, REVIEWER = "author", "reviewer"
# The steps of an answer's workflow.
SUBMIT, ACCEPT, RETURN, PUBLISH, WITHDRAW = "submit", "accept", "return", "publish", "withdraw"
TRANSITIONS: dict[str, dict[str, tuple[str, str]]] = {
    # event: {from status: (to status, who)}
    SUBMIT: {"draft": ("submitted", AUTHOR), "returned": ("submitted", AUTHOR)},
    ACCEPT: {"submitted": ("accepted", REVIEWER)},
    RETURN: {"submitted": ("returned", REVIEWER), "accepted": ("returned", REVIEWER)},
    PUBLISH: {"accepted": ("published", REVIEWER)},
    WITHDRAW: {"published": ("accepted", REVIEWER)},
}
EDITABLE_STATUSES = frozenset({"draft", "returned"})


def next_status(event: str, status: str, party: str) -> str | None:
    """The status an answer moves to, or None when ``party`` may not do ``event`` now."""
    step = TRANSITIONS.get(event, {}).get(status)
    if step is None or step[1] != party:
        return None
    return step[0]


def round_is_open(*, opens_on: date, closes_on: date, today: date) -> bool:
    return opens_on <= today <= closes_on
