"""What the outcome reports of a programme have shown: every aggregate of one kind of score over
one group of people, whatever report, period or day showed it.

A report's figures are checked against each other (``tandem.outcomes.report``), but a reader can
ask for another period, or the same one a day later when one more partner has answered: two
figures over groups of people one apart give that one person's answers, though each report alone
is safe. So every figure shown is recorded here with the people it counts, and the next report
is checked against all of them. The ledger holds case and partner numbers and which scores were
aggregated over them; never a score, a name or an answer. Only the report reads and writes it.
"""

from __future__ import annotations

from django.db import models

from tandem.core.models import Organisation


class ShownFigure(models.Model):
    """An aggregate shown of one quantity over ``people`` (``sum``), or a change between two
    quantities shown without their means (``difference``)."""

    SUM, DIFFERENCE = "sum", "difference"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    respondent = models.CharField(max_length=16)  # man or partner
    kind = models.CharField(max_length=16, choices=[(SUM, SUM), (DIFFERENCE, DIFFERENCE)])
    first = models.CharField(max_length=100)  # "<sub-scale>@<time point>"
    second = models.CharField(max_length=100, blank=True)  # a difference's other quantity
    # The people, each as one number (``report_ledger.person_key``: the partner's or, for him, the
    # case's number and the case number), sorted and comma-separated; ``digest`` is its SHA-256
    # with the rest, to record it once.
    people = models.TextField()
    digest = models.CharField(max_length=64)
    shown_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "digest"], name="outcomes_shown_figure_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.first} {self.second}".strip()
