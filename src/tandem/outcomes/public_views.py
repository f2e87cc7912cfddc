"""Her questionnaire page, opened from the link her support worker sent her.

Whoever holds the phone may see this page, so it says as little as it can: no name of hers, of
the man or of the programme, a neutral title, a quick exit at the top of every page, nothing
kept by the browser (no cookie, nothing cached, no address passed on to the next site). The
secret token in the address is the proof that the answers come from the link she was sent,
which is why the page needs no sign-in and no CSRF cookie. A link that does not work, for any
reason, gets the same page, and costs nothing to try: it is only read, never written.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tandem.outcomes import link_actions
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.link_forms import HerAnswersForm
from tandem.outcomes.queries import links as link_queries
from tandem.outcomes.rules.instruments import PARTNER, current_instrument

DEFAULT_QUICK_EXIT_URL = "https://www.wikipedia.org/"
# Not the site's 404 page: that one names Tandem. Unknown, used, withdrawn and expired links
# alike get this status, so that nobody learns which it was.
GONE_STATUS = 404


def quick_exit_url() -> str:
    return str(getattr(settings, "TANDEM_QUICK_EXIT_URL", "") or DEFAULT_QUICK_EXIT_URL)


def _django_language(code: str) -> str:
    """The questionnaire's language code as Django's (``sr_Latn`` is ``sr-latn``)."""
    return code.replace("_Latn", "-latn")


def _html_language(code: str) -> str:
    """The language as HTML names it (``sr_Latn`` and ``sr-latn`` are ``sr-Latn``)."""
    base, _sep, script = code.replace("_", "-").partition("-")
    return f"{base}-{script.title()}" if script else base


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, language: str, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        template,
        {**context, "html_language": _html_language(language), "exit_url": quick_exit_url()},
        status=status,
    )
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Language"] = _django_language(language)
    return response


def _gone(request: HttpRequest, language: str) -> HttpResponse:
    return _page(request, "outcomes/public/gone.html", {}, language=language, status=GONE_STATUS)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_view(request: HttpRequest, token: str) -> HttpResponse:
    # The browser's language for a link that does not work: the link's own would tell which it was.
    browser_language = get_language() or "en"
    link = link_queries.usable_link(token)
    if link is None:
        return _gone(request, browser_language)
    language = link.language
    instrument = current_instrument(PARTNER)
    with override(_django_language(language)):
        if request.method != "POST":
            form = HerAnswersForm(instrument=instrument, language=language)
            return _page(request, "outcomes/public/questionnaire.html", {"form": form}, language=language)
        try:
            posted = request.POST
        except (RequestDataTooBig, TooManyFieldsSent):
            # Not Django's error page, which names the site: her page, unchanged, and nothing used.
            form = HerAnswersForm(instrument=instrument, language=language)
            return _page(request, "outcomes/public/questionnaire.html", {"form": form}, language=language, status=400)
        form = HerAnswersForm(posted, instrument=instrument, language=language)
        if form.is_valid():
            try:
                link_actions.answer_through_link(token=token, answers=form.answers())
            except OutcomeRefused:
                with override(browser_language):
                    return _gone(request, browser_language)
            except ValidationError as invalid:
                form.add_action_errors(invalid.message_dict)
            else:
                return _page(request, "outcomes/public/thanks.html", {}, language=language)
        return _page(request, "outcomes/public/questionnaire.html", {"form": form}, language=language, status=422)
