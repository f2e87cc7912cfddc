"""Pure rules of the survivor side: when her consent covers a contact, and what a refused
contact must say is missing. No database here: the actions pass what they read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import cyrtranslit
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class ConsentState(StrEnum):
    VALID = "valid"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Term:
    """One consent as the rules see it."""

    channel: str
    purpose: str
    starts_on: date
    expires_on: date
    withdrawn_on: date | None = None


def state_of(term: Term, today: date) -> ConsentState:
    """A withdrawal ends consent from its day; expiry from the day after ``expires_on``."""
    if term.withdrawn_on is not None and term.withdrawn_on <= today:
        return ConsentState.WITHDRAWN
    if today < term.starts_on:
        return ConsentState.NOT_YET
    if today > term.expires_on:
        return ConsentState.EXPIRED
    return ConsentState.VALID


def covers(terms: Iterable[Term], channel: str, purpose: str, today: date) -> bool:
    return any(
        t.channel == channel and t.purpose == purpose and state_of(t, today) == ConsentState.VALID for t in terms
    )


def refusal(terms: Iterable[Term], channel: str, purpose: str, today: date, *, names: dict[str, str]) -> str | None:
    """None when her consent covers the contact; else what is missing, in words that say what to
    record first. ``names`` gives the channel's and the purpose's names in the reader's language."""
    matching = sorted(
        (t for t in terms if t.channel == channel and t.purpose == purpose), key=lambda t: t.starts_on, reverse=True
    )
    if any(state_of(t, today) == ConsentState.VALID for t in matching):
        return None
    words = {"channel": names[channel], "purpose": names[purpose]}
    if not matching:
        return (
            _(
                "She has not consented to contact by %(channel)s for %(purpose)s. Record her consent first, "
                "or choose a channel and purpose she agreed to."
            )
            % words
        )
    latest = matching[0]
    state = state_of(latest, today)
    if state == ConsentState.WITHDRAWN:
        return _(
            "She withdrew her consent to contact by %(channel)s for %(purpose)s on %(day)s. Contact her "
            "that way only if she consents again."
        ) % {**words, "day": date_format(latest.withdrawn_on or today, "DATE_FORMAT")}
    if state == ConsentState.EXPIRED:
        return _(
            "Her consent to contact by %(channel)s for %(purpose)s expired on %(day)s. Ask her again and "
            "record the new consent first."
        ) % {**words, "day": date_format(latest.expires_on, "DATE_FORMAT")}
    return _("Her consent to contact by %(channel)s for %(purpose)s starts on %(day)s.") % {
        **words,
        "day": date_format(latest.starts_on, "DATE_FORMAT"),
    }


# --- Planning -------------------------------------------------------------------------------------

# A referral within this many days of an earlier one for the same partner is a repeat referral,
# as risk conferences count them.
REPEAT_WITHIN_DAYS = 365
# A safety override that puts information on the programme side without her consent says why.
OVERRIDE_REASON_MIN = 15


class Threshold(StrEnum):
    """What the risk asks of the programme about the multi-agency risk conference."""

    REFER = "refer"  # the threshold is met: refer, or record why not
    CONSIDER = "consider"  # not met by the level alone; the survivor side's serious signal weighs
    NONE = ""


def names_the_service(named: str, service_name: str) -> bool:
    """Whether the service her consent names is this one: the same name, whatever the case,
    spacing or script it was written in."""

    def plain(text: str) -> str:
        return " ".join(cyrtranslit.to_latin(text, "sr").casefold().split())

    return bool(named.strip()) and plain(named) == plain(service_name)


def conference_threshold(level: str, *, serious_signal: bool = False) -> Threshold:
    """A high risk meets the threshold; a medium one with a serious concern from her side asks
    the coordinator to consider a referral."""
    if level == "high":
        return Threshold.REFER
    if level == "medium" and serious_signal:
        return Threshold.CONSIDER
    return Threshold.NONE


def repeat_of(earlier: Iterable[tuple[int, date]], day: date) -> int | None:
    """The earlier referral (id, day) that makes one on ``day`` a repeat: the newest within
    ``REPEAT_WITHIN_DAYS`` before it, or None."""
    within = [(referred_on, pk) for pk, referred_on in earlier if 0 <= (day - referred_on).days <= REPEAT_WITHIN_DAYS]
    return max(within)[1] if within else None


def next_review(day: date, weeks: int) -> date:
    from datetime import timedelta

    return day + timedelta(weeks=weeks)


def sides_for(*, coordinator: bool, survivor_side: bool) -> tuple[str, ...]:
    """The sides someone may give an item of a joint review: a provider's coordinator any; the
    survivor side its own or both; nobody else writes items."""
    if coordinator:
        return ("programme", "survivor", "both")
    if survivor_side:
        return ("survivor", "both")
    return ()
