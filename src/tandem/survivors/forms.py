"""Forms of the survivor side: the shape of the input only; the actions decide what is valid."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tandem.survivors.actions import MAX_LINE, MAX_TEXT
from tandem.survivors.models import Channel, ContactKind, ContactOutcome, Purpose, SignalKind, SignalLevel

CASE_NUMBER_MAX = 2**31 - 1
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class PartnerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    name = forms.CharField(label=_("Name"), max_length=MAX_LINE)
    phones = forms.CharField(label=_("Phone numbers"), max_length=MAX_LINE, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=MAX_LINE, required=False)
    address = forms.CharField(label=_("Address"), max_length=MAX_TEXT, required=False, widget=TEXT)
    whereabouts = forms.CharField(
        label=_("Whereabouts"),
        max_length=MAX_TEXT,
        required=False,
        widget=TEXT,
        help_text=_("Where she is staying now, if not at her address (a shelter, a relative)."),
    )
    safe_times = forms.CharField(label=_("Safe times to contact her"), max_length=MAX_TEXT, required=False)
    message_allowed = forms.BooleanField(label=_("A message may be left"), required=False)
    code_word = forms.CharField(label=_("Code word"), max_length=MAX_LINE, required=False)
    safe_intermediary = forms.CharField(label=_("Safe intermediary"), max_length=MAX_TEXT, required=False)
    safe_contact_notes = forms.CharField(
        label=_("Safe-contact notes"), max_length=MAX_TEXT, required=False, widget=TEXT
    )


class NewPartnerForm(PartnerForm):
    case = forms.IntegerField(
        label=_("Case number"),
        min_value=1,
        max_value=CASE_NUMBER_MAX,
        help_text=_("The number of the man's case she is the partner of, as the work item gives it."),
    )
    field_order = ["case"]


class LinkForm(forms.Form):
    case = forms.IntegerField(label=_("Case number"), min_value=1, max_value=CASE_NUMBER_MAX)


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    service = forms.CharField(
        label=_("Named service"),
        max_length=MAX_LINE,
        required=False,
        help_text=_("Only for sharing with a named service: which one."),
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    expires_on = forms.DateField(label=_("Until"), widget=DATE)


class WithdrawForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DATE)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Was she reached?"), choices=ContactKind.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    day = forms.DateField(label=_("Day"), widget=DATE)
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    first_offer = forms.BooleanField(
        label=_("Support was offered to her"),
        required=False,
        help_text=_("Before she has ever been reached, offering support needs no consent: it is how consent is asked."),
    )
    limitations_explained = forms.BooleanField(
        label=_("The programme's limits were explained to her"),
        required=False,
        help_text=_(
            "That his attendance does not mean she is safe, what will and will not be shared with her, and whom "
            "to call in an emergency."
        ),
    )
    sheet = forms.TypedChoiceField(
        label=_("Information sheet given"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("The version she was given or read when the limits were explained."),
    )
    note = forms.CharField(label=_("Note"), max_length=MAX_TEXT, required=False, widget=TEXT)


class SheetForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    text = forms.CharField(label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 14}))


class SignalForm(forms.Form):
    case = forms.TypedChoiceField(
        label=_("About the man of case"),
        coerce=int,
        help_text=_("The signal is shown on his case alone."),
    )
    kind = forms.ChoiceField(label=_("What the programme side is told"), choices=SignalKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=SignalLevel.choices)
    topic = forms.CharField(
        label=_("Topic not to raise in group"),
        max_length=MAX_LINE,
        required=False,
        help_text=_("Only for “do not raise a topic in group”: the facilitators read these words."),
    )
    summary = forms.CharField(
        label=_("For the coordinators only"),
        max_length=MAX_TEXT,
        required=False,
        widget=TEXT,
        help_text=_("Stays on her side: a coordinator reads it before a report about him leaves the programme."),
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you must see her record now"),
        max_length=MAX_TEXT,
        widget=TEXT,
        help_text=_("Her support workers and the organisation's administrators will read it."),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("What you found and what was done"), max_length=MAX_TEXT, widget=TEXT)
