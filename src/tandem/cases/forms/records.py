"""Forms of a case's records: the shape of the input only; the actions decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tandem.cases import documents as storage
from tandem.cases.actions import MAX_TEXT
from tandem.cases.actions.documents import MAX_TITLE, too_large_message
from tandem.cases.actions.records import MAX_CHILD_AGE, MAX_LANGUAGE_NEEDS, MAX_REFERRAL_TO
from tandem.cases.models import Concern, Denial, LivesWith, Motivation, NoteCategory


class IntakeForm(forms.Form):
    # 0 when the form was opened before any assessment was recorded.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    motivation = forms.ChoiceField(label=_("Motivation"), choices=Motivation.choices, widget=forms.RadioSelect)
    denial = forms.ChoiceField(label=_("Denial and minimisation"), choices=Denial.choices, widget=forms.RadioSelect)
    substance_use = forms.ChoiceField(
        label=_("Alcohol and drug use"), choices=Concern.choices, widget=forms.RadioSelect
    )
    mental_health = forms.ChoiceField(label=_("Mental health"), choices=Concern.choices, widget=forms.RadioSelect)
    language_needs = forms.CharField(
        label=_("Language needs"),
        required=False,
        max_length=MAX_LANGUAGE_NEEDS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The language he can take part in, and whether an interpreter is needed."),
    )
    summary = forms.CharField(
        label=_("Summary of the assessment"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the coordinator needs to decide whether he is suitable for the programme."),
    )


class NoteForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=NoteCategory.choices)
    text = forms.CharField(
        label=_("Note"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A note cannot be changed later: to correct one, add another note."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on the case page among other panels' forms: its fields' ids are its own.
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class ChildForm(forms.Form):
    age = forms.IntegerField(label=_("Age in years"), min_value=0, max_value=MAX_CHILD_AGE)
    lives_with = forms.ChoiceField(label=_("Lives with"), choices=LivesWith.choices)
    child_protection = forms.BooleanField(label=_("Child protection services are involved"), required=False)
    safeguarding_referral_on = forms.DateField(
        label=_("Safeguarding referral made on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty if no safeguarding referral has been made."),
    )
    safeguarding_referral_to = forms.CharField(
        label=_("Safeguarding referral made to"), required=False, max_length=MAX_REFERRAL_TO
    )


class SafeguardingForm(forms.Form):
    safeguarding_referral_on = forms.DateField(
        label=_("Safeguarding referral made on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    safeguarding_referral_to = forms.CharField(
        label=_("Safeguarding referral made to"),
        max_length=MAX_REFERRAL_TO,
        help_text=_("The service the referral was made to, such as the centre for social work."),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    # An empty file is refused by the action, in its own words.
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,
        help_text=_("PDF, PNG, JPEG, plain text, DOCX or ODT."),
    )

    def __init__(self, *args: Any, cut_off: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The upload was stopped at the size limit, so the file never arrived whole.
        self.cut_off = cut_off
        self.content = b""

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = storage.max_bytes()
        # Refused by its announced size before a byte is read, and read with a cap in any case.
        if (upload.size or 0) > limit:
            raise forms.ValidationError(too_large_message())
        try:
            self.content = storage.read_capped(upload.chunks(), limit)
        except storage.TooLarge:
            raise forms.ValidationError(too_large_message()) from None
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.cut_off:
            self.errors.pop("file", None)
            self.add_error("file", too_large_message())
        return cleaned
