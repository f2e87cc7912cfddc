"""Registry entries in the platform administration (organisational facts, no personal data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction

from tandem.core.admin import AuditedAdmin
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import Organisation
from tandem.mapping.actions.rounds import assign_reviewer, remove_reviewer
from tandem.mapping.models import (
    DeliveryLocation,
    Funding,
    LegalBasis,
    Programme,
    Questionnaire,
    ReferralRoute,
    RoundReviewer,
    SurveyRound,
    TargetGroup,
)
from tandem.mapping.queries.parties import ROUND_OWNER_KINDS
from tandem.mapping.queries.rounds import get_reviewer, reviewer_refusal_for


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
            "code",
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


class RoundReviewerFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """Checks each new or changed reviewer by the rule the action applies, so that the page
    says what is wrong instead of failing on save."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not form.has_changed():
                continue
            user, country = data.get("user"), data.get("country")
            if user is not None and country is not None:
                refusal = reviewer_refusal_for(user, country)
                if refusal is not None:
                    form.add_error("user", refusal)


class RoundReviewerInline(admin.TabularInline[RoundReviewer, SurveyRound]):
    model = RoundReviewer
    formset = RoundReviewerFormSet
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(AuditedAdmin):
    """Rounds are set up here: questionnaire, countries, dates and the reviewers per country.
    Answers themselves are filled in, reviewed and published on Tandem's own pages."""

    list_display = ["name", "owner", "questionnaire", "opens_on", "closes_on"]
    filter_horizontal = ["countries"]
    inlines = [RoundReviewerInline]

    audit_noun = "mapping.round"

    def audit_organisation(self, obj: Any) -> int | None:
        return int(obj.owner_id)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "owner":
            kwargs["queryset"] = Organisation.objects.filter(kind__in=ROUND_OWNER_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """Reviewer assignments decide who sees unpublished answers: each goes through the
        actions that record it and hand waiting answers to the new reviewer (or take them
        back from a removed one). Changing a row is removing the old reviewer and adding the
        new one."""
        acting_user, context = signed_in_user(request), audit_context(request)
        survey_round = form.instance
        with transaction.atomic():
            formset.save(commit=False)
            for removed in formset.deleted_objects:
                remove_reviewer(reviewer=removed, acting_user=acting_user, context=context)
            for changed, _fields in formset.changed_objects:
                old = get_reviewer(changed.pk)
                if old is not None:
                    remove_reviewer(reviewer=old, acting_user=acting_user, context=context)
                assign_reviewer(
                    survey_round=survey_round,
                    country=changed.country,
                    user=changed.user,
                    acting_user=acting_user,
                    context=context,
                )
            for added in formset.new_objects:
                assign_reviewer(
                    survey_round=survey_round,
                    country=added.country,
                    user=added.user,
                    acting_user=acting_user,
                    context=context,
                )


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin[Questionnaire]):
    """Questionnaires ship with Tandem as files; here they can be read, not changed."""

    list_display = ["key", "version", "loaded_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
