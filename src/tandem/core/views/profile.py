from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core import actions, audit
from tandem.core.forms import AddDeviceForm, LanguageForm
from tandem.core.http import audit_context, signed_in_user
from tandem.core.queries import access_own_device, own_devices, pending_device
from tandem.core.views.auth import START_ENROLMENT, enrolment_context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    password_form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and password_form.is_valid():
        password_form.save()
        update_session_auth_hash(request, user)
        audit.record("account.password_changed", actor=user, obj=user, context=audit_context(request))
        messages.success(request, _("Your password has been changed."))
        return redirect("core:profile")
    devices = own_devices(user)
    language_form = LanguageForm(initial={"language": user.language or request.LANGUAGE_CODE, "next": request.path})
    return render(
        request,
        "core/profile.html",
        {
            "password_form": password_form,
            "devices": devices,
            "language_form": language_form,
            "start": START_ENROLMENT,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def device_add_view(request: HttpRequest) -> HttpResponse:
    """Opening the page only reads: the new secret is made by the button that asks for it (a
    POST), with a fresh key each time, and the page then shows it until the code confirms it."""
    user = signed_in_user(request)
    if request.method == "POST" and START_ENROLMENT in request.POST:
        actions.start_totp_enrolment(acting_user=user)
        return redirect("core:device_add")
    device = pending_device(user)
    if device is None:
        return render(request, "core/device_add.html", enrolment_context(None, None))
    form = AddDeviceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        if actions.confirm_totp_device(
            device=device, token=form.cleaned_data["code"], acting_user=user, context=audit_context(request)
        ):
            messages.success(request, _("The authenticator app has been added."))
            return redirect("core:profile")
        form.add_error(
            "code", _("This code is not right. Scan the picture again and enter the code the app shows now.")
        )
    return render(request, "core/device_add.html", enrolment_context(device, form))


@login_required
@require_POST
def device_remove_view(request: HttpRequest, device_id: int) -> HttpResponse:
    user = signed_in_user(request)
    device = access_own_device(user, device_id, context=audit_context(request))
    try:
        actions.remove_totp_device(device=device, acting_user=user, context=audit_context(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The authenticator app has been removed."))
    return redirect("core:profile")
