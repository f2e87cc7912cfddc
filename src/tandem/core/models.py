"""Tenancy, people and the audit log."""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from typing import Any, ClassVar, Self
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from tandem.core.crypto import EncryptedTextField
from tandem.core.policy import Grant, ScopedModel, ScopedQuerySet
from tandem.core.roles import Action, Capacity, OrganisationKind, Role

# Who sees an organisation's members and invitations: its administrators.
_ADMINISTERED = Grant(Capacity.ADMINISTER, "organisation_id", frozenset({Action.VIEW, Action.CHANGE}))


class User(AbstractUser):
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        "geo.Country", verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Organisational policy lives with the organisation, not in server settings: it may raise
    # the installation's small-number threshold for its own figures (tandem.core.suppression).
    suppression_threshold = models.PositiveSmallIntegerField(
        _("small-number suppression threshold"),
        null=True,
        blank=True,
        help_text=_(
            "Shares of fewer programmes or people than this are never shown in figures that leave the "
            "organisation. Leave it empty to use the installation's threshold; a number may only raise it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        floor = int(settings.TANDEM_SMALL_NUMBER)
        if self.suppression_threshold is not None and self.suppression_threshold < floor:
            raise ValidationError(
                {
                    "suppression_threshold": _(
                        "The threshold may be raised, never lowered below the installation's: %(floor)s."
                    )
                    % {"floor": floor}
                }
            )


class Membership(ScopedModel):
    """A user's place in one organisation. One role per organisation keeps the policy legible.
    Its administrators see an organisation's members; a person sees her own places."""

    grants = (_ADMINISTERED,)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_one_role_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        return Q(user_id=user.pk) if action == Action.VIEW else None


class Invitation(ScopedModel):
    """A one-time link to join an organisation with a role. Only the token's hash is stored.
    Its organisation's administrators see and withdraw it; the invitee reaches it by its link."""

    grants = (_ADMINISTERED,)

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    invitee_name = models.CharField(_("name of the person invited"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.invitee_name} ({self.role})"


# --- Second factor -----------------------------------------------------------------------


def new_authenticator_secret() -> str:
    """20 random bytes, hex-encoded: the length RFC 4226 recommends for HMAC-SHA1."""
    return secrets.token_hex(20)


class AuthenticatorDeviceQuerySet(ScopedQuerySet):
    def devices_for_user(self, user: Any, confirmed: bool | None = None) -> Self:
        """What django-otp asks of every device model's manager (its ``DeviceManager``), next
        to the policy's ``visible_to``: the person's devices, confirmed or not, or all."""
        devices = self.filter(user=user)
        return devices if confirmed is None else devices.filter(confirmed=bool(confirmed))


# django-otp has no type hints: mypy sees its base classes as Any.
class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device, ScopedModel):  # type: ignore[misc]
    """A person's authenticator app (TOTP, RFC 6238). Its shared secret is personal data like
    any other: it is stored encrypted with the field keys and ``tandem keys rotate``
    re-encrypts it (the rotation finds every ``EncryptedTextField``). Only its owner reaches
    it; an administrator who resets someone's second factor deletes them unread.

    A code is checked as django-otp's own TOTP device checks it, with the same settings
    (``OTP_TOTP_SYNC``, ``OTP_TOTP_THROTTLE_FACTOR``, ``OTP_TOTP_ISSUER``): it is accepted
    within ``tolerance`` steps of the phone's known drift; once only, as nothing at or before
    the last accepted step (``last_t``) is accepted again; and every wrong code doubles the
    wait before the next one is even looked at. django-otp finds it like its own devices
    (``devices_for_user``, ``match_token``, the session's ``persistent_id``)."""

    # The hex-encoded secret, never stored in clear.
    key = EncryptedTextField(default=new_authenticator_secret)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: only a later step's code is accepted.
    last_t = models.BigIntegerField(default=-1)

    # The policy's ``visible_to`` and django-otp's ``devices_for_user``. (mypy takes the plain
    # ``objects`` of ScopedModel for a class variable, which a model's manager rightly replaces.)
    objects = AuthenticatorDeviceQuerySet.as_manager()  # type: ignore[misc]

    # What checking a code changes; checking a code never writes the secret again.
    _VERIFICATION_STATE: ClassVar[list[str]] = [
        "last_t",
        "drift",
        "throttling_failure_timestamp",
        "throttling_failure_count",
        "last_used_at",
    ]

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.key)

    def verify_token(self, token: Any) -> bool:
        """Whether ``token`` is the app's code now; a wrong one counts towards throttling.
        Call it on a row locked for update (django-otp's ``verify_token`` and ``match_token``
        do), so that two requests cannot both spend the same code."""
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        # The phone's clock, not Tandem's (which the demo and the tests may freeze).
        totp.time = time.time()
        try:
            code: int | None = int(token)
        except (TypeError, ValueError):
            code = None
        verified = code is not None and bool(totp.verify(code, self.tolerance, self.last_t + 1))
        if verified:
            self.last_t = totp.t()
            if getattr(settings, "OTP_TOTP_SYNC", True):
                self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
        else:
            self.throttle_increment(commit=False)
        self.save(update_fields=self._VERIFICATION_STATE)
        return verified

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        return Q(user_id=user.pk)

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code
        (https://github.com/google/google-authenticator/wiki/Key-Uri-Format)."""
        label = self.user.get_username()
        params = {
            "secret": b32encode(self.bin_key).decode().rstrip("="),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        if issuer:
            label = f"{issuer}:{label}"
            params["issuer"] = issuer
        return f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"


class SiteSettings(models.Model):
    """Deployment-wide wording that a funder prescribes, editable without a release."""

    # The two wordings funders prescribe. Stored in English; shown translated when the stored
    # text is one of them, and as stored when a deployment wrote its own.
    KOSOVO_FOOTNOTE_EU: ClassVar[str] = gettext_noop(
        "This designation is without prejudice to positions on status, and is in line with "
        "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
    )
    KOSOVO_FOOTNOTE_UN: ClassVar[str] = gettext_noop(
        "All references to Kosovo should be understood to be in the context of Security Council Resolution 1244 (1999)."
    )

    kosovo_footnote = models.TextField(_("Kosovo footnote"), default=KOSOVO_FOOTNOTE_EU)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("site settings"))

    def kosovo_footnote_display(self) -> str:
        if self.kosovo_footnote in (self.KOSOVO_FOOTNOTE_EU, self.KOSOVO_FOOTNOTE_UN):
            return gettext(self.kosovo_footnote)
        return self.kosovo_footnote

    @classmethod
    def current(cls) -> SiteSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit log (see ``tandem.core.audit``)."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    compartment = models.CharField(max_length=16, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True, default="", db_default="")
    detail = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


# --- Events and work ----------------------------------------------------------------------


class Event(models.Model):
    """Something an action did that other domains may have to act on (an answer submitted for
    review, later a dropout or a risk rise). It is written in the transaction of the change
    that caused it, and the background worker hands it to every handler subscribed to its kind
    (``tandem.core.events``). It carries ids, codes and states, never a name or a contact
    detail: the handlers read what they need through their own doors."""

    kind = models.CharField(max_length=80, db_index=True)
    occurred_at = models.DateTimeField()
    organisation_id = models.BigIntegerField(null=True, blank=True)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    # Set once every handler subscribed to the kind has run.
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        # Delivered events pile up for ever; the worker only ever asks for the undelivered
        # ones, so only they are indexed.
        indexes = [models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True), name="event_undelivered")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class EventDelivery(models.Model):
    """One handler has run for one event: written in the same transaction as the handler's
    own changes, so that a handler whose work was committed never runs again for that event,
    and one interrupted before its commit runs again."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(max_length=200)
    delivered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="event_delivered_once")]

    def __str__(self) -> str:
        return f"{self.handler} ← {self.event}"


class EventFailure(models.Model):
    """A handler that failed for an event: how often, why, and when to try again."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="failures")
    handler = models.CharField(max_length=200)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    retry_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="event_failure_once")]

    def __str__(self) -> str:
        return f"{self.handler} ✗ {self.event} ({self.attempts})"


class WorkerBeat(models.Model):
    """A running background worker says every few seconds that it is alive. A task or a job
    claimed by a worker that has gone quiet was interrupted, and is handed out again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class WorkItem(ScopedModel):
    """A to-do that a rule created: review a submitted answer, inform a partner within 24
    hours, send a report within 3 working days. It belongs to an organisation and is owned
    by a person or by a team (everyone with a role there); it is due at a time counted in the
    working days of a country, and when it is overdue it escalates, step by step, to the
    roles its rule names (a coordinator, then the organisation's administrators). It is closed
    by the action that fulfils it, never by hand alone (``tandem.core.work``).

    Who sees it: its owner, its team, the roles it has escalated to, the organisation's
    coordinators, and the organisation's administrators for work that is about no person."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("No longer needed")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    rule = models.CharField(max_length=80, db_index=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_items")
    # The same rule never opens the same item twice (a handler that runs again does no harm).
    key = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="work_items")
    # Empty for work about no person; else the compartment of the record it is about.
    subject_compartment = models.CharField(max_length=16, blank=True)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    # Words for the title, chosen by the rule: references and names of programmes, never a
    # person's contact details.
    params = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_items"
    )
    team_role = models.CharField(max_length=32, blank=True, choices=Role.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    due_at = models.DateTimeField(db_index=True)
    escalation_role_1 = models.CharField(max_length=32, blank=True, choices=Role.choices)
    escalation_role_2 = models.CharField(max_length=32, blank=True, choices=Role.choices)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # When the worker next looks at it: its due time, then the end of the pause before the
    # second step; empty once no step is left. The worker reads only what is due to be looked
    # at, not every overdue item on every tick.
    escalate_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The business event that fulfilled it (an audit action, e.g. "mapping.answer.accepted").
    fulfilled_by = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["due_at", "-priority", "pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "state"], name="work_subject_state"),
            # A person's open work: hers, or her organisations' (teams, escalations).
            models.Index(fields=["owner", "state"], name="work_owner_state"),
            models.Index(fields=["organisation", "state"], name="work_organisation_state"),
            models.Index(fields=["state", "escalate_at"], name="work_to_escalate"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(owner__isnull=True, team_role=""), name="work_has_owner_or_team")
        ]

    def __str__(self) -> str:
        return f"{self.rule} → {self.subject_type}:{self.subject_id}"

    @staticmethod
    def assigned_to(user: Any) -> Q:
        """Work that is the user's to do: hers, her teams', or escalated to her role."""
        from tandem.core.policy import places_of

        q = Q(owner_id=user.pk)
        for place in places_of(user):
            here = Q(organisation_id=place.organisation_id)
            q |= here & Q(team_role=place.role)
            q |= here & Q(escalation_level__gte=1, escalation_role_1=place.role)
            q |= here & Q(escalation_level__gte=2, escalation_role_2=place.role)
        return q

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        """Besides her own work, a coordinator oversees all of her organisation's work and an
        administrator the work whose subject lies in no compartment."""
        if action != Action.VIEW:
            return None
        from tandem.core.policy import places_of

        q = cls.assigned_to(user)
        for place in places_of(user):
            here = Q(organisation_id=place.organisation_id)
            if place.role == Role.COORDINATOR:
                q |= here
            elif place.role == Role.ORG_ADMIN:
                q |= here & Q(subject_compartment="")
        return q
