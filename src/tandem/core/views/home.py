from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tandem.core import actions
from tandem.core.forms import LanguageForm
from tandem.core.http import set_language_cookie
from tandem.core.queries import memberships_of
from tandem.core.roles import Role

# What each role can do, in the words shown on its home page.
ROLE_ABILITIES: dict[Role, list[Promise]] = {
    Role.FACILITATOR: [
        _("Work on the cases of the men in your programme: intake, group sessions and attendance."),
        _("See the risk level and alerts of the men you work with."),
        _("You never see the contact details or the words of their partners."),
    ],
    Role.SURVIVOR_WORKER: [
        _("Offer contact and support to the partners and ex-partners of the men in the programme."),
        _("Keep her contact details, consents and safety plans in the protected survivor compartment."),
        _("Receive his attendance, dropout, risk level and new incidents as soon as they are recorded."),
    ],
    Role.COORDINATOR: [
        _("Allocate cases, supervise the team and decide on risk."),
        _("See both the programme and the survivor compartment of your organisation."),
        _("Sign off every report that leaves the organisation."),
    ],
    Role.ORG_ADMIN: [
        _("Invite people to your organisation and set their roles."),
        _("You see who works here, not case data, unless you are also a coordinator."),
    ],
    Role.REFERRER: [
        _("Refer men to a programme and follow whether they attend."),
        _("You see attendance status only, never risk details or anything about the partner."),
    ],
    Role.ANALYST: [
        _("Study programmes across organisations with aggregated, anonymised figures."),
        _("You never see a row about a person; small numbers are suppressed."),
    ],
    Role.GOV_VIEWER: [
        _("Follow the mapping of programmes and the indicators for your country."),
        _("You see aggregates only."),
    ],
    Role.AUDITOR: [
        _("Assess programmes against the standards, with evidence drawn from the case data."),
        _("You see evidence and sampled files, not open access to cases."),
    ],
}


@require_safe
def home_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    memberships = list(memberships_of(request.user))
    sections = [(m, Role(m.role).label, ROLE_ABILITIES[Role(m.role)]) for m in memberships]
    administers = any(m.role == Role.ORG_ADMIN for m in memberships)
    return render(request, "core/home.html", {"sections": sections, "administers": administers})


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Switch language with a plain form post, so that it works without JavaScript."""
    from django.utils.http import url_has_allowed_host_and_scheme

    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            actions.set_language(acting_user=request.user, language=language)
        set_language_cookie(response, language)
    return response


def healthz_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


login_required_home = login_required(home_view)
