"""Forms of case work pages. Each carries the version of the record it changes, so that a
form opened before someone else's change is refused, not applied over it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.cases.actions import MAX_TEXT
from tandem.cases.rules.lifecycle import State


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for an exclusion, a dropout, a transfer or an unsuitable assessment."),
    )


# The longest search of the case list: a case number or a man's name, with room to spare.
SEARCH_LENGTH = 100


class CaseFilter(forms.Form):
    """The filters of the case list; a bad value is ignored with a message, never an error page.
    A search that is too long is said at its field, and finds nothing."""

    q = forms.CharField(
        label=_("Case number or name"),
        required=False,
        max_length=SEARCH_LENGTH,
        # What was typed is not kept in the browser's list of earlier entries, for the next
        # person at this computer to read.
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={"max_length": _("Search with at most %(limit_value)d characters.")},
    )
    state = forms.ChoiceField(
        label=pgettext_lazy("where a record stands", "State"),
        required=False,
        choices=[("", _("Every open case")), *State.choices, ("all", _("All"))],
    )
    flag = forms.ChoiceField(
        label=_("Needing attention"),
        required=False,
        choices=[
            ("", _("Any case")),
            ("open_work", _("With open work")),
            ("overdue_work", _("With overdue work")),
            ("risk_rise", _("Risk rose in the last seven days")),
            ("awaiting_review", _("A report awaits the safety review")),
        ],
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Newest first")), ("longest", _("Longest in its state first"))],
    )
