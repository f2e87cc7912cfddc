from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tandem.core import actions
from tandem.core.forms import LanguageForm
from tandem.core.http import set_language_cookie
from tandem.core.navigation import pages_for
from tandem.core.queries import memberships_of
from tandem.core.roles import Role

# What each role reaches today, in the words shown on its home page. The pages themselves are
# listed from ``tandem.core.navigation``, so that the home page promises nothing that is not there.
ROLE_SCOPE: dict[Role, Promise] = {
    Role.FACILITATOR: _(
        "Your role reaches the programme compartment of your organisation: the men's cases, never "
        "their partners' contact details or words."
    ),
    Role.SURVIVOR_WORKER: _(
        "Your role reaches the survivor compartment of your organisation: partners' contact details, "
        "consents and safety plans, kept apart from the work with the men."
    ),
    Role.COORDINATOR: _(
        "Your role reaches both compartments of your organisation, and you answer the survey "
        "questions about its programmes."
    ),
    Role.ORG_ADMIN: _(
        "You decide who works in your organisation and in which role. You see no case data unless you "
        "are also a coordinator."
    ),
    Role.REFERRER: _("Your role refers men to programmes. It never reaches a partner's information."),
    Role.ANALYST: _(
        "Your role runs your organisation's survey rounds and reads figures summed across programmes, "
        "never a row about a person."
    ),
    Role.GOV_VIEWER: _(
        "Your role reaches no personal data. Where a survey round names you as a reviewer, you review "
        "the answers of your country."
    ),
    Role.AUDITOR: _(
        "Your role reaches no personal data. Where a survey round names you as a reviewer, you review "
        "the answers of your country."
    ),
}


@require_safe
def home_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    places = [(m, Role(m.role).label, ROLE_SCOPE[Role(m.role)]) for m in memberships_of(request.user)]
    return render(request, "core/home.html", {"places": places, "pages": pages_for(request.user)})


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


@require_safe
def favicon_view(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that do not name their icon (the platform
    administration's, a file's). The redirect is temporary: in production the icon's address
    changes with its content."""
    return redirect(static("tandem/favicon.svg"))


login_required_home = login_required(home_view)
