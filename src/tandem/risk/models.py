"""Risk assessments of a man's case: one instrument's answers, scored by ``rules.py`` when
recorded and never changed afterwards, so that the trend of a case reads what was known at
each time. Personal data of the programme compartment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.cases.models import Case
from tandem.core.crypto import EncryptedTextField
from tandem.core.policy import ScopedModel
from tandem.core.roles import Compartment


class Occasion(models.TextChoices):
    INTAKE = "intake", _("At intake")
    MID_PROGRAMME = "mid_programme", _("Mid-programme")
    EXIT = "exit", _("At exit")
    TRIGGER = "trigger", _("After a trigger event")


class Trigger(models.TextChoices):
    NEW_INCIDENT = "new_incident", _("A new incident")
    SEPARATION = "separation", _("Separation")
    RELEASE = "release", _("Release from custody")
    COURT_DATE = "court_date", _("A court date")
    PARTNER_CONCERN = "partner_concern", _("A concern reported by the partner's side")
    GROUP_CONCERN = "group_concern", _("A concern for the partner's safety raised in group")


class Level(models.TextChoices):
    STANDARD = "standard", pgettext_lazy("risk level", "Standard")
    MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
    HIGH = "high", pgettext_lazy("risk level", "High")


LEVEL_ORDER = {Level.STANDARD: 0, Level.MEDIUM: 1, Level.HIGH: 2}


class RiskAssessment(ScopedModel):
    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="risk_assessments")
    instrument = models.CharField(_("instrument"), max_length=64)
    instrument_version = models.PositiveIntegerField(_("instrument version"))
    occasion = models.CharField(_("occasion"), max_length=16, choices=Occasion.choices)
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices, blank=True)
    answers = EncryptedTextField(_("answers"))  # JSON: item key → option value
    score = models.FloatField(_("score"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    forced_by = models.CharField(_("forced high by"), max_length=200, blank=True)
    unknown = models.PositiveSmallIntegerField(_("items not known"), default=0)
    note = EncryptedTextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        ordering = ["assessed_at", "pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [models.Index(fields=["case", "assessed_at"], name="risk_case_time")]

    def __str__(self) -> str:
        return f"{self.case} {self.level}"
