"""Forms of the planning around her safety: the shape of the input only; the actions decide what
is valid. Choices that depend on her record (her consents, her cases, the services) are given by
the view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.survivors.actions import MAX_LINE, MAX_TEXT
from tandem.survivors.actions.planning import REVIEW_WEEKS
from tandem.survivors.forms import CASE_NUMBER_MAX, DATE, TEXT
from tandem.survivors.models import ActionStatus, ItemKind, ReviewReason, Side

ACTION_ROWS = 5


def _choice(label: Any, *, required: bool = True, help_text: Any = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, required=required, empty_value=None, help_text=help_text)


class ShareForm(forms.Form):
    service = _choice(_("Survivor support service"))
    consent = _choice(
        _("Her consent to sharing with a named service"),
        help_text=_("The service's workers read her record while this consent is valid; they never change it."),
    )


class SharedItemForm(forms.Form):
    link = _choice(_("For the man of case"), help_text=_("It is shown on his case alone."))
    text = forms.CharField(
        label=_("Information to share"),
        max_length=MAX_TEXT,
        widget=TEXT,
        help_text=_("In the words the man's programme staff may read: nothing that tells where she is."),
    )
    consent = _choice(_("Her consent to sharing for risk management"), required=False)
    override_reason = forms.CharField(
        label=_("Or: why her safety requires sharing without her consent"),
        max_length=MAX_TEXT,
        required=False,
        widget=TEXT,
        help_text=_("A safety override, on the audit log with its reason."),
    )


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    measures = forms.CharField(
        label=_("What keeps her safer"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What she and you agreed: safe places, people to call, what to do if he comes, the children."),
    )
    review_every = forms.IntegerField(
        label=_("Review every (weeks)"), min_value=REVIEW_WEEKS[0], max_value=REVIEW_WEEKS[1], initial=12
    )


class PlanReviewForm(PlanForm):
    reason = forms.ChoiceField(
        label=_("Why it is reviewed"),
        choices=[(value, label) for value, label in ReviewReason.choices if value != ReviewReason.MADE],
    )
    note = forms.CharField(label=_("What was found"), max_length=MAX_TEXT, required=False, widget=TEXT)
    field_order = ["reason", "note", "measures", "review_every"]


class JointReviewForm(forms.Form):
    case = forms.IntegerField(label=_("Case number"), min_value=1, max_value=CASE_NUMBER_MAX)
    service = _choice(_("Survivor support service"))
    held_on = forms.DateField(label=_("Held on"), widget=DATE)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    side = forms.ChoiceField(label=_("Who may read it"), choices=Side.choices)
    text = forms.CharField(label=_("Text"), max_length=MAX_TEXT, widget=TEXT)
    owner = forms.CharField(
        label=_("Owner"), max_length=MAX_LINE, required=False, help_text=_("For an action: a person or an agency.")
    )
    due_on = forms.DateField(label=_("Due by"), widget=DATE, required=False, help_text=_("For an action."))


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class ConferenceStatusForm(forms.Form):
    was = forms.ChoiceField(widget=forms.HiddenInput, choices=ActionStatus.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class ReferralForm(forms.Form):
    referred_on = forms.DateField(label=_("Referred on"), widget=DATE)
    reason = forms.CharField(label=_("Why the case is referred"), max_length=MAX_TEXT, widget=TEXT)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    agencies = forms.CharField(
        label=_("Agencies present"),
        max_length=MAX_TEXT,
        widget=TEXT,
        help_text=_("For example: police, centre for social work, health, the survivor service, the programme."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for row in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{row}"] = forms.CharField(
                label=_("Action %(number)s") % {"number": row}, max_length=MAX_TEXT, required=False
            )
            self.fields[f"owner_{row}"] = forms.CharField(label=_("Owner"), max_length=MAX_LINE, required=False)
            self.fields[f"due_{row}"] = forms.DateField(label=_("Due by"), widget=DATE, required=False)

    def actions(self) -> list[tuple[str, str, object]]:
        data = self.cleaned_data
        rows = []
        for row in range(1, ACTION_ROWS + 1):
            text, owner, due = data.get(f"action_{row}", ""), data.get(f"owner_{row}", ""), data.get(f"due_{row}")
            if text or owner or due:
                rows.append((text, owner, due))
        return rows
