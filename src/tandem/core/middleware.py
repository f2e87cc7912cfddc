from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from tandem.core import audit
from tandem.core.http import audit_context
from tandem.core.scoping import requires_two_factor


def _verified(user: object) -> bool:
    # django_otp's middleware gives the request's user an ``is_verified`` method.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


class RequireTwoFactorMiddleware:
    """A signed-in user whose roles call for a second factor but whose session was not
    verified with one (for example, given such a role after signing in) is signed out and
    asked to sign in again with a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and requires_two_factor(user) and not _verified(user):
            audit.record("signin.second_factor_required", actor=user, context=audit_context(request))
            logout(request)
            messages.info(request, _("Your role now requires a second factor. Sign in again with your code."))
            return redirect("core:login")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages seen while signed in, or half-way through signing in, are never kept by the
    browser or a proxy: a shared computer's back button must not show someone's data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith(("/signin/", "/invitations/")):
            add_never_cache_headers(response)
        return response
