"""Registry entries in the platform administration (organisational facts, no personal data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin

from tandem.core.admin import AuditedAdmin
from tandem.mapping.models import DeliveryLocation, Funding, LegalBasis, Programme, ReferralRoute, TargetGroup


class ProgrammeForm(forms.ModelForm[Programme]):
    """Lists are picked from their choices, so that only known values are ever stored."""

    legal_bases = forms.MultipleChoiceField(choices=LegalBasis.choices, required=False)
    referral_routes = forms.MultipleChoiceField(choices=ReferralRoute.choices, required=False)
    target_groups = forms.MultipleChoiceField(choices=TargetGroup.choices, required=False)
    funding_sources = forms.MultipleChoiceField(choices=Funding.choices, required=False)
    languages = forms.MultipleChoiceField(choices=settings.LANGUAGES, required=False)

    class Meta:
        model = Programme
        fields = [
            "provider",
            "name",
            "country",
            "regions_served",
            "legal_bases",
            "referral_routes",
            "target_groups",
            "languages",
            "funding_sources",
            "format",
            "cost",
            "disability_access",
            "remote_delivery",
            "typical_weeks",
            "typical_sessions",
            "waiting_weeks",
            "status",
            "status_confirmed_on",
            "publish",
        ]


class DeliveryLocationInline(admin.TabularInline[DeliveryLocation, Programme]):
    model = DeliveryLocation
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    form = ProgrammeForm
    list_display = ["name", "provider", "country", "status", "status_confirmed_on", "publish"]
    list_filter = ["country", "status", "publish"]
    search_fields = ["name", "provider__name"]
    filter_horizontal = ["regions_served"]
    inlines = [DeliveryLocationInline]

    audit_noun = "programme"

    def audit_organisation(self, obj: Any) -> int | None:
        return int(obj.provider_id)
