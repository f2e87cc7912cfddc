"""Sign-in in two steps (password, then a code), enrolment of an authenticator, sign-out.

No session is signed in until every factor the user's roles require has been given: the
password step only remembers, for a few minutes, who is half-way through.
"""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login, match_token

from tandem.core import actions, audit
from tandem.core.forms import CodeForm, SignInForm
from tandem.core.http import audit_context, set_language_cookie
from tandem.core.models import AuthenticatorDevice, User
from tandem.core.queries import has_confirmed_device, own_devices, pending_device
from tandem.core.scoping import requires_two_factor

PENDING_KEY = "tandem_pending_signin"
PENDING_SECONDS = 300
# The name of the button that makes a new authenticator secret; opening a page never does.
START_ENROLMENT = "start"


def _set_pending(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "at": time.time(), "next": next_url}


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _finish_signin(
    request: HttpRequest, user: User, device: AuthenticatorDevice | None, next_url: str = ""
) -> HttpResponse:
    next_url = next_url or (request.session.get(PENDING_KEY) or {}).get("next") or ""
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    audit.record(
        "signin",
        actor=user,
        context=audit_context(request),
        detail={"second_factor": "totp" if device is not None else "none"},
    )
    response = redirect(next_url if _safe(request, next_url) else settings.LOGIN_REDIRECT_URL)
    if user.language:
        set_language_cookie(response, user.language)
    return response


def _safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        next_url = request.GET.get("next", "")
        return redirect(next_url if _safe(request, next_url) else "core:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            audit.record("signin.lockout", actor=None, actor_label=username[:150], context=audit_context(request))
            return lockout_response(request, None)
        if not isinstance(user, User):
            audit.record("signin.failed", actor=None, actor_label=username[:150], context=audit_context(request))
            form.add_error(None, _failed_message(request, username))
            return render(request, "core/login.html", {"form": form}, status=200)
        next_url = request.GET.get("next", "")
        has_device = has_confirmed_device(user)
        # Whoever has set up an authenticator is asked for it, whatever the role requires.
        if has_device or requires_two_factor(user):
            _set_pending(request, user, next_url)
            if has_device:
                return redirect("core:signin_code")
            # The secret to scan is made here, by the form's post: the page that shows it only reads.
            if pending_device(user) is None:
                actions.start_totp_enrolment(acting_user=user)
            return redirect("core:signin_enrol")
        return _finish_signin(request, user, None, next_url)
    return render(request, "core/login.html", {"form": form})


def _failed_message(request: HttpRequest, username: str) -> str:
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_failure_limit

    credentials = {"username": username}
    failures = AxesProxyHandler.get_failures(request, credentials)
    left = max(get_failure_limit(request, credentials) - failures, 0)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # Two sentences, each with its own plural, so that every language can agree both numbers.
    attempts = ngettext(
        "After %(left)d more failed attempt, the account will be locked.",
        "After %(left)d more failed attempts, the account will be locked.",
        left,
    ) % {"left": left}
    duration = ngettext(
        "The lock lasts %(minutes)d minute.",
        "The lock lasts %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return " ".join([_("The user name or the password is not right. Check both and try again."), attempts, duration])


def lockout_response(request: HttpRequest, credentials: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """The page shown once too many sign-ins failed (also called by django-axes)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "core/locked_out.html", {"minutes": minutes}, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
def signin_code_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Your sign-in has expired. Enter your user name and password again."))
        return redirect("core:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        throttled = _throttled(user)
        device = None if throttled else match_token(user, code)
        if device is None and settings.TANDEM_DEMO_OTP_TOKEN and code == settings.TANDEM_DEMO_OTP_TOKEN:
            device = own_devices(user).first()
        if isinstance(device, AuthenticatorDevice):
            return _finish_signin(request, user, device)
        audit.record(
            "signin.failed",
            actor=user,
            context=audit_context(request),
            detail={"step": "second_factor", "throttled": throttled},
        )
        if throttled:
            message = _("Too many wrong codes. Wait a minute, then enter the code that your authenticator app shows.")
        else:
            message = _(
                "This code is not right. Check that your phone's clock is correct and enter the code "
                "that your authenticator app shows now."
            )
        form.add_error("code", message)
    return render(request, "core/signin_code.html", {"form": form, "user_pending": user}, status=200)


def _throttled(user: User) -> bool:
    # django-otp slows down guessing by refusing even the right code for a growing delay.
    return any(not device.verify_is_allowed()[0] for device in own_devices(user))


def _qr_data_uri(device: AuthenticatorDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _secret_text(device: AuthenticatorDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrolment_context(device: AuthenticatorDevice | None, form: CodeForm | None) -> dict[str, Any]:
    """What the enrolment step shows: the secret to scan and the code form, or, with no secret
    made yet, the button that makes one."""
    if device is None:
        return {"device": None, "start": START_ENROLMENT}
    return {"form": form, "qr": _qr_data_uri(device), "secret": _secret_text(device), "device": device}


@require_http_methods(["GET", "HEAD", "POST"])
def signin_enrol_view(request: HttpRequest) -> HttpResponse:
    """First sign-in of someone whose role needs a second factor: set up the app, then enter."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Your sign-in has expired. Enter your user name and password again."))
        return redirect("core:login")
    if has_confirmed_device(user):
        # Someone who has an authenticator proves it here; enrolling another one at sign-in
        # would let a stolen password stand in for the second factor.
        return redirect("core:signin_code")
    if request.method == "POST" and START_ENROLMENT in request.POST:
        actions.start_totp_enrolment(acting_user=user)
        return redirect("core:signin_enrol")
    device = pending_device(user)
    if device is None:
        return render(request, "core/signin_enrol.html", enrolment_context(None, None))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.confirm_totp_device(
            device=device, token=form.cleaned_data["code"], acting_user=user, context=audit_context(request)
        ):
            return _finish_signin(request, user, device)
        form.add_error(
            "code", _("This code is not right. Scan the picture again and enter the code the app shows now.")
        )
    return render(request, "core/signin_enrol.html", enrolment_context(device, form))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record("signout", actor=request.user, context=audit_context(request))
    logout(request)
    messages.success(request, _("You have signed out."))
    response = redirect("core:login")
    # Whatever a page kept in this browser for the person (a draft of a session's attendance,
    # with a concern about a partner in it) must not wait there for the next person.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)


def permission_denied(request: HttpRequest, exception: PermissionDenied | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)
