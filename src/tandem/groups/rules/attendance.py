"""What a man's attendance at a session amounts to.

Five codes, as the programmes of the region record them. Two count towards his dosage: he was
there and took part (on time or late). A man who came but failed to comply (intoxicated, abusive
in the room, sent away) was not in the session's work, so it does not count, and neither does an
absence, whether the programme accepts the reason (illness, a court date) or not. Only an
unacceptable absence is a breach of the order the court or probation service set: case work's
report rules count those events, the others they never hear about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy


class Code(models.TextChoices):
    ATTENDED = "attended", pgettext_lazy("attendance", "Attended")
    LATE = "late", pgettext_lazy("attendance", "Late")
    FAILED_TO_COMPLY = "failed_to_comply", pgettext_lazy("attendance", "Attended but failed to comply")
    ACCEPTABLE_ABSENCE = "acceptable_absence", pgettext_lazy("attendance", "Acceptable absence")
    UNACCEPTABLE_ABSENCE = "unacceptable_absence", pgettext_lazy("attendance", "Unacceptable absence")


COUNTS_AS_ATTENDED = frozenset({Code.ATTENDED, Code.LATE})
ABSENT = frozenset({Code.ACCEPTABLE_ABSENCE, Code.UNACCEPTABLE_ABSENCE})


@dataclass(frozen=True)
class Tally:
    """A man's record across the sessions held since he joined: what the referrer reads."""

    held: int
    attended: int  # on time or late
    late: int
    failed_to_comply: int
    acceptable_absences: int
    unacceptable_absences: int


def tally(codes: Iterable[str]) -> Tally:
    found = list(codes)
    return Tally(
        held=len(found),
        attended=sum(code in COUNTS_AS_ATTENDED for code in found),
        late=found.count(Code.LATE),
        failed_to_comply=found.count(Code.FAILED_TO_COMPLY),
        acceptable_absences=found.count(Code.ACCEPTABLE_ABSENCE),
        unacceptable_absences=found.count(Code.UNACCEPTABLE_ABSENCE),
    )


@dataclass(frozen=True)
class Change:
    """What recording a man's code again means for the events of case work."""

    newly_unacceptable: bool  # an unacceptable absence that was not one before: emit it once
    newly_concerned: bool  # a concern for the partner that was not flagged before
    # An unacceptable absence corrected to another code: case work counts it no more.
    unacceptable_withdrawn: bool = False


def change(before: tuple[str, bool] | None, after: tuple[str, bool]) -> Change:
    """``before`` and ``after`` are (code, concern). A second submission of the same form, or a
    correction that keeps the code, raises nothing again: the events count breaches and concerns,
    not submissions."""
    old_code, old_concern = before if before is not None else ("", False)
    new_code, new_concern = after
    return Change(
        newly_unacceptable=new_code == Code.UNACCEPTABLE_ABSENCE and old_code != Code.UNACCEPTABLE_ABSENCE,
        newly_concerned=new_concern and not old_concern,
        unacceptable_withdrawn=old_code == Code.UNACCEPTABLE_ABSENCE and new_code != Code.UNACCEPTABLE_ABSENCE,
    )


def raises_events(code: str, concern: bool) -> bool:
    """Whether a man's mark is one others act on (an unacceptable absence, a concern)."""
    return code == Code.UNACCEPTABLE_ABSENCE or concern


def sessions_counted(attended_numbers: Mapping[int, str], made_up: Iterable[int]) -> frozenset[int]:
    """The curriculum's session numbers that count for his dosage: those of his group's sessions
    he attended, and those he made up in a catch-up."""
    return frozenset(number for number, code in attended_numbers.items() if code in COUNTS_AS_ATTENDED) | frozenset(
        made_up
    )
