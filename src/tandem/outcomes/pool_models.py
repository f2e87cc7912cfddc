"""The pooled outcome dataset's records: the data-sharing agreements under which a programme
provider pools its outcome data with the network, and the log of what each contribution held.

Neither holds a person. An agreement names the organisation, its reference and dates; a
contribution keeps only counts, months, the questionnaire versions and the name and SHA-256 of
the Parquet file written, so that anyone reading the log can check that the file in the pool is
the one that was contributed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Organisation


class SharingAgreement(models.Model):
    """A provider's signed agreement to pool its outcome data: in force from ``starts_on`` to
    ``ends_on`` (open-ended when empty) unless ended earlier. Ending it withdraws the provider's
    data from the pool; what was contributed stays listed in the log."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("programme provider"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    scope = models.TextField(_("purpose and scope"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")

    def __str__(self) -> str:
        return self.reference


class Contribution(models.Model):
    """One contribution of a provider to the pool: the Parquet file written and what it held.
    The pool reads the newest contribution of each provider whose agreement is in force."""

    agreement = models.ForeignKey(
        SharingAgreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="contributions"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("programme provider"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("contributed at"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The pseudonym under which the programme's rows appear in the pool.
    programme = models.CharField(_("programme pseudonym"), max_length=32)
    first_month = models.CharField(_("first month"), max_length=7)
    last_month = models.CharField(_("last month"), max_length=7)
    men = models.PositiveIntegerField(_("men"))
    partners = models.PositiveIntegerField(_("partners"))
    questionnaires = models.PositiveIntegerField(_("questionnaires answered"))
    rows = models.PositiveIntegerField(_("rows"))
    file_name = models.CharField(_("file"), max_length=120, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    instruments = models.JSONField(_("questionnaire versions"), default=list)

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("contribution to the pool")
        verbose_name_plural = _("contributions to the pool")

    def __str__(self) -> str:
        return self.file_name
