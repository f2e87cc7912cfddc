"""Small helpers shared by the views of every app."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from tandem.core.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind ``login_required``."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def set_language_cookie(response: HttpResponseBase, language: str) -> None:
    """Remember the chosen language in the cookie that Django's LocaleMiddleware reads."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
