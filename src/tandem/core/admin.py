"""The platform administrator's screens: organisations, accounts and site wording.

No model of personal data (a ``ScopedModel``) is ever registered here: the admin does not
go through the scoping policy (a test enforces this).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from tandem.core.models import AuditEntry, Membership, Organisation, SiteSettings, User


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # One sign-in for everybody, with its second factor and lockout.
    return redirect_to_login(request.get_full_path())


admin.site.login = _login  # type: ignore[method-assign]
admin.site.site_header = "Tandem platform administration"


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(User)
class TandemUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*UserAdmin.fieldsets, ("Tandem", {"fields": ["language"]}))  # type: ignore[misc]


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
