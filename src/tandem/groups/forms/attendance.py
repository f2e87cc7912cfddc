"""The form of a whole session's attendance: one set of fields per man expected there, named
by his place in the group (``m<id>_code``), never by his case or his name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.groups.actions import MAX_TEXT
from tandem.groups.actions.attendance import Mark
from tandem.groups.models import Attendance, Membership
from tandem.groups.rules.attendance import Code


class AttendanceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    submission = forms.UUIDField(widget=forms.HiddenInput)
    held = forms.TypedChoiceField(
        label=_("Did the session take place?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes, it took place")), ("no", _("No, it did not take place"))],
        widget=forms.RadioSelect,
        initial="yes",
    )

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            prefix = f"m{member.pk}"
            self.fields[f"{prefix}_code"] = forms.ChoiceField(
                label=_("Attendance"), choices=Code.choices, widget=forms.RadioSelect, required=False
            )
            self.fields[f"{prefix}_note"] = forms.CharField(
                label=_("Participation"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{prefix}_concern"] = forms.BooleanField(
                label=_("Concern for the partner's safety"), required=False
            )
            self.fields[f"{prefix}_concern_note"] = forms.CharField(
                label=_("What gives concern"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def initial_from(recorded: dict[int, Attendance]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for membership_id, row in recorded.items():
            prefix = f"m{membership_id}"
            initial.update(
                {
                    f"{prefix}_code": row.code,
                    f"{prefix}_note": row.note,
                    f"{prefix}_concern": row.concern,
                    f"{prefix}_concern_note": row.concern_note,
                }
            )
        return initial

    def rows(self) -> list[tuple[Membership, list[forms.BoundField]]]:
        """Each man with his four fields, in the order the page shows them."""
        return [
            (member, [self[f"m{member.pk}_{name}"] for name in ("code", "note", "concern", "concern_note")])
            for member in self.members
        ]

    def marks(self) -> list[Mark]:
        data = self.cleaned_data
        return [
            Mark(
                membership_id=member.pk,
                code=data.get(f"m{member.pk}_code") or "",
                note=data.get(f"m{member.pk}_note") or "",
                concern=bool(data.get(f"m{member.pk}_concern")),
                concern_note=data.get(f"m{member.pk}_concern_note") or "",
            )
            for member in self.members
        ]
