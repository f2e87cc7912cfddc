"""Case work's own parts of the case page: the steps of the case in its timeline, and the
survivor side's yes/no answers that the gates read."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from tandem.cases.models import Case
from tandem.cases.panels import Entry, Panel, register_panel, register_timeline
from tandem.cases.queries import get_steps, partner_facts
from tandem.cases.rules.lifecycle import TRANSITIONS, State
from tandem.core.models import User


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@register_timeline("steps")
def steps(reader: User, case: Case) -> Iterable[Entry]:
    # The case page is reached only through the programme compartment's scoping, and every
    # reader of the page may see its steps.
    yield Entry(case.opened_at, "step", _("Step"), _("The referral was accepted and the case opened."))
    for step in get_steps(case):
        transition = TRANSITIONS.get(step.event)
        title = str(transition.label) if transition else step.event
        yield Entry(
            step.taken_at,
            "step",
            _("Step"),
            f"{title}: {State(step.from_state).label} → {State(step.to_state).label}",
            text=step.reason,
            by=_name(step.taken_by),
        )


def _partner_panel(reader: User, case: Case) -> dict[str, object] | None:
    # Only yes, no or a date crosses from the survivor side: never what she said or where she is.
    facts = partner_facts(case)
    return {"facts": facts}


register_panel(Panel("partner", "cases/_panel_partner.html", _partner_panel, order=10))
# The other parts of case work register their panels and timeline rows as they are imported.
from tandem.cases import panels_records, panels_reports  # noqa: E402, F401
