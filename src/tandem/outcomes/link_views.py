"""Her support worker's pages for her questionnaire link: the form on her outcomes page, the
link shown once after it is made (Tandem does not send it: the worker does, through the channel
chosen), and the withdrawal of a link not yet used."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_POST

from tandem.core import clock
from tandem.core.http import audit_context
from tandem.core.models import User
from tandem.core.roles import Action
from tandem.outcomes import link_actions, queries
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.link_forms import LinkForm
from tandem.outcomes.models import PartnerPoint, PointState
from tandem.outcomes.queries import links as link_queries
from tandem.outcomes.rules.instruments import PARTNER, current_instrument
from tandem.survivors import queries as survivor_queries, rules as survivor_rules
from tandem.survivors.http import survivor_reader
from tandem.survivors.models import Channel, Partner, Purpose


def language_choices() -> list[tuple[str, str]]:
    """The languages her questionnaire is written in, by their names in the page's language."""
    names = {code.replace("-latn", "_Latn"): name for code, name in settings.LANGUAGES}
    return [(code, str(names.get(code, code))) for code in current_instrument(PARTNER).languages]


def _page_language() -> str:
    current = (get_language() or "en").replace("-latn", "_Latn")
    return current if current in current_instrument(PARTNER).languages else "en"


def _all_link_channels() -> list[tuple[str, str]]:
    return [(value, str(Channel(value).label)) for value in link_actions.LINK_CHANNELS]


def consented_link_channels(partner: Partner) -> list[tuple[str, str]]:
    """The channels that carry a link and that she agreed to for outcome questionnaires today."""
    terms = survivor_queries.consent_terms(partner)
    today = clock.today()
    return [
        (value, label)
        for value, label in _all_link_channels()
        if survivor_rules.covers(terms, value, Purpose.QUESTIONNAIRES, today)
    ]


def links_panel(user: User, partner: Partner, points: list[PartnerPoint]) -> dict[str, Any]:
    """What her outcomes page shows of links: the links sent, and a form for each point open
    today for those who may send one."""
    today = clock.today()
    due = [
        point
        for point in points
        if point.state == PointState.DUE
        and not hasattr(point, "response")
        and point.opens_on <= today <= point.closes_on
    ]
    may_send = bool(due) and queries.may_change(user, due[0])
    channels = consented_link_channels(partner) if may_send else []
    return {
        "links": link_queries.links_of_partner(partner),
        "links_now": clock.now(),
        "link_points": due if may_send else [],
        "link_form": LinkForm(channels=channels, languages=language_choices(), initial={"language": _page_language()}),
        "link_channels": channels,
    }


def _refused(request: HttpRequest, error: OutcomeRefused | ValidationError, partner_id: int) -> HttpResponse:
    for message in [error.message] if isinstance(error, OutcomeRefused) else error.messages:
        messages.error(request, message)
    return redirect("outcomes:partner_outcomes", partner_id=partner_id)


@login_required
@require_POST
def issue_link_view(request: HttpRequest, point_id: int) -> HttpResponse:
    context = audit_context(request)
    user = survivor_reader(request, context)
    point = queries.access_partner_point(user, point_id, action=Action.CHANGE, context=context)
    form = LinkForm(request.POST, channels=_all_link_channels(), languages=language_choices())
    if not form.is_valid():
        return _refused(request, ValidationError(form.errors), point.partner_id)
    try:
        link, token = link_actions.issue_link(
            point=point,
            channel=form.cleaned_data["channel"],
            language=form.cleaned_data["language"],
            acting_user=user,
            context=context,
        )
    except (OutcomeRefused, ValidationError) as refused:
        return _refused(request, refused, point.partner_id)
    return render(
        request,
        "outcomes/link_issued.html",
        {
            "point": point,
            "partner": point.partner,
            "link": link,
            "url": request.build_absolute_uri(reverse("respond:page", kwargs={"token": token})),
            "language_name": dict(language_choices()).get(link.language, link.language),
        },
    )


@login_required
@require_POST
def withdraw_link_view(request: HttpRequest, link_id: int) -> HttpResponse:
    context = audit_context(request)
    user = survivor_reader(request, context)
    link = link_queries.access_link(user, link_id, action=Action.CHANGE, context=context)
    partner_id = link.point.partner_id
    try:
        link_actions.withdraw_link(link=link, acting_user=user, context=context)
    except OutcomeRefused as refused:
        return _refused(request, refused, partner_id)
    messages.success(request, _("The link is withdrawn: it no longer works."))
    return redirect("outcomes:partner_outcomes", partner_id=partner_id)
