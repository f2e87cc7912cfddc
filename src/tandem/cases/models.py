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
    # The partner or ex-partner, as an opaque reference into the survivor compartment: her
    # details are recorded there, by the survivor side, and never here.
    partner_reference = models.UUIDField(_("partner reference"), null=True, blank=True, unique=True)
    opened_at = models.DateTimeField(_("opened at"))
    # Since when the case is in its state: how long a man has been waiting for a group.
    state_since = models.DateTimeField(_("in this state since"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "state"], name="case_org_state"),
            models.Index(fields=["organisation", "state", "state_since"], name="case_org_state_since"),
        ]

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


class Motivation(models.TextChoices):
    OWN = "own", _("Wants to change, in his own words")
    SOME = "some", _("Some motivation of his own")
    EXTERNAL = "external", _("Only because he was sent")
    NONE = "none", _("None shown")


class Denial(models.TextChoices):
    ACCEPTS = "accepts", _("Accepts responsibility for the violence")
    MINIMISES = "minimises", _("Minimises or blames others")
    DENIES = "denies", _("Denies the violence")


class Concern(models.TextChoices):
    NONE = "none", _("No concern")
    SOME = "some", _("Some concern")
    SERIOUS = "serious", _("Serious: needs treatment or referral")


class Intake(ScopedModel):
    """The intake and suitability assessment of a case: what the staff found, before the
    coordinator decides whether he is suitable (a move of the case, ``rules/lifecycle.py``)."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="intake")
    motivation = models.CharField(_("motivation"), max_length=16, choices=Motivation.choices)
    denial = models.CharField(_("denial and minimisation"), max_length=16, choices=Denial.choices)
    substance_use = models.CharField(_("alcohol and drug use"), max_length=16, choices=Concern.choices)
    mental_health = models.CharField(_("mental health"), max_length=16, choices=Concern.choices)
    language_needs = EncryptedTextField(_("language needs"), blank=True)
    summary = EncryptedTextField(_("summary of the assessment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("intake assessment")
        verbose_name_plural = _("intake assessments")

    def __str__(self) -> str:
        return f"{self.case}"


class LivesWith(models.TextChoices):
    MOTHER = "mother", _("With the mother")
    FATHER = "father", _("With the father")
    BOTH = "both", _("With both parents")
    RELATIVES = "relatives", _("With relatives")
    CARE = "care", _("In care")


class Child(ScopedModel):
    """A child of the man or of his partner, recorded once on the case: no name, only what the
    programme needs to keep him or her in mind and safe."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="children")
    age = models.PositiveSmallIntegerField(_("age"))
    lives_with = models.CharField(_("lives with"), max_length=16, choices=LivesWith.choices)
    child_protection = models.BooleanField(_("child protection services are involved"), default=False)
    safeguarding_referral_on = models.DateField(_("safeguarding referral made on"), null=True, blank=True)
    safeguarding_referral_to = EncryptedTextField(_("safeguarding referral made to"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-age", "pk"]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return f"{self.case} {self.age}"


class NoteCategory(models.TextChoices):
    SESSION = "session", _("Session")
    CONTACT = "contact", _("Contact with him")
    AGENCY = "agency", _("Contact with an agency")
    COMPLIANCE = "compliance", _("Compliance")
    SAFETY = "safety", _("Safety concern")
    INCIDENT = "incident", _("New incident")
    OTHER = "other", _("Other")


class CaseNote(ScopedModel):
    """A note on the case. A note of a new incident is also an event: the survivor side
    informs the partner, and the risk is assessed again."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    category = models.CharField(_("category"), max_length=16, choices=NoteCategory.choices)
    text = EncryptedTextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case} {self.category}"


class CaseDocument(ScopedModel):
    """A document of the case (a court order, a letter). Its content is encrypted and kept
    outside the web root (``storage_name`` under the data directory); it is served only
    through the scoping check, and every opening is audited."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="documents")
    title = EncryptedTextField(_("title"))
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.case} {self.storage_name}"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    NON_COMPLIANCE = "non_compliance", _("Non-compliance report")
    COMPLETION = "completion", _("Completion report")


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report state", "Draft")
    AWAITING_REVIEW = "awaiting_review", pgettext_lazy("report state", "Awaiting the safety review")
    HELD = "held", pgettext_lazy("report state", "Held back: not safe to send")
    SENT = "sent", pgettext_lazy("report state", "Sent")


class CaseReport(ScopedModel):
    """A report to the court or probation service that referred the man. Its facts are a
    snapshot of the perpetrator-facing view of the case (``reports`` of case work), which has
    no path to the survivor compartment; before it is sent a coordinator answers whether the
    disclosure is safe for the partner. A sent report is readable by the referring agency."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind of report"), max_length=16, choices=ReportKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    rule = models.CharField(_("rule"), max_length=64, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    facts = EncryptedTextField(_("facts"), blank=True)  # JSON of the perpetrator-facing view
    assessment = EncryptedTextField(_("the programme's assessment"), blank=True)
    safe_to_disclose = models.BooleanField(_("safe for the partner"), null=True, blank=True)
    review_note = EncryptedTextField(_("note of the safety review"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report to the referrer")
        verbose_name_plural = _("reports to the referrer")
        indexes = [models.Index(fields=["state"], name="case_report_state")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        # The agency that referred the man reads what was sent to it, nothing before.
        if action != Action.VIEW:
            return None
        return Q(
            state=ReportState.SENT,
            case__referral__referring_organisation_id__in=organisations_with_role(user, Role.REFERRER),
        )
