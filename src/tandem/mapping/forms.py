from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _, ngettext

from tandem.core.tables import DEFAULT_LIMITS
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


# A text answer holds no more than an imported file's cell, so that an answer given on the web
# can be exported and imported again.
TEXT_MAX_CHARS = DEFAULT_LIMITS.max_cell_chars


def _fits_in_a_cell(value: str) -> None:
    if len(value) > TEXT_MAX_CHARS:
        raise ValidationError(
            ngettext(
                "This answer has %(count)s character; shorten it to %(limit)s at most.",
                "This answer has %(count)s characters; shorten it to %(limit)s at most.",
                len(value),
            )
            % {
                "count": number_format(len(value), force_grouping=True),
                "limit": number_format(TEXT_MAX_CHARS, force_grouping=True),
            },
            code="max_length",
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

    def required_to_submit(self) -> list[forms.BoundField]:
        """The questions that must be answered before the answer can be submitted for review;
        every other one may stay blank."""
        return [self[q.name] for q in self.definition.questions if q.required and q.name in self.fields]

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
        """Each problem beside its question. What is allowed (``Problem.allowed``) is written
        for a file's cells, in codes; the form offers the choices in words instead."""
        for problem in problems:
            self.add_error(problem.question if problem.question in self.fields else None, problem.message)


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
        return forms.CharField(
            label=label,
            help_text=hint,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            validators=[_fits_in_a_cell],
        )
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
