"""The form of a whole session's attendance: one set of fields per man expected there, named
by his place in the group (``m<id>_code``), never by his case or his name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy as _

from tandem.groups.actions import MAX_TEXT
from tandem.groups.actions.attendance import Mark
from tandem.groups.forms.attendance_rows import Labels, Row, draw
from tandem.groups.models import Attendance, Membership
from tandem.groups.rules.attendance import Code

# A plain list: Django normalises an enumeration's choices on every field made from it, and a
# session's form makes one per man.
CODE_CHOICES = list(Code.choices)


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
        if not self.is_bound:
            # A form being drawn takes its values from ``initial`` (see ``rows``); the men's
            # fields are needed only to clean what is sent.
            return
        for member in members:
            prefix = f"m{member.pk}"
            # Labels name the man's case: the summary of errors at the top of the page says whose.
            case = {"case": member.case_id}
            self.fields[f"{prefix}_code"] = forms.ChoiceField(
                label=_("Attendance, case #%(case)s") % case,
                choices=CODE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"{prefix}_note"] = forms.CharField(
                label=_("Participation, case #%(case)s") % case,
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{prefix}_concern"] = forms.BooleanField(
                label=_("Concern for the partner's safety, case #%(case)s") % case, required=False
            )
            self.fields[f"{prefix}_concern_note"] = forms.CharField(
                label=_("What gives concern, case #%(case)s") % case,
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        """What the action will ask, said at once with the fields' own errors: every man
        expected has a code, and a concern says what gives it."""
        cleaned = super().clean() or {}
        if not cleaned.get("held", True):
            return cleaned
        for member in self.members:
            prefix = f"m{member.pk}"
            if not cleaned.get(f"{prefix}_code") and not self.has_error(f"{prefix}_code"):
                self.add_error(f"{prefix}_code", gettext("Choose his attendance."))
            if (
                cleaned.get(f"{prefix}_concern")
                and not (cleaned.get(f"{prefix}_concern_note") or "").strip()
                and not self.has_error(f"{prefix}_concern_note")
            ):
                self.add_error(
                    f"{prefix}_concern_note", gettext("Say what gives concern, so that the coordinator can act on it.")
                )
        return cleaned

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

    def _value(self, name: str) -> Any:
        return self[name].value() if self.is_bound else self.initial.get(name)

    def rows(self) -> list[SafeString]:
        """Each man's fieldset, drawn with his values and errors, in the order of the group."""
        errors: dict[str, list[str]] = (
            {name: [str(error) for error in found] for name, found in self.errors.items()} if self.is_bound else {}
        )
        codes = [(str(value), str(label)) for value, label in CODE_CHOICES]
        labels = Labels.current()
        drawn = []
        for member in self.members:
            prefix = f"m{member.pk}"
            row = Row(
                member=member,
                prefix=prefix,
                code=str(self._value(f"{prefix}_code") or ""),
                note=str(self._value(f"{prefix}_note") or ""),
                concern=bool(self._value(f"{prefix}_concern")),
                concern_note=str(self._value(f"{prefix}_concern_note") or ""),
                code_errors=list(errors.get(f"{prefix}_code", [])),
                note_errors=list(errors.get(f"{prefix}_note", [])),
                concern_note_errors=list(errors.get(f"{prefix}_concern_note", [])),
            )
            drawn.append(draw(row, codes, labels, MAX_TEXT))
        return drawn

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
