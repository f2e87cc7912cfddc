"""Forms of the facilitators' pages and of a person's calendar address: the shape of the input
only; the actions decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.groups.actions import MAX_TEXT
from tandem.groups.models import FacilitatorNoteKind
from tandem.groups.rules.cofacilitation import Gender

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FacilitatorForm(forms.Form):
    # 0 when the form adds a new profile.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    gender = forms.ChoiceField(
        label=pgettext_lazy("facilitator", "Gender"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        help_text=_("The co-facilitation rule asks for a woman and a man in every team."),
    )
    trained_on = forms.DateField(
        label=_("Facilitator training completed on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty until the training is completed."),
    )
    certified_on = forms.DateField(
        label=_("Certified on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty until certification."),
    )
    active = forms.BooleanField(
        label=_("Runs groups"),
        required=False,
        help_text=_("Untick for someone who no longer runs groups: they are then not offered for new teams."),
    )


class NewFacilitatorForm(FacilitatorForm):
    person = forms.TypedChoiceField(
        label=_("Person"),
        coerce=int,
        help_text=_("The programme's facilitators and coordinators who have no facilitator profile yet."),
    )

    field_order = ["person", "gender", "trained_on", "certified_on", "active"]

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Choose a person")), *people]  # type: ignore[attr-defined]


class FacilitatorNoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilitatorNoteKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Note"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Only the programme's coordinators and the facilitator the note is about read it. "
            "A note cannot be changed later."
        ),
    )


class CalendarFeedForm(forms.Form):
    MAKE = "make"
    REVOKE = "revoke"

    action = forms.ChoiceField(choices=[(MAKE, MAKE), (REVOKE, REVOKE)], widget=forms.HiddenInput)
    profile = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args: Any, profile_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [(pk, str(pk)) for pk in profile_ids]  # type: ignore[attr-defined]
