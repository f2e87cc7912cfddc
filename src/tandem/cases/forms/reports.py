"""Forms of the reports to the referrer. Each form that changes a report carries the version
it was opened at, so that a form opened before someone else's change is refused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.cases.actions import MAX_TEXT
from tandem.cases.models import ReportKind


class ReportCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)


class ReportEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    assessment = forms.CharField(
        label=_("The programme's assessment"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What the programme says to the referrer about his participation, in its own words. "
            "Write nothing the partner told the programme or its survivor-support workers."
        ),
    )


class ReportSubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


SAFE_CHOICES = [("yes", _("Yes: send the report")), ("no", _("No: hold it back"))]


class ReportReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The safety signal the coordinator had in view (empty when there was none).
    signal_seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    safe = forms.ChoiceField(
        label=_("Is this disclosure safe for the partner?"), choices=SAFE_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note of the safety review"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you hold the report back: say why. The referrer never sees this note."),
    )
