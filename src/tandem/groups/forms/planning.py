"""Forms of group planning: the shape of the input only; the actions decide what is valid."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from tandem.groups.actions import MAX_TEXT
from tandem.groups.models import FacilitatorProfile, Intake
from tandem.groups.rules import curriculum as curricula
from tandem.groups.rules.nonassociation import NonAssociationKind


def set_choices(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


def facilitator_label(profile: FacilitatorProfile) -> str:
    return f"{profile} ({profile.get_gender_display()})"


class TeamField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return facilitator_label(obj)


class OverrideFields(forms.Form):
    override = forms.BooleanField(
        label=_("Go ahead without the co-facilitation rule"),
        required=False,
        help_text=_("Only when no mixed team can be found; the reason is kept and counts in the fidelity figures."),
    )
    override_reason = forms.CharField(
        label=_("Reason for going ahead"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GroupForm(OverrideFields):
    name = forms.CharField(label=_("Name of the group"), max_length=120)
    curriculum = forms.ChoiceField(label=_("Curriculum"))
    intake = forms.ChoiceField(label=_("Intake"), choices=Intake.choices, widget=forms.RadioSelect)
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    venue = forms.CharField(label=_("Venue"), max_length=200, help_text=_("Where the group meets: address and room."))
    weekday = forms.TypedChoiceField(label=_("Weekday"), coerce=int, choices=sorted(WEEKDAYS.items()))
    start_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    start_date = forms.DateField(
        label=_("First week"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first session is on the group's weekday in or after this week."),
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=20, initial=12)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    facilitators = TeamField(
        label=_("Facilitators"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two, among them at least one woman and one man."),
    )

    field_order = [
        "name",
        "curriculum",
        "intake",
        "programme",
        "venue",
        "weekday",
        "start_time",
        "start_date",
        "capacity",
        "language",
        "facilitators",
        "override",
        "override_reason",
    ]

    def __init__(self, *args: Any, team: Any, programmes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = team  # type: ignore[attr-defined]
        set_choices(
            self.fields["curriculum"],
            [(name, curricula.shipped_curriculum(name).text()) for name in curricula.curriculum_files()],
        )
        set_choices(self.fields["programme"], [("", _("None of the registered programmes")), *programmes])


class TeamForm(OverrideFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    facilitators = TeamField(
        label=_("Facilitators of this session"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "At least two, among them at least one woman and one man. Anyone outside the group's team is cover."
        ),
    )

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = team  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    day = forms.DateField(label=_("New day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))


class AllocateForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class NonAssociationForm(forms.Form):
    other_case = forms.TypedChoiceField(label=_("The other man"), coerce=int)
    kind = forms.ChoiceField(label=_("Why they must be kept apart"), choices=NonAssociationKind.choices)

    def __init__(self, *args: Any, others: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["other_case"], others)


class CatchUpForm(forms.Form):
    number = forms.TypedChoiceField(label=_("Session to make up"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    facilitator: forms.ModelChoiceField[FacilitatorProfile] = forms.ModelChoiceField(
        label=_("Facilitator"), queryset=None
    )

    def __init__(self, *args: Any, numbers: list[tuple[int, str]], team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["number"], numbers)
        self.fields["facilitator"].queryset = team  # type: ignore[attr-defined]
        self.fields["facilitator"].label_from_instance = facilitator_label  # type: ignore[attr-defined]


class CatchUpRecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    attended = forms.TypedChoiceField(
        label=_("Did he come?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("He came and made the session up")), ("no", _("He did not come"))],
        widget=forms.RadioSelect,
    )
