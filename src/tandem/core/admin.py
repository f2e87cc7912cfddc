"""The platform administrator's screens: organisations, accounts and site wording.

No model of personal data (a ``ScopedModel``) is ever registered here: the admin does not
go through the scoping policy (a test enforces this).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from tandem.core import audit
from tandem.core.actions import ensure_role_allowed, record_membership
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import AuditEntry, Membership, Organisation, SiteSettings, User
from tandem.core.queries import roles_by_membership
from tandem.core.roles import Role
from tandem.core.views.auth import logout_view


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # One sign-in for everybody, with its second factor and lockout.
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    if admin.site.has_permission(request):
        return redirect(target)
    if request.user.is_authenticated:
        # Signed in but not platform staff: the platform administration is not there for them.
        raise Http404
    return redirect_to_login(target)


def _logout(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    return logout_view(request)


def _password_change(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # One place to change one's own password, with its audit entry.
    return redirect("core:profile")


admin.site.login = _login  # type: ignore[method-assign]
admin.site.logout = _logout  # type: ignore[method-assign,assignment]
admin.site.password_change = _password_change  # type: ignore[method-assign,assignment]
admin.site.site_header = _("Tandem platform administration")
admin.site.site_title = _("Tandem platform administration")


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Platform-admin screens whose saves go to the audit log in the same transaction, as the
    same change made through Tandem's own pages would."""

    audit_noun = ""

    def audit_organisation(self, obj: Any) -> int | None:
        return None

    def audit_detail(self, obj: Any, form: Any) -> dict[str, Any]:
        return {"fields": sorted(set(form.changed_data) - {"password1", "password2"})}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                f"{self.audit_noun}.{'changed' if change else 'created'}",
                actor=signed_in_user(request),
                obj=obj,
                organisation=self.audit_organisation(obj),
                context=audit_context(request),
                detail=self.audit_detail(obj, form),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        """A deletion is on the record like any other change; what the database protects
        (answers of a round, a provider's programmes) is refused before this is reached."""
        with transaction.atomic():
            self._record_deleted(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._record_deleted(request, obj)
            super().delete_queryset(request, queryset)

    def _record_deleted(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            f"{self.audit_noun}.deleted",
            actor=signed_in_user(request),
            obj=obj,
            organisation=self.audit_organisation(obj),
            context=audit_context(request),
            detail={"name": str(obj)},
        )


class MembershipFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """Checks every member against the organisation as it will be saved: its new kind on the
    add page and after a change of kind, and everyone's roles elsewhere."""

    def clean(self) -> None:
        super().clean()
        organisation = self.instance
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            user, role = form.cleaned_data.get("user"), form.cleaned_data.get("role")
            if form.instance.pk is not None and "user" in form.changed_data:
                form.add_error("user", _("To give this place to someone else, remove this member and add the new one."))
                continue
            if user is not None and role:
                try:
                    ensure_role_allowed(user=user, organisation=organisation, role=Role(role))
                except ValidationError as error:
                    form.add_error("role", error)


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    """Organisations and their members. Every change is written to the audit log, as the
    same change made through Tandem's own pages would be."""

    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    audit_noun = "organisation"

    def audit_organisation(self, obj: Any) -> int | None:
        return int(obj.pk)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            before = roles_by_membership(form.instance)
            super().save_formset(request, form, formset, change)
            actor = signed_in_user(request)
            for membership in formset.new_objects:
                record_membership(
                    "created",
                    membership,
                    acting_user=actor,
                    context=audit_context(request),
                    detail={"role": membership.role},
                )
            for membership, _fields in formset.changed_objects:
                record_membership(
                    "role_changed",
                    membership,
                    acting_user=actor,
                    context=audit_context(request),
                    detail={"from": before.get(membership.pk, ""), "to": membership.role},
                )
            for membership in formset.deleted_objects:
                record_membership(
                    "removed",
                    membership,
                    acting_user=actor,
                    context=audit_context(request),
                    organisation=form.instance,
                    detail={"role": membership.role},
                )


@admin.register(User)
class TandemUserAdmin(AuditedAdmin, UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*UserAdmin.fieldsets, ("Tandem", {"fields": ["language"]}))  # type: ignore[misc]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit.record(
                "account.password_set",
                actor=signed_in_user(request),
                obj=User.objects.get(pk=id),
                context=audit_context(request),
            )
        return response

    # Staff and superuser flags are roles too; a new password is worth knowing about.
    audit_noun = "account"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """An account is closed by making it inactive, never deleted: what its person did stays
        attributed to her on the record and in the answers she wrote."""
        return False

    def audit_detail(self, obj: Any, form: Any) -> dict[str, Any]:
        return {"user": obj.get_username(), **super().audit_detail(obj, form)}


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin[SiteSettings]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["seq", "at", "actor_label", "action", "organisation_id", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
