"""Forms of her questionnaire link: the worker's choice of channel and language for a new link,
and her own answers on the page the link opens (the questionnaire's radio buttons, each question
with "I prefer not to say", nothing about who or where she is)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.outcomes.forms import NOT_ANSWERED, QuestionnaireForm
from tandem.outcomes.rules.instruments import Item


class LinkForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How the link will reach her"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the link will reach her.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the questionnaire"),
        error_messages={"required": _("Choose the language she will answer in.")},
    )

    def __init__(
        self, *args: Any, channels: list[tuple[str, str]], languages: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channels  # type: ignore[attr-defined]
        self.fields["language"].choices = languages  # type: ignore[attr-defined]
        if len(channels) == 1:
            self.fields["channel"].initial = channels[0][0]


class HerAnswersForm(QuestionnaireForm):
    """Her questionnaire as she answers it herself. Nothing is required: she may leave any
    question, but a page sent with nothing answered is most likely a slip of the finger."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The version guards staff against each other; her link is used once, which is guard enough.
        del self.fields["version"]

    def _answer_field(self, item: Item) -> forms.TypedChoiceField:
        field = super()._answer_field(item)
        field.choices = [
            *((str(option.value), option.text(self.language)) for option in item.scale.options),
            (NOT_ANSWERED, pgettext_lazy("questionnaire answer", "I prefer not to say")),
        ]
        field.error_messages["invalid_choice"] = _("Choose one of the answers, or “I prefer not to say”.")
        return field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(value is not None for value in self.answers().values()):
            raise forms.ValidationError(
                _("Answer at least one question before you send. If you would rather not answer, close this page.")
            )
        return cleaned
