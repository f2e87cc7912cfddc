from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.geo.models import Country, Region
from tandem.mapping.rules.questionnaire import Definition, Problem, Question, allowed_names, choice_text


class DirectoryFilterForm(forms.Form):
    """The directory's filter: a plain GET form that works without JavaScript."""

    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        empty_label=_("All countries"),
        to_field_name="code",
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(coverage_unit=True).select_related("country"),
        required=False,
        empty_label=_("All regions"),
        to_field_name="code",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].label_from_instance = lambda country: country.display_name  # type: ignore[attr-defined]
        self.fields["region"].label_from_instance = (  # type: ignore[attr-defined]
            lambda region: f"{region.name} ({region.country.display_name})"
        )


class AnswerForm(forms.Form):
    """A programme's answer, built from the questionnaire: one field per question, grouped
    by section. The programme question is fixed to the answer's programme and not shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        definition: Definition,
        choice_sets: Mapping[str, list[str]],
        region_names: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for question in definition.questions:
            if question.name == "programme":
                continue
            self.fields[question.name] = _field_for(definition, question, choice_sets, region_names)

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (section.text(), [self[q.name] for q in section.questions if q.name in self.fields])
            for section in self.definition.sections
        ]

    def values(self) -> dict[str, Any]:
        """The cleaned answers in the stored shape (blank answers left out)."""
        values: dict[str, Any] = {}
        for question in self.definition.questions:
            value: Any = self.cleaned_data.get(question.name)
            if value is None or value in ("", []):
                continue
            values[question.name] = list(value) if question.type == "select_multiple" else value
        return values

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            message = f"{problem.message} ({problem.allowed})" if problem.allowed else problem.message
            self.add_error(problem.question if problem.question in self.fields else None, message)


def _field_for(
    definition: Definition, question: Question, choice_sets: Mapping[str, list[str]], region_names: Mapping[str, str]
) -> forms.Field:
    label, hint = question.text(), question.hint_text()
    if question.type == "integer":
        return forms.IntegerField(
            label=label, help_text=hint, required=False, min_value=question.min, max_value=question.max
        )
    if question.type == "decimal":
        return forms.FloatField(label=label, help_text=hint, required=False)
    if question.type == "text":
        return forms.CharField(label=label, help_text=hint, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    names = allowed_names(definition, question, choice_sets)
    if question.choices == "regions":
        choices = [(name, region_names.get(name, name)) for name in names]
    else:
        choices = [(name, choice_text(definition, question, name)) for name in names]
    if question.type == "select_multiple":
        return forms.MultipleChoiceField(
            label=label, help_text=hint, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
        )
    return forms.ChoiceField(label=label, help_text=hint, required=False, choices=[("", "—"), *choices])


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comments for the programme"),
        help_text=_("Required when you return the answer: say what needs changing."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
