"""Group work: facilitators, groups and their sessions, the men in them, attendance, catch-ups,
non-associations and the facilitators' calendar feeds.

All of it is in the programme compartment: the provider's facilitators and coordinators reach
it, nobody else (a referrer reads only an attendance summary of the men her agency referred,
through ``queries.attendance_status_for_referrer``). What is said in a session (participation
notes, concerns) is encrypted at rest like the case's notes. A facilitator's profile is staff
data, not a man's: it is reached by the provider's programme staff, who plan groups with it,
and her supervision notes only by the coordinators and by herself (``queries``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, gettext_lazy as _, pgettext_lazy

from tandem.cases.models import Case
from tandem.core.crypto import EncryptedTextField
from tandem.core.models import Organisation
from tandem.core.policy import ScopedModel
from tandem.core.roles import Compartment
from tandem.groups.rules.attendance import Code
from tandem.groups.rules.cofacilitation import Gender
from tandem.groups.rules.nonassociation import NonAssociationKind


class FacilitatorProfile(ScopedModel):
    """A member of staff who runs groups: what the co-facilitation rule and the fidelity
    figures need to know of her. Quality assurance extends it with more of her training."""

    compartment = Compartment.PROGRAMME

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    trained_on = models.DateField(_("facilitator training completed on"), null=True, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    active = models.BooleanField(_("runs groups"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="facilitator_once_per_org")]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class FacilitatorNoteKind(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision")
    CONTINUITY = "continuity", _("Continuity")


class FacilitatorNote(ScopedModel):
    """A supervision or continuity note about one facilitator, added and never changed."""

    compartment = Compartment.PROGRAMME
    organisation_path = "facilitator__organisation_id"

    facilitator = models.ForeignKey(
        FacilitatorProfile, verbose_name=_("facilitator"), on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FacilitatorNoteKind.choices)
    text = EncryptedTextField(_("note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("facilitator note")
        verbose_name_plural = _("facilitator notes")


class Intake(models.TextChoices):
    CLOSED = "closed", pgettext_lazy("group intake", "Closed: everyone starts together")
    ROLLING = "rolling", pgettext_lazy("group intake", "Rolling: men join at the entry points")


class GroupState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("group state", "Planned")
    RUNNING = "running", pgettext_lazy("group state", "Running")
    FINISHED = "finished", pgettext_lazy("group state", "Finished")
    CANCELLED = "cancelled", pgettext_lazy("group state", "Cancelled")


class Group(ScopedModel):
    compartment = Compartment.PROGRAMME

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("programme provider"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "mapping.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(pgettext_lazy("group", "name"), max_length=120)
    curriculum = models.CharField(_("curriculum"), max_length=64)
    intake = models.CharField(_("intake"), max_length=8, choices=Intake.choices)
    venue = models.CharField(_("venue"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    start_time = models.TimeField(_("time"))
    start_date = models.DateField(_("first week"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(_("state"), max_length=12, choices=GroupState.choices, default=GroupState.PLANNED)
    # Set when the planned team broke the co-facilitation rule and the coordinator went ahead.
    override_reason = models.TextField(_("reason for going ahead without the co-facilitation rule"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("planned at"))

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [models.Index(fields=["organisation", "state"], name="group_org_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def weekday_name(self) -> str:
        """The weekday as it reads inside a sentence: the region's languages write it in lower case."""
        name = str(WEEKDAYS[self.weekday])
        return name.lower() if (get_language() or "").split("-")[0] in LOWER_CASE_WEEKDAYS else name


# Languages whose weekday names are not capitalised mid-sentence (Django's tables give them as
# they stand alone, at the head of a calendar column).
LOWER_CASE_WEEKDAYS = frozenset({"sq", "sr", "bs", "mk", "hr", "cnr"})


class GroupFacilitator(ScopedModel):
    """One member of a group's planned team: the facilitators each session starts with."""

    compartment = Compartment.PROGRAMME
    organisation_path = "group__organisation_id"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="team")
    facilitator = models.ForeignKey(FacilitatorProfile, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "facilitator"], name="group_team_once")]


class SessionState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("session state", "Planned")
    HELD = "held", pgettext_lazy("session state", "Held")
    CANCELLED = "cancelled", pgettext_lazy("session state", "Did not take place")


class GroupSession(ScopedModel):
    """One meeting of a group: the curriculum's session ``number``, when it is planned, who
    runs it, and, once recorded, that it was held and who came."""

    compartment = Compartment.PROGRAMME
    organisation_path = "group__organisation_id"

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session"))
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    state = models.CharField(_("state"), max_length=12, choices=SessionState.choices, default=SessionState.PLANNED)
    override_reason = models.TextField(_("reason for going ahead without the co-facilitation rule"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # The form that last recorded the session: the same form sent again (a retry after the
    # connection dropped) is recognised and changes nothing.
    submission = models.UUIDField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="session_number_once")]
        indexes = [models.Index(fields=["group", "start"], name="session_group_start")]


class SessionFacilitator(ScopedModel):
    """Who runs one session; ``cover`` when she stands in for a member of the planned team."""

    compartment = Compartment.PROGRAMME
    organisation_path = "session__group__organisation_id"

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="facilitators")
    facilitator = models.ForeignKey(FacilitatorProfile, on_delete=models.PROTECT, related_name="sessions")
    cover = models.BooleanField(_("cover"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "facilitator"], name="session_team_once")]


class MembershipState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("membership", "In the group")
    ENDED = "ended", pgettext_lazy("membership", "Left the group")


class Membership(ScopedModel):
    """A man's place in a group, from the session he joins at (``first_session``; later than 1
    in a rolling group) until his case ends."""

    compartment = Compartment.PROGRAMME
    organisation_path = "group__organisation_id"

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="members")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    first_session = models.PositiveSmallIntegerField(_("joins at session"), default=1)
    state = models.CharField(_("state"), max_length=8, choices=MembershipState.choices, default=MembershipState.ACTIVE)
    ended_as = models.CharField(_("ended as"), max_length=16, blank=True)
    joined_at = models.DateTimeField(_("allocated at"))
    ended_at = models.DateTimeField(_("left at"), null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(state="active"), name="one_active_group_per_case"
            )
        ]
        indexes = [models.Index(fields=["group", "state"], name="membership_group_state")]


class Attendance(ScopedModel):
    """A man's attendance at one session, recorded once; recording the session again changes it
    (with the session's version check), never adds a second row."""

    compartment = Compartment.PROGRAMME
    organisation_path = "session__group__organisation_id"

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    code = models.CharField(_("attendance"), max_length=24, choices=Code.choices)
    note = EncryptedTextField(_("participation"), blank=True)
    concern = models.BooleanField(_("concern for the partner's safety"), default=False)
    concern_note = EncryptedTextField(_("what gives concern"), blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "membership"], name="attendance_once")]


class CatchUpState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("catch-up", "Planned")
    ATTENDED = "attended", pgettext_lazy("catch-up", "Made up")
    MISSED = "missed", pgettext_lazy("catch-up", "Missed")


class CatchUp(ScopedModel):
    """A missed session made up with one facilitator: it counts for the session ``number`` of
    the curriculum once attended."""

    compartment = Compartment.PROGRAMME
    organisation_path = "membership__group__organisation_id"

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="catch_ups")
    number = models.PositiveSmallIntegerField(_("session made up"))
    start = models.DateTimeField(_("when"))
    facilitator = models.ForeignKey(
        FacilitatorProfile, verbose_name=_("facilitator"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=12, choices=CatchUpState.choices, default=CatchUpState.PLANNED)
    version = models.PositiveIntegerField(_("version"), default=1)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_at = models.DateTimeField(_("planned at"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("catch-up session")
        verbose_name_plural = _("catch-up sessions")


class NonAssociation(ScopedModel):
    """Two men who must not be in the same group, recorded on ``case``; it binds both."""

    compartment = Compartment.PROGRAMME
    organisation_path = "case__organisation_id"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    other_case = models.ForeignKey(
        Case, verbose_name=_("the other man's case"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NonAssociationKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("non-association")
        verbose_name_plural = _("non-associations")


class CalendarFeed(ScopedModel):
    """A facilitator's secret calendar address. Only a hash of the secret is kept, so that the
    database alone does not open anyone's calendar; a new address revokes the old one."""

    compartment = Compartment.PROGRAMME
    organisation_path = "facilitator__organisation_id"

    facilitator = models.ForeignKey(FacilitatorProfile, on_delete=models.CASCADE, related_name="feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("made at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
