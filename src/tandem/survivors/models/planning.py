"""Planning around her safety: her record shared with a survivor service she chose, the pieces
of information her worker shares with the programme for risk management, her safety plan, the
joint case reviews of the programme with a survivor service, and referrals to the multi-agency
risk conference (MARAC)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.crypto import EncryptedTextField
from tandem.core.models import Organisation
from tandem.core.policy import NOTHING, ScopedModel, organisations_with_role
from tandem.core.roles import Action, Compartment, Role
from tandem.survivors.models import HerRecord


class ServiceShare(HerRecord):
    """Her record shared with a survivor support service (another organisation) that she agreed
    to share with: its survivor-support workers read her record while the consent it rests on
    is valid and the share is not ended (``HerRecord.relation_scope``). They never change it."""

    compartment = Compartment.SURVIVOR
    organisation_path = "partner__organisation_id"

    partner = models.ForeignKey("survivors.Partner", on_delete=models.CASCADE, related_name="shares")
    service = models.ForeignKey(
        Organisation, verbose_name=_("survivor service"), on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey("survivors.Consent", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("share with a survivor service")
        verbose_name_plural = _("shares with survivor services")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "service"], condition=Q(ended_at__isnull=True), name="one_live_share"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Basis(models.TextChoices):
    CONSENT = "consent", _("Her consent to sharing for risk management")
    OVERRIDE = "override", _("A safety override")


class SharedItem(ScopedModel):
    """One piece of information her support worker marked as shared with the programme for risk
    management, for one man's case: with her consent for that purpose, or a recorded safety
    override. Only from then is it on the programme side, marked as shared, every reading
    audited. The rest of her record never crosses."""

    compartment = Compartment.PROGRAMME

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey("survivors.Partner", on_delete=models.CASCADE, related_name="shared_items")
    reference = models.UUIDField(_("partner reference"))
    case_number = models.PositiveIntegerField(_("case number"))
    text = EncryptedTextField(_("information shared"))
    basis = models.CharField(_("shared on the basis of"), max_length=10, choices=Basis.choices)
    consent = models.ForeignKey("survivors.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    override_reason = EncryptedTextField(_("reason for the safety override"), blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared at"))

    class Meta:
        ordering = ["-shared_at", "-pk"]
        verbose_name = _("shared information")
        verbose_name_plural = _("shared information")
        indexes = [models.Index(fields=["reference", "shared_at"], name="shared_item_reference")]

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        # Her workers see what they shared; the programme side reaches it through the compartment.
        if action != Action.VIEW:
            return None
        working = organisations_with_role(user, Role.SURVIVOR_WORKER)
        return Q(organisation_id__in=working) if working else None

    def __str__(self) -> str:
        return f"#{self.pk}"


class SafetyPlan(HerRecord):
    """Her safety plan, kept by her support workers: what she and the worker agreed keeps her
    safer, reviewed on a schedule and whenever the risk of a man linked to her changes."""

    compartment = Compartment.SURVIVOR
    organisation_path = "partner__organisation_id"

    partner = models.OneToOneField("survivors.Partner", on_delete=models.CASCADE, related_name="safety_plan")
    measures = EncryptedTextField(_("what keeps her safer"))
    review_every = models.PositiveSmallIntegerField(_("review every (weeks)"), default=12)
    next_review_on = models.DateField(_("next review by"))
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")

    def __str__(self) -> str:
        return f"#{self.pk}"


class ReviewReason(models.TextChoices):
    MADE = "made", _("Plan made")
    SCHEDULED = "scheduled", _("Scheduled review")
    RISK_CHANGED = "risk_changed", _("The risk changed")
    OTHER = "other", _("Other")


class SafetyPlanReview(HerRecord):
    """One review of her plan: why, and what was found."""

    compartment = Compartment.SURVIVOR
    organisation_path = "plan__partner__organisation_id"
    partner_path = "plan__partner_id"

    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="reviews")
    reason = models.CharField(_("reason"), max_length=16, choices=ReviewReason.choices)
    note = EncryptedTextField(_("note"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("safety plan review")
        verbose_name_plural = _("safety plan reviews")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Side(models.TextChoices):
    PROGRAMME = "programme", _("Programme side")
    SURVIVOR = "survivor", _("Survivor side")
    BOTH = "both", _("Both")


def _party_roles(user: Any) -> tuple[list[int], list[int], list[int]]:
    """The provider organisations where the user coordinates, facilitates, and supports
    survivors; and the organisations whose survivor side she is on (as a worker, or a service's
    coordinator)."""
    return (
        organisations_with_role(user, Role.COORDINATOR),
        organisations_with_role(user, Role.FACILITATOR),
        organisations_with_role(user, Role.SURVIVOR_WORKER),
    )


class JointReview(ScopedModel):
    """A joint case review of a programme provider and a survivor support service about one man's
    case and his partner's safety. Both parties read the review; each of its items has a side
    (``JointReviewItem``) that decides who reads it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("programme provider"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Organisation, verbose_name=_("survivor service"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.UUIDField(_("partner reference"))
    case_number = models.PositiveIntegerField(_("case number"))
    held_on = models.DateField(_("held on"))
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("joint case review")
        verbose_name_plural = _("joint case reviews")
        indexes = [models.Index(fields=["organisation", "held_on"], name="joint_review_recent")]

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        coordinating, facilitating, supporting = _party_roles(user)
        service_side = supporting + organisations_with_role(user, Role.COORDINATOR)
        if action == Action.VIEW:
            provider = coordinating + facilitating + supporting
        elif action == Action.CHANGE:
            provider = coordinating + supporting
        else:
            return None
        q = NOTHING
        if provider:
            q |= Q(organisation_id__in=provider)
        if service_side:
            q |= Q(service_id__in=service_side)
        return q

    def __str__(self) -> str:
        return f"#{self.pk}"


class ItemKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    DECISION = "decision", _("Decision")
    ACTION = "action", _("Action")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class JointReviewItem(ScopedModel):
    """One item of a joint review (an agenda point, a decision, an action with its owner, due day
    and status), read by the side it names: the programme side (the provider's facilitators and
    coordinators), the survivor side (the survivor-support workers of both parties and the
    service's coordinators) or both. The provider's coordinators hold both sides by design."""

    review = models.ForeignKey(JointReview, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    side = models.CharField(_("visible to"), max_length=10, choices=Side.choices)
    text = EncryptedTextField(_("text"))
    owner = EncryptedTextField(_("owner"), blank=True)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("joint review item")
        verbose_name_plural = _("joint review items")

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        coordinating, facilitating, supporting = _party_roles(user)
        survivor_side = Q(side__in=[Side.SURVIVOR, Side.BOTH])
        programme_side = Q(side__in=[Side.PROGRAMME, Side.BOTH])
        q = NOTHING
        if coordinating:
            # At the provider both sides; at a service, the survivor side.
            q |= Q(review__organisation_id__in=coordinating)
            q |= Q(review__service_id__in=coordinating) & survivor_side
        if supporting:
            q |= (Q(review__organisation_id__in=supporting) | Q(review__service_id__in=supporting)) & survivor_side
        if facilitating and action == Action.VIEW:
            q |= Q(review__organisation_id__in=facilitating) & programme_side
        return q

    def __str__(self) -> str:
        return f"#{self.pk}"


class ConferenceReferral(ScopedModel):
    """A referral of her case to the multi-agency risk assessment conference (MARAC), made when
    the risk met the threshold (``rules.conference_threshold``). A referral within a year of an
    earlier one for the same partner is a repeat referral, as MARACs count them."""

    compartment = Compartment.SURVIVOR

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.UUIDField(_("partner reference"))
    case_number = models.PositiveIntegerField(_("case number"))
    partner = models.ForeignKey("survivors.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referred_on = models.DateField(_("referred on"))
    risk_level = models.CharField(_("risk level when referred"), max_length=16, blank=True)
    reason = EncryptedTextField(_("reason for the referral"))
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("repeat of")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("risk conference referral")
        verbose_name_plural = _("risk conference referrals")

    def __str__(self) -> str:
        return f"#{self.pk}"


class ConferenceMeeting(ScopedModel):
    """The conference that heard a referral: when, which agencies were there, what they agreed."""

    compartment = Compartment.SURVIVOR
    organisation_path = "referral__organisation_id"

    referral = models.ForeignKey(ConferenceReferral, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    agencies = EncryptedTextField(_("agencies present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("risk conference meeting")
        verbose_name_plural = _("risk conference meetings")

    def __str__(self) -> str:
        return f"#{self.pk}"


class ConferenceAction(ScopedModel):
    """An action the conference agreed: what, which agency or person owns it, by when, and where
    it stands."""

    compartment = Compartment.SURVIVOR
    organisation_path = "meeting__referral__organisation_id"

    meeting = models.ForeignKey(ConferenceMeeting, on_delete=models.CASCADE, related_name="actions")
    text = EncryptedTextField(_("action"))
    owner = EncryptedTextField(_("owner"))
    due_on = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("risk conference action")
        verbose_name_plural = _("risk conference actions")

    def __str__(self) -> str:
        return f"#{self.pk}"
