"""The organisation administrator's pages: members, roles and invitation links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core import actions
from tandem.core.forms import AccountForm, InvitationForm, RoleForm
from tandem.core.http import audit_context, signed_in_user
from tandem.core.queries import (
    access_administered_organisation,
    access_invitation_by_token,
    access_invitation_for_admin,
    access_membership,
    administered_organisations,
    members_of,
    open_invitations,
)
from tandem.core.roles import Action, Role


@login_required
@require_safe
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    organisations = administered_organisations(signed_in_user(request)).select_related("country")
    return render(request, "core/organisation_list.html", {"organisations": organisations})


def _detail(
    request: HttpRequest,
    organisation_id: int,
    *,
    invite_form: InvitationForm | None = None,
    status: int = 200,
    new_link: str = "",
) -> HttpResponse:
    organisation = access_administered_organisation(
        signed_in_user(request),
        organisation_id,
        context=audit_context(request),
        action=Action.VIEW if request.method in ("GET", "HEAD") else Action.CHANGE,
    )
    user = signed_in_user(request)
    members = [
        (m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}", organisation=organisation))
        for m in members_of(organisation, user)
    ]
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "invitations": open_invitations(organisation, user).select_related("created_by"),
            "invite_form": invite_form or InvitationForm(organisation=organisation),
            "new_link": new_link,
        },
        status=status,
    )


@login_required
@require_safe
def organisation_detail_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return _detail(request, organisation_id)


@login_required
@require_POST
def invitation_create_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    user = signed_in_user(request)
    organisation = access_administered_organisation(user, organisation_id, context=audit_context(request))
    form = InvitationForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return _detail(request, organisation_id, invite_form=form, status=422)
    try:
        _invitation, token = actions.invite_user(
            organisation=organisation,
            role=Role(form.cleaned_data["role"]),
            invitee_name=form.cleaned_data["invitee_name"],
            acting_user=user,
            context=audit_context(request),
        )
    except ValidationError as error:
        form.add_error("role", error)
        return _detail(request, organisation_id, invite_form=form, status=422)
    link = request.build_absolute_uri(reverse("core:invitation_accept", args=[token]))
    messages.success(
        request,
        _(
            "Invitation created. Give this link to the person in person or by a channel you trust; "
            "it is shown only once."
        ),
    )
    return _detail(request, organisation_id, new_link=link)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, organisation_id: int, invitation_id: int) -> HttpResponse:
    user = signed_in_user(request)
    invitation = access_invitation_for_admin(user, organisation_id, invitation_id, context=audit_context(request))
    actions.revoke_invitation(invitation=invitation, acting_user=user, context=audit_context(request))
    messages.success(request, _("The invitation has been withdrawn; its link no longer works."))
    return redirect("core:organisation_detail", organisation_id=organisation_id)


@login_required
@require_POST
def membership_role_view(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    user = signed_in_user(request)
    membership = access_membership(user, organisation_id, membership_id, context=audit_context(request))
    form = RoleForm(request.POST, prefix=f"m{membership.pk}", organisation=membership.organisation)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
        return redirect("core:organisation_detail", organisation_id=organisation_id)
    try:
        actions.change_role(
            membership=membership,
            role=Role(form.cleaned_data["role"]),
            acting_user=user,
            context=audit_context(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s now has the role: %(role)s.")
            % {
                "name": membership.user.get_full_name() or membership.user.get_username(),
                "role": Role(membership.role).label,
            },
        )
    return redirect("core:organisation_detail", organisation_id=organisation_id)


@login_required
@require_POST
def membership_remove_view(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    user = signed_in_user(request)
    membership = access_membership(user, organisation_id, membership_id, context=audit_context(request))
    try:
        actions.remove_member(membership=membership, acting_user=user, context=audit_context(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s no longer belongs to this organisation.")
            % {"name": membership.user.get_full_name() or membership.user.get_username()},
        )
    return redirect("core:organisation_detail", organisation_id=organisation_id)


@login_required
@require_POST
def membership_second_factor_reset_view(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    user = signed_in_user(request)
    membership = access_membership(user, organisation_id, membership_id, context=audit_context(request))
    name = membership.user.get_full_name() or membership.user.get_username()
    try:
        actions.reset_second_factor(membership=membership, acting_user=user, context=audit_context(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The authenticators of %(name)s are removed: a new one is set up at the next sign-in.") % {"name": name},
        )
    return redirect("core:organisation_detail", organisation_id=organisation_id)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding the link. A signed-in person joins with their account; anyone
    else creates one, then signs in (and sets up a second factor if the role needs it)."""
    invitation = access_invitation_by_token(token)
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                actions.accept_invitation(
                    invitation=invitation, acting_user=signed_in_user(request), context=audit_context(request)
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("core:home")
            messages.success(
                request, _("You have joined %(organisation)s.") % {"organisation": invitation.organisation.name}
            )
            return redirect("core:home")
        return render(request, "core/invitation_join.html", {"invitation": invitation})
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.join_with_new_account(
                invitation=invitation,
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=request.LANGUAGE_CODE,
                context=audit_context(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "core/invitation_accept.html", {"invitation": invitation, "form": form}, status=422)
        messages.success(request, _("Your account is ready. Sign in with your new user name and password."))
        return redirect("core:login")
    status = 422 if request.method == "POST" else 200
    return render(request, "core/invitation_accept.html", {"invitation": invitation, "form": form}, status=status)
