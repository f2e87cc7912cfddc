"""Forms of the referral pages: what a referrer knows of the man, where she sends it, and the
programme's decision. The forms give the shape of the input and name the field of every
mistake; the rules of a referral are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _

from tandem.cases.actions import MAX_TEXT, ReferralDetails
from tandem.cases.models import Referral, ReferralRoute
from tandem.cases.queries.referrals import KnownMan
from tandem.core.models import Organisation

NAME_LENGTH = 200
IDENTITY_LENGTH = 64
YES, NO = "yes", "no"
NEW = "new"


def _text(label: Any, help_text: Any = "", *, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _date(label: Any, invalid: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": invalid},
    )


class ProviderChoiceField(forms.ModelChoiceField[Organisation]):
    """A programme provider, named with its country where it has one."""

    def label_from_instance(self, obj: Organisation) -> str:
        if obj.country is not None:
            return f"{obj.name} ({obj.country.display_name})"
        return obj.name


class ReferralDetailsForm(forms.Form):
    """What the referrer knows of the man. Only his name and the reason are required; of his
    partner only whether one is known (her details belong to the survivor-support side)."""

    name = forms.CharField(
        label=_("His full name"),
        max_length=NAME_LENGTH,
        error_messages={"required": _("Give the man's name.")},
    )
    birth_date = _date(_("Date of birth"), _("Enter his date of birth as a date."))
    identity_number = forms.CharField(
        label=_("Identity number"),
        required=False,
        max_length=IDENTITY_LENGTH,
        help_text=_("His personal identity number, if you know it: it tells him apart from men of the same name."),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why he is referred.")},
    )
    incidents = _text(_("Known incidents"), _("What happened and when, as far as you know."), rows=4)
    partner_known = forms.ChoiceField(
        label=_("Is a partner or ex-partner known?"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        widget=forms.RadioSelect,
        help_text=_("Only yes or no: the programme's survivor-support side contacts her, not this form."),
        error_messages={"required": _("Say whether a partner or ex-partner is known.")},
    )
    children = _text(
        _("Known children"), _("What you know of his or his partner's children: ages, who they live with.")
    )
    legal_status = _text(_("Legal status"), _("For example a court order, probation or proceedings under way."))
    deadline = _date(_("Deadline"), _("Enter the deadline as a date."))

    def details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            name=data["name"],
            reason=data["reason"],
            birth_date=data["birth_date"],
            identity_number=data["identity_number"],
            incidents=data["incidents"],
            partner_known=data["partner_known"] == YES,
            children=data["children"],
            legal_status=data["legal_status"],
            deadline=data["deadline"],
        )

    @staticmethod
    def initial_from(referral: Referral) -> dict[str, Any]:
        return {
            "name": referral.name,
            "birth_date": referral.birth_date,
            "identity_number": referral.identity_number,
            "reason": referral.reason,
            "incidents": referral.incidents,
            "partner_known": YES if referral.partner_known else NO,
            "children": referral.children,
            "legal_status": referral.legal_status,
            "deadline": referral.deadline,
            "version": referral.version,
        }


class SendReferralForm(ReferralDetailsForm):
    """A referrer's referral: from one of her agencies, to any programme provider."""

    field_order = ["agency", "provider"]

    def __init__(self, *args: Any, agencies: QuerySet[Organisation], providers: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agency"] = forms.ModelChoiceField(
            label=_("Sent by"),
            queryset=agencies,
            empty_label=None,
            error_messages={
                "required": _("Choose the agency the referral is sent from."),
                "invalid_choice": _("Choose one of your agencies."),
            },
        )
        self.fields["provider"] = ProviderChoiceField(
            label=_("Programme provider"),
            queryset=providers,
            help_text=_("The organisation that runs the programme he is referred to."),
            error_messages={
                "required": _("Choose the programme provider."),
                "invalid_choice": _("Choose one of the programme providers listed."),
            },
        )
        self.order_fields(self.field_order)


class EnterReferralForm(ReferralDetailsForm):
    """A referral the programme's staff enter themselves: a self-referral, or one from a service
    that does not use Tandem."""

    field_order = ["provider", "route"]

    def __init__(self, *args: Any, providers: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = ProviderChoiceField(
            label=_("Programme provider"),
            queryset=providers,
            empty_label=None,
            error_messages={"invalid_choice": _("Choose one of your programme providers.")},
        )
        self.fields["route"] = forms.ChoiceField(
            label=_("Referred by"),
            choices=ReferralRoute.choices,
            initial=ReferralRoute.SELF,
            error_messages={"required": _("Say who referred him."), "invalid_choice": _("Choose who referred him.")},
        )
        self.order_fields(self.field_order)


class ResubmitReferralForm(ReferralDetailsForm):
    """The referral completed after the programme asked for more; opened at a version, so that
    a form opened before someone else's change is refused, not applied over it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _known_man_label(man: KnownMan) -> str:
    participant = man.participant
    if participant.birth_date is None:
        return gettext("%(name)s (#%(number)s)") % {"name": participant.name, "number": participant.pk}
    return gettext("%(name)s (#%(number)s), born %(date)s") % {
        "name": participant.name,
        "number": participant.pk,
        "date": date_format(participant.birth_date, "SHORT_DATE_FORMAT"),
    }


class AcceptForm(forms.Form):
    """Accepting a referral: the coordinator chooses one of the men already known who may be
    the referred one, or confirms that he is new."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, known: list[KnownMan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(str(man.participant.pk), _known_man_label(man)) for man in known]
        choices.append((NEW, _("None of these: he is new to the programme")))
        self.fields["participant"] = forms.ChoiceField(
            label=_("Who is he?"),
            choices=choices,
            widget=forms.RadioSelect,
            # With no one alike, there is nothing to choose between; with someone, she chooses.
            initial=None if known else NEW,
            error_messages={
                "required": _("Choose the man already known, or confirm that he is new."),
                "invalid_choice": _("Choose one of the men listed, or confirm that he is new."),
            },
        )

    def chosen_participant_id(self) -> int | None:
        chosen: str = self.cleaned_data["participant"]
        return None if chosen == NEW else int(chosen)


class RejectForm(forms.Form):
    """Rejecting a referral, with the reason the referrer reads."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Why the referral is rejected"),
        help_text=_("The referrer reads this."),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason, for the referrer.")},
    )


class AskForm(forms.Form):
    """Asking the referrer for more information before deciding."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("What the programme needs to know"),
        help_text=_("The referrer reads this, completes the referral and sends it again."),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what more the programme needs to know.")},
    )
