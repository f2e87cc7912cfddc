"""The survivor compartment: the partner's (survivor's) record and how she may be reached, her
consent per channel and purpose, the log of contact with her, and the one-way safety signals
her side sends to the programme.

Everything here is reached only by the roles that ``core.roles.ROLE_ACCESS`` grants on the
survivor compartment (survivor-support workers, and the provider's coordinators who hold
both sides by design). Case work never reads these rows: it asks ``queries.partner_facts``,
which answers only yes, no or a date, never a word she said or where she lives.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.crypto import EncryptedTextField
from tandem.core.models import Organisation
from tandem.core.policy import ScopedModel, organisations_with_role
from tandem.core.roles import Action, Compartment, Role


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


class SignalKind(models.TextChoices):
    """What a signal tells the programme side, in words chosen for it: never her words, where
    she is, or who told."""

    RISK_INCREASED = "risk_increased", _("Risk increased")
    CONTACT_PAUSED = "contact_paused", _("Contact with the partner paused")
    AVOID_TOPIC = "avoid_topic", _("Do not raise a topic in group")
    NO_CONCERNS = "no_concerns", _("No concerns")


class SafetySignal(ScopedModel):
    """What the partner's support worker last knew of her safety: a level and a few words
    for the coordinator, who sees it before a report about the man leaves the programme."""

    compartment = Compartment.SURVIVOR

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.UUIDField(_("partner reference"))
    kind = models.CharField(_("signal"), max_length=16, choices=SignalKind.choices, default=SignalKind.NO_CONCERNS)
    level = models.CharField(_("level"), max_length=16, choices=SignalLevel.choices)
    # Only for "do not raise a topic": the topic as the facilitators are to read it.
    topic = EncryptedTextField(_("topic to avoid"), blank=True)
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


class HerRecord(ScopedModel):
    """Her own record and what hangs on it: for her support workers. A coordinator of the
    provider reads it only through a break-the-glass access she recorded, with a reason, for a
    limited time (``BreakGlass``); she never changes it. The workers of a survivor service she
    agreed to share with read it while that share stands (``ServiceShare``)."""

    compartment: ClassVar[Compartment | None] = Compartment.SURVIVOR
    compartment_roles = frozenset({Role.SURVIVOR_WORKER})
    # The path from the model to the partner's id.
    partner_path: ClassVar[str] = "partner_id"

    class Meta:
        abstract = True

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        """Read only: a coordinator's live break-the-glass access, and a survivor service's
        workers while the share she agreed to stands (not ended, its consent valid today)."""
        if action != Action.VIEW:
            return None
        parts: list[Q] = []
        coordinating = organisations_with_role(user, Role.COORDINATOR)
        if coordinating:
            opened = BreakGlass._base_manager.filter(
                coordinator_id=user.pk, partner__organisation_id__in=coordinating, ends_at__gt=clock.now()
            ).values("partner_id")
            parts.append(Q(**{f"{cls.partner_path}__in": opened}))
        services = organisations_with_role(user, Role.SURVIVOR_WORKER)
        if services:
            from tandem.survivors.models.planning import ServiceShare

            today = clock.today()
            shared = ServiceShare._base_manager.filter(
                service_id__in=services,
                ended_at__isnull=True,
                consent__withdrawn_on__isnull=True,
                consent__starts_on__lte=today,
                consent__expires_on__gte=today,
            ).values("partner_id")
            parts.append(Q(**{f"{cls.partner_path}__in": shared}))
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined


class Partner(HerRecord):
    """The partner or ex-partner of one or more men in the programme: who she is and how she may
    safely be reached. Every detail is encrypted; nobody who works with or for the man reads it."""

    partner_path = "pk"

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = EncryptedTextField(_("name"))
    address = EncryptedTextField(_("address"), blank=True)
    phones = EncryptedTextField(_("phone numbers"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    whereabouts = EncryptedTextField(_("whereabouts"), blank=True)
    # Shown before every contact attempt.
    safe_times = EncryptedTextField(_("safe times to contact her"), blank=True)
    message_allowed = models.BooleanField(_("a message may be left"), default=False)
    code_word = EncryptedTextField(_("code word"), blank=True)
    safe_intermediary = EncryptedTextField(_("safe intermediary"), blank=True)
    safe_contact_notes = EncryptedTextField(_("safe-contact notes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"#{self.pk}"


class PartnerLink(HerRecord):
    """The partner as the partner of one man's case, by the opaque reference his case holds."""

    compartment = Compartment.SURVIVOR
    organisation_path = "partner__organisation_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="links")
    reference = models.UUIDField(_("partner reference"), unique=True)
    case_number = models.PositiveIntegerField(_("case number"))
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("link to a case")
        verbose_name_plural = _("links to cases")

    def __str__(self) -> str:
        return f"#{self.case_number}"


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    SERVICE = "service", _("Through another service")


class Purpose(models.TextChoices):
    INFORMATION = "information", _("Information about the programme")
    SAFETY_PLANNING = "safety_planning", _("Safety planning")
    QUESTIONNAIRES = "questionnaires", _("Outcome questionnaires")
    SHARE_SERVICE = "share_service", _("Sharing with a named service")
    RISK_MANAGEMENT = "risk_management", _("Sharing for risk management")


class Consent(HerRecord):
    """Her consent for one channel and one purpose, from a day until it expires or she withdraws
    it. Consent is never changed: a new one is recorded, and a withdrawal ends it."""

    compartment = Compartment.SURVIVOR
    organisation_path = "partner__organisation_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # Encrypted: a shelter's name can tell where she is.
    service = EncryptedTextField(_("named service"), blank=True)
    starts_on = models.DateField(_("from"))
    expires_on = models.DateField(_("until"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["purpose", "channel", "-starts_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"#{self.pk}"


class ContactKind(models.TextChoices):
    ATTEMPT = "attempt", _("Attempt (she was not reached)")
    CONTACT = "contact", _("Contact")


class ContactOutcome(models.TextChoices):
    OFFER_MADE = "offer_made", _("Support offered")
    INFORMED = "informed", _("She was informed")
    SAFETY_PLANNED = "safety_planned", _("Safety planning done")
    DECLINED = "declined", _("She declined contact")
    NO_ANSWER = "no_answer", _("No answer")
    UNSAFE = "unsafe", _("Not safe to talk")


class ContactEntry(HerRecord):
    """One attempt to reach her or one contact with her."""

    compartment = Compartment.SURVIVOR
    organisation_path = "partner__organisation_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices)
    note = EncryptedTextField(_("note"), blank=True)
    first_offer = models.BooleanField(_("the first offer of support"), default=False)
    limitations_explained = models.BooleanField(_("the programme's limits explained"), default=False)
    sheet = models.ForeignKey(
        "InformationSheet",
        verbose_name=_("information sheet given"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    happened_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-happened_at", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"#{self.pk}"


class BreakGlass(ScopedModel):
    """A coordinator's access to a partner's record outside the rule: she said why, it lasts a
    few hours, it is on the audit log, and the partner's support workers and the organisation's
    administrators are told."""

    compartment = Compartment.SURVIVOR
    organisation_path = "partner__organisation_id"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        indexes = [models.Index(fields=["coordinator", "ends_at"], name="break_glass_live")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class InformationSheet(ScopedModel):
    """What the programme can and cannot do, as its partners are told it: his attendance does
    not mean she is safe, what will and will not be shared with her, whom to call. One text per
    language, in versions; a contact in which the limits were explained says which she was given."""

    compartment = Compartment.SURVIVOR

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "language", "version"], name="one_sheet_version")
        ]
        verbose_name = _("information sheet")
        verbose_name_plural = _("information sheets")

    def __str__(self) -> str:
        return f"{self.get_language_display()} {self.version}"


from tandem.survivors.models.planning import (  # noqa: E402 - they build on the models above
    ActionStatus,
    Basis,
    ConferenceAction,
    ConferenceMeeting,
    ConferenceReferral,
    ItemKind,
    JointReview,
    JointReviewItem,
    ReviewReason,
    SafetyPlan,
    SafetyPlanReview,
    ServiceShare,
    SharedItem,
    Side,
)

__all__ = [
    "ActionStatus",
    "Basis",
    "BreakGlass",
    "Channel",
    "ConferenceAction",
    "ConferenceMeeting",
    "ConferenceReferral",
    "Consent",
    "ContactEntry",
    "ContactKind",
    "ContactOutcome",
    "HerRecord",
    "InformationSheet",
    "ItemKind",
    "JointReview",
    "JointReviewItem",
    "Partner",
    "PartnerContact",
    "PartnerLink",
    "Purpose",
    "ReviewReason",
    "SafetyPlan",
    "SafetyPlanReview",
    "SafetySignal",
    "ServiceShare",
    "SharedItem",
    "Side",
    "SignalKind",
    "SignalLevel",
]
