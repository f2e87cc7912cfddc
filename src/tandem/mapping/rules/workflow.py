"""The workflow of a survey answer: who may take which step from which status."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

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


def reviewer_refusal(*, oversees_programmes: bool, provides_in_country: bool) -> str | None:
    """Why a person may not review a country's answers, or None when she may. A reviewer
    works for a network or a government body; nobody reviews the answers of her own
    organisation's programmes."""
    if provides_in_country:
        return _(
            "This person works for an organisation that runs a programme in this country, "
            "so she would review its own answer."
        )
    if not oversees_programmes:
        return _(
            "Answers are reviewed by the analysts, auditors and administrators of a network, "
            "or by the viewers, auditors and administrators of a government body."
        )
    return None


def round_is_open(*, opens_on: date, closes_on: date, today: date) -> bool:
    return opens_on <= today <= closes_on
