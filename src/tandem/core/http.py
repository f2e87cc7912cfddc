"""Small helpers shared by the views of every app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from tandem.core.audit import AuditContext
from tandem.core.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind ``login_required``."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw.

    With N proxies, the N-th address from the right of X-Forwarded-For was written by the
    outermost of our proxies; anything further left was sent by the client and is not trusted.
    """
    count: int = settings.TANDEM_PROXY_COUNT
    if count > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count][:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def audit_context(request: HttpRequest) -> AuditContext:
    """What the audit log keeps of a request: the client's address and browser."""
    return AuditContext(ip=client_ip(request), user_agent=str(request.META.get("HTTP_USER_AGENT", "")))


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


def say_refusals_aloud(request: HttpRequest, *forms: Any) -> None:
    """Put the refusals of forms the page will not show (the record moved on, so the form is
    gone) into the page's messages, so that a refused step is never silent."""
    from django.contrib import messages

    for form in forms:
        if form is not None and form.is_bound:
            for error in form.non_field_errors():
                messages.error(request, error)
