from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.geo.models import Country, Region


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
