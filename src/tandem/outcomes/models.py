"""Outcome questionnaires at fixed time points, for the man and for his partner.

A case gets its schedule when the man starts the programme (``rules/schedule.py``): a point at
the start and half-way, and on exit (completed, dropped out or excluded alike) a point at the
end and follow-ups 6 and 12 months later. The schedule stays after exit: the partners of men
who dropped out are the ones whose answers matter most.

The man's points and answers belong to the programme compartment. His partner's belong to the
survivor compartment: her points are hers (by the partner record and the case number her link
holds), read only by her support workers under the same policy as the rest of her record, and on
the programme side only as aggregates over enough partners (``queries``).

An answer keeps the questionnaire's key and version and the language and translation version it
was given in, so that answers stay comparable across countries and the years. The item answers
are encrypted; the sub-scale scores are kept beside them as plain numbers for the analysis.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from tandem.cases.models import Case
from tandem.core.crypto import EncryptedTextField
from tandem.core.policy import ScopedModel
from tandem.core.roles import Compartment
from tandem.outcomes.rules.field_numbers import field_number
from tandem.survivors.models import Channel, HerRecord, Partner


class TimePoint(models.TextChoices):
    START = "start", pgettext_lazy("outcome time point", "Start")
    MIDWAY = "midway", pgettext_lazy("outcome time point", "Half-way")
    END = "end", pgettext_lazy("outcome time point", "End")
    FOLLOW_UP_6 = "follow_up_6", pgettext_lazy("outcome time point", "6 months after")
    FOLLOW_UP_12 = "follow_up_12", pgettext_lazy("outcome time point", "12 months after")


class PointState(models.TextChoices):
    DUE = "due", pgettext_lazy("outcome point", "Due")
    ANSWERED = "answered", pgettext_lazy("outcome point", "Answered")
    DECLINED = "declined", pgettext_lazy("outcome point", "Declined")
    MISSED = "missed", pgettext_lazy("outcome point", "Missed")


class Mode(models.TextChoices):
    SESSION = "session", _("In a session, on paper or a tablet")
    STAFF_FORM = "staff_form", _("Entered by staff from his answers")
    INTERVIEW = "interview", _("Interview by her support worker")
    LINK = "link", _("Her own answers through a link")
    IMPORT = "import", _("Imported from field collection")


class Point(ScopedModel):
    """One time point of a schedule: the window in which the questionnaire is asked."""

    point = models.CharField(_("time point"), max_length=16, choices=TimePoint.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    state = models.CharField(_("state"), max_length=16, choices=PointState.choices, default=PointState.DUE)
    state_note = EncryptedTextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @property
    def field_number(self) -> str:
        """Its number with a check digit, as printed for forms filled in the field."""
        return field_number(self.pk)


class CasePoint(Point):
    """A time point of the man's questionnaire."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="outcome_points")

    class Meta:
        ordering = ["opens_on", "pk"]
        verbose_name = _("his outcome time point")
        verbose_name_plural = _("his outcome time points")
        constraints = [models.UniqueConstraint(fields=["case", "point"], name="outcomes_case_point_once")]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.point}"


class PartnerPoint(Point, HerRecord):
    """A time point of her questionnaire, about the man of one case she is the partner of."""

    organisation_path = "partner__organisation_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="outcome_points")
    case_number = models.PositiveIntegerField(_("case number"))

    class Meta:
        ordering = ["opens_on", "pk"]
        verbose_name = _("her outcome time point")
        verbose_name_plural = _("her outcome time points")
        constraints = [
            models.UniqueConstraint(fields=["partner", "case_number", "point"], name="outcomes_partner_point_once")
        ]
        # The outcome report reads her points by the cases of a period.
        indexes = [models.Index(fields=["case_number"], name="outcomes_partnerpoint_case")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.point}"


class Response(ScopedModel):
    """The answers given at one time point, as given: never changed afterwards."""

    instrument = models.CharField(_("questionnaire"), max_length=64)
    instrument_version = models.PositiveIntegerField(_("questionnaire version"))
    language = models.CharField(_("language"), max_length=8)
    translation_version = models.PositiveIntegerField(_("translation version"))
    mode = models.CharField(_("how it was answered"), max_length=16, choices=Mode.choices)
    answers = EncryptedTextField(_("answers"))  # JSON: item key → value, or null where not answered
    answered = models.PositiveSmallIntegerField(_("questions answered"))
    answered_on = models.DateField(_("answered on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        abstract = True


class ManResponse(Response):
    compartment = Compartment.PROGRAMME
    organisation_path = "point__case__organisation_id"

    point = models.OneToOneField(CasePoint, on_delete=models.CASCADE, related_name="response")

    class Meta:
        verbose_name = _("his questionnaire answers")
        verbose_name_plural = _("his questionnaire answers")

    def __str__(self) -> str:
        return f"{self.point}"


class PartnerResponse(Response, HerRecord):
    organisation_path = "point__partner__organisation_id"
    partner_path = "point__partner_id"

    point = models.OneToOneField(PartnerPoint, on_delete=models.CASCADE, related_name="response")

    class Meta:
        verbose_name = _("her questionnaire answers")
        verbose_name_plural = _("her questionnaire answers")

    def __str__(self) -> str:
        return f"{self.point}"


class Score(ScopedModel):
    """One sub-scale's score of one set of answers, for the analysis (no score where too little
    was answered: the row is left out)."""

    subscale = models.CharField(_("sub-scale"), max_length=40)
    value = models.FloatField(_("score"))

    class Meta:
        abstract = True


class ManScore(Score):
    compartment = Compartment.PROGRAMME
    organisation_path = "response__point__case__organisation_id"

    response = models.ForeignKey(ManResponse, on_delete=models.CASCADE, related_name="scores")

    class Meta:
        verbose_name = _("his sub-scale score")
        verbose_name_plural = _("his sub-scale scores")
        constraints = [models.UniqueConstraint(fields=["response", "subscale"], name="outcomes_man_score_once")]


class PartnerScore(Score, HerRecord):
    organisation_path = "response__point__partner__organisation_id"
    partner_path = "response__point__partner_id"

    response = models.ForeignKey(PartnerResponse, on_delete=models.CASCADE, related_name="scores")

    class Meta:
        verbose_name = _("her sub-scale score")
        verbose_name_plural = _("her sub-scale scores")
        constraints = [models.UniqueConstraint(fields=["response", "subscale"], name="outcomes_partner_score_once")]


class QuestionnaireLink(HerRecord):
    """A single-use, expiring link by which she answers one time point herself, sent through a
    channel she agreed to for outcome questionnaires. Only a hash of the link's token is kept: the
    token itself exists in the message she was sent and nowhere else."""

    organisation_path = "point__partner__organisation_id"
    partner_path = "point__partner_id"

    point = models.ForeignKey(PartnerPoint, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("questionnaire link")
        verbose_name_plural = _("questionnaire links")

    def __str__(self) -> str:
        return f"#{self.pk}"


from tandem.outcomes.pool_models import Contribution, SharingAgreement  # noqa: E402, F401 - Django finds models here
from tandem.outcomes.report_models import ShownFigure  # noqa: E402, F401 - Django finds models here
