"""The survivor compartment, as far as case work needs it today: what the survivor side has
recorded about contact with the partner, and its safety signals.

Everything here is reached only by the roles that ``core.roles.ROLE_ACCESS`` grants on the
survivor compartment (survivor-support workers, and the provider's coordinators who hold
both sides by design). Case work never reads these rows: it asks ``queries.partner_facts``,
which answers only yes, no or a date, never a word she said or where she lives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.crypto import EncryptedTextField
from tandem.core.models import Organisation
from tandem.core.policy import ScopedModel
from tandem.core.roles import Compartment


class PartnerContact(ScopedModel):
    """Contact with the partner or ex-partner of a man in a programme, keyed by the opaque
    reference his case holds (``cases.Case.partner_reference``)."""

    compartment = Compartment.SURVIVOR

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.UUIDField(_("partner reference"), unique=True)
    contact_offered_on = models.DateField(_("contact offered on"), null=True, blank=True)
    contact_impossible_because = EncryptedTextField(_("why contact is impossible"), blank=True)
    limitations_explained_on = models.DateField(_("programme's limits explained on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")

    def __str__(self) -> str:
        return f"#{self.pk}"


class SignalLevel(models.TextChoices):
    NO_CONCERN = "no_concern", _("No current concern")
    CONCERN = "concern", _("Concern")
    SERIOUS = "serious", _("Serious concern")


class SafetySignal(ScopedModel):
    """What the partner's support worker last knew of her safety: a level and a few words
    for the coordinator, who sees it before a report about the man leaves the programme."""

    compartment = Compartment.SURVIVOR

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.UUIDField(_("partner reference"))
    level = models.CharField(_("level"), max_length=16, choices=SignalLevel.choices)
    summary = EncryptedTextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("safety signal")
        verbose_name_plural = _("safety signals")
        indexes = [models.Index(fields=["reference", "recorded_at"], name="signal_reference_recent")]

    def __str__(self) -> str:
        return f"#{self.pk}"
