from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from tandem.core import audit
from tandem.core.scoping import requires_two_factor


class RequireTwoFactorMiddleware:
    """A signed-in user whose roles call for a second factor but whose session was not
    verified with one (for example, given such a role after signing in) is signed out and
    asked to sign in again with a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and requires_two_factor(user) and not user.is_verified():  # type: ignore[union-attr]
            audit.record("signin.second_factor_required", actor=user, request=request)  # type: ignore[arg-type]
            logout(request)
            messages.info(request, _("Your role now requires a second factor. Sign in again with your code."))
            return redirect("core:login")
        return self.get_response(request)
