"""Forms of risk assessment: the instrument's questions as radio buttons in the reader's
language, and the review of an escalation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.risk.actions import MAX_NOTE, check_details
from tandem.risk.models import Occasion, Trigger
from tandem.risk.rules import Instrument, Item

ANSWER_PREFIX = "answer_"


def answer_field_name(item_key: str) -> str:
    # Prefixed, so that an item of an instrument can never take the name of another field.
    return f"{ANSWER_PREFIX}{item_key}"


class AssessmentForm(forms.Form):
    occasion = forms.ChoiceField(
        label=_("When is this assessment made?"),
        choices=Occasion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when the assessment is made.")},
    )
    trigger = forms.ChoiceField(
        label=_("The event that made it necessary"),
        choices=[("", _("Not after a trigger event")), *Trigger.choices],
        required=False,
        help_text=_("Only for an assessment after a trigger event."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the answers do not say: sources, doubts, your professional judgement."),
    )

    def __init__(self, *args: Any, instrument: Instrument, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        for item in instrument.items:
            self.fields[answer_field_name(item.key)] = self._answer_field(item)

    def _answer_field(self, item: Item) -> forms.ChoiceField:
        return forms.ChoiceField(
            label=item.wording(self.language),
            choices=[(option.value, option.text(self.language)) for option in item.options],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Answer this question. Choose “Not known” when it is not known."),
                "invalid_choice": _("Choose one of the answers for this question."),
            },
        )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The questions section by section, as the instrument orders them."""
        return [
            (section.text(self.language), [self[answer_field_name(item.key)] for item in section.items])
            for section in self.instrument.sections
        ]

    def answers(self) -> dict[str, str]:
        return {item.key: self.cleaned_data[answer_field_name(item.key)] for item in self.instrument.items}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "occasion" in cleaned:
            problems = check_details(
                occasion=cleaned["occasion"], trigger=cleaned.get("trigger") or "", note=cleaned.get("note") or ""
            )
            for field, message in problems.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    def add_action_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the action's refusals at the fields they name (an item key at its question)."""
        for key, messages in errors.items():
            if key in self.fields:
                self.add_error(key, messages)
            elif answer_field_name(key) in self.fields:
                self.add_error(answer_field_name(key), messages)
            else:
                self.add_error(None, messages)


class ReviewForm(forms.Form):
    marac_referral = forms.TypedChoiceField(
        label=_("Was the case referred to a multi-agency risk assessment conference (MARAC)?"),
        choices=[("yes", _("Yes, a referral was made")), ("no", _("No referral was made"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether a referral was made.")},
    )
    note = forms.CharField(
        label=_("What you decided and why"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Who you consulted, and what was done to keep the partner and the children safe. "
            "It is kept as a safety note of the case."
        ),
        error_messages={"required": _("Say what you decided and why.")},
    )
