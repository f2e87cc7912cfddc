"""Case work: the referral of a man to a programme, the man himself (recorded once per programme
provider), and his case through the programme (``rules/lifecycle.py``).

Everything here is personal data of the programme compartment: reached by the provider's
facilitators and coordinators, never by a survivor-support worker of another organisation, an
analyst, a government viewer or an auditor. A referrer reaches the referrals of her own agency,
and nothing of the case but what a later rule grants her explicitly (its state, attendance,
completion). The partner appears only as a yes/no that she is known: her details belong to the
survivor compartment.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.cases.rules.lifecycle import State
from tandem.core.crypto import EncryptedTextField
from tandem.core.models import Organisation
from tandem.core.policy import ScopedModel, organisations_with_role
from tandem.core.roles import Action, Compartment, Role


class ReferralRoute(models.TextChoices):
    COURT = "court", _("Court")
    PROBATION = "probation", _("Probation service")
    SOCIAL_WORK = "social_work", _("Centre for social work")
    POLICE = "police", _("Police")
    OTHER_SERVICE = "other_service", _("Another service")
    SELF = "self", _("Self-referral (entered by staff)")


class ReferralState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFORMATION = "more_information", _("More information asked for")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Participant(ScopedModel):
    """A man known to a programme provider, recorded once whatever the number of his
    referrals: before a new one is made, the people already known are matched against him
    (``rules/matching.py``) and the person making the record chooses or confirms."""

    compartment = Compartment.PROGRAMME

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = EncryptedTextField(pgettext_lazy("person", "name"))
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    identity_number = EncryptedTextField(_("identity number"), blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Referral(ScopedModel):
    """A request that a programme take a man on, with what the referrer knows; the programme
    accepts it (opening his case), rejects it with a reason, or asks for more."""

    compartment = Compartment.PROGRAMME

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("programme provider"), on_delete=models.PROTECT, related_name="+"
    )
    referring_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referring organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    route = models.CharField(_("referred by"), max_length=16, choices=ReferralRoute.choices)
    name = EncryptedTextField(pgettext_lazy("person", "name"))
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    identity_number = EncryptedTextField(_("identity number"), blank=True)
    reason = EncryptedTextField(_("reason for the referral"))
    incidents = EncryptedTextField(_("known incidents"), blank=True)
    partner_known = models.BooleanField(_("a partner or ex-partner is known"), default=False)
    children = EncryptedTextField(_("known children"), blank=True)
    legal_status = EncryptedTextField(_("legal status"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ReferralState.choices, default=ReferralState.SUBMITTED)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True)
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["organisation", "state"], name="referral_org_state")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        # A referrer sees what her agency sent, to follow its state; she changes nothing here.
        if action != Action.VIEW:
            return None
        return Q(referring_organisation_id__in=organisations_with_role(user, Role.REFERRER))


class Case(ScopedModel):
    """The man's way through one programme, from the accepted referral to closure."""

    compartment = Compartment.PROGRAMME

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("programme provider"), on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="cases"
    )
    referral = models.OneToOneField(
        Referral, verbose_name=_("referral"), null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REFERRED)
    version = models.PositiveIntegerField(_("version"), default=1)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["organisation", "state"], name="case_org_state")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class CaseStep(ScopedModel):
    """One move of a case (``rules/lifecycle.TRANSITIONS``): who made it, when, and why where a
    reason is needed. The case's timeline reads these."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="steps")
    event = models.CharField(_("step"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices)
    reason = EncryptedTextField(_("reason"), blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        ordering = ["taken_at", "pk"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")

    def __str__(self) -> str:
        return f"{self.case} {self.event}"
