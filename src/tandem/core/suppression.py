"""Small numbers: a figure that leaves an organisation never shows a count so small that it
points at a few programmes or people.

There is one rule and one source for its threshold. The installation sets the floor
(``TANDEM_SMALL_NUMBER``, 5 unless configured); an organisation whose figures they are (the
network or ministry running a survey round, later the programme whose outcomes are pooled) may
raise it for its own figures, never lower it. A share over fewer than the threshold is
suppressed: its counts may be shown with a caution, never a percentage. Pooled outcome data
will add secondary suppression on top of this primary rule, so that totals cannot give a
suppressed cell away.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from tandem.core.models import Organisation


def installation_threshold() -> int:
    return int(settings.TANDEM_SMALL_NUMBER)


def threshold_for(organisation: Organisation | None) -> int:
    """The threshold for the figures of ``organisation``: the installation's, or higher if
    the organisation chose so."""
    own = organisation.suppression_threshold if organisation is not None else None
    return max(installation_threshold(), own or 0)


def too_few(count: int, threshold: int) -> bool:
    """Whether a count of answers (programmes, people) is too small to show a share of."""
    return 0 < count < threshold


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int
    percent: float | None  # None when suppressed or when nothing was counted
    suppressed: bool


def share(numerator: int, denominator: int, *, threshold: int) -> Share:
    """``numerator`` of ``denominator`` as a percentage, unless the denominator is too small."""
    suppressed = too_few(denominator, threshold)
    percent = 100.0 * numerator / denominator if denominator and not suppressed else None
    return Share(numerator, denominator, percent, suppressed)
