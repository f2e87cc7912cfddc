"""Forms of outcome monitoring: the questionnaire as radio buttons in the language it is asked
in, every question with "Not answered" (nobody must answer what they do not want to), and the
closing of a point without answers. Plain HTML: it works on an old phone without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.core import clock
from tandem.core.catalogues import text_in
from tandem.outcomes.actions import MAX_NOTE
from tandem.outcomes.models import Mode, PointState
from tandem.outcomes.rules.instruments import Instrument, Item
from tandem.survivors.models import Channel

ANSWER_PREFIX = "answer_"
NOT_ANSWERED = ""


def answer_field_name(item_key: str) -> str:
    # Prefixed, so that an item can never take the name of another field.
    return f"{ANSWER_PREFIX}{item_key}"


class QuestionnaireForm(forms.Form):
    """The questions of one questionnaire; ``details`` adds the fields staff fill in."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, instrument: Instrument, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        for item in instrument.items:
            self.fields[answer_field_name(item.key)] = self._answer_field(item)

    def _answer_field(self, item: Item) -> forms.TypedChoiceField:
        return forms.TypedChoiceField(
            label=item.wording(self.language),
            choices=[
                *((str(option.value), option.text(self.language)) for option in item.scale.options),
                (NOT_ANSWERED, pgettext_lazy("questionnaire answer", "Not answered")),
            ],
            coerce=int,
            empty_value=None,
            required=False,
            initial=NOT_ANSWERED,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose one of the answers for this question, or “Not answered”.")},
        )

    @property
    def description(self) -> str:
        return text_in(self.instrument.description, self.language)

    @property
    def recall(self) -> str:
        return text_in(self.instrument.recall, self.language)

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The questions by sub-scale, titled in the questionnaire's language."""
        return [
            (subscale.text(self.language), [self[answer_field_name(item.key)] for item in subscale.items])
            for subscale in self.instrument.subscales
        ]

    def answers(self) -> dict[str, int | None]:
        return {item.key: self.cleaned_data.get(answer_field_name(item.key)) for item in self.instrument.items}

    def add_action_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            if key in self.fields:
                self.add_error(key, messages)
            else:
                self.add_error(None, messages)


class StaffAnswersForm(QuestionnaireForm):
    answered_on = forms.DateField(
        label=_("Answered on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the day the questionnaire was answered.")},
    )

    def __init__(self, *args: Any, modes: list[tuple[str, Any]], channels: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"] = forms.ChoiceField(
            label=_("How the questionnaire was answered"),
            choices=modes,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose how the questionnaire was answered.")},
        )
        if len(modes) == 1:
            self.fields["mode"].initial = modes[0][0]
        if channels:
            self.fields["channel"] = forms.ChoiceField(
                label=_("How she was reached"),
                choices=Channel.choices,
                widget=forms.RadioSelect,
                help_text=_("Only a channel she agreed to for outcome questionnaires."),
                error_messages={"required": _("Choose how she was reached.")},
            )
        self.fields["answered_on"].initial = clock.today()


def his_modes() -> list[tuple[str, Any]]:
    return [(Mode.SESSION.value, Mode.SESSION.label), (Mode.STAFF_FORM.value, Mode.STAFF_FORM.label)]


def her_modes() -> list[tuple[str, Any]]:
    return [(Mode.INTERVIEW.value, Mode.INTERVIEW.label)]


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    state = forms.ChoiceField(
        label=_("Why there are no answers"),
        choices=[
            (PointState.DECLINED.value, _("Declined to answer")),
            (PointState.MISSED.value, _("Could not be reached in time")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why there are no answers.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was tried, without what she or he said in confidence."),
    )
