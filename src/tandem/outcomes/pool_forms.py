"""The form of a data-sharing agreement, as its provider's administrator records it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.outcomes.pool_actions import MAX_REFERENCE, MAX_SCOPE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=MAX_REFERENCE,
        help_text=_("As written on the signed agreement."),
        error_messages={"required": _("Give the agreement's reference, as written on it.")},
    )
    signed_on = forms.DateField(
        label=_("Signed on"), widget=DATE, error_messages={"required": _("Give the day it was signed.")}
    )
    starts_on = forms.DateField(
        label=_("In force from"), widget=DATE, error_messages={"required": _("Give the day it comes into force.")}
    )
    ends_on = forms.DateField(
        label=_("In force until"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty for an agreement without an end date."),
    )
    scope = forms.CharField(
        label=_("Purpose and scope"),
        max_length=MAX_SCOPE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the pooled data may be used for, as the agreement says."),
        error_messages={"required": _("Say what the agreement allows the pooled data to be used for.")},
    )


class EndAgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
