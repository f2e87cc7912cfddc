"""The survivor side's part of the man's case page: the safety signals her worker sent, as the
programme side may see them (what each says, its level and its day; the topic not to raise in
group in her worker's words), the information her worker shared for risk management, and for a
coordinator the way to the partner's record and to the risk conference."""

from __future__ import annotations

from django.urls import reverse

from tandem.cases.models import Case
from tandem.cases.panels import Panel, register_panel
from tandem.core.models import User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.survivors.queries import signals_for_programme
from tandem.survivors.queries.planning import programme_side_items, shared_with_programme


def _signals(reader: User, case: Case) -> dict[str, object] | None:
    reaches = case.organisation_id in organisations_granting(reader, Compartment.SURVIVOR, Action.VIEW)
    return {
        "signals": signals_for_programme(case.partner_reference),
        # Crossed on purpose by her worker, with her consent or a recorded override; each reading audited.
        "shared": shared_with_programme(reader, case.partner_reference),
        "joint": programme_side_items(reader, case.partner_reference),
        "partner_url": reverse("survivors:for_case", kwargs={"case_id": case.pk}) if reaches else "",
        "conference_url": reverse("survivors:conference", kwargs={"case_id": case.pk}) if reaches else "",
    }


register_panel(Panel("survivor_signals", "survivors/_case_signals.html", _signals, order=11))
