"""Reads of the planning around her safety: shares with survivor services, information shared
for risk management, her safety plan, joint case reviews and risk conference referrals.

Her side's records are read through the policy (``visible_to``, ``access``). The few reads that
the worker's handlers make outside a person's scope answer only what the handler needs (a plan's
id, yes or no) and never show a value."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation
from tandem.core.roles import Action, Compartment, OrganisationKind
from tandem.core.scoping import access
from tandem.survivors import rules
from tandem.survivors.models import (
    ConferenceAction,
    ConferenceMeeting,
    ConferenceReferral,
    Consent,
    JointReview,
    JointReviewItem,
    Partner,
    PartnerLink,
    SafetyPlan,
    SafetyPlanReview,
    SafetySignal,
    ServiceShare,
    SharedItem,
    Side,
    SignalLevel,
)

# A referral within this many days stands: a new assessment at the same level opens no new work.
RECENT_REFERRAL_DAYS = 90
# The overview's joint-review measure looks back this many months.
JOINT_REVIEW_MONTHS = 6


# --- For the worker's handlers ---------------------------------------------------------------------


def plan_of_reference(reference: uuid.UUID) -> SafetyPlan | None:
    """The safety plan of the partner linked to a case's reference, for the work it opens."""
    return (
        SafetyPlan._base_manager.filter(partner__links__reference=reference)
        .select_related("partner__organisation")
        .first()
    )


def serious_signal_since(reference: uuid.UUID, *, days: int) -> bool:
    since = clock.now() - timedelta(days=days)
    return SafetySignal._base_manager.filter(
        reference=reference, level=SignalLevel.SERIOUS, recorded_at__gte=since
    ).exists()


def referred_recently(reference: uuid.UUID) -> bool:
    since = clock.today() - timedelta(days=RECENT_REFERRAL_DAYS)
    return ConferenceReferral._base_manager.filter(reference=reference, referred_on__gte=since).exists()


# --- Her record's planning, on her page ------------------------------------------------------------


def shared_with_service(reference: uuid.UUID, service_id: int) -> bool:
    """Whether the partner of the case with ``reference`` shares her record with the service
    today: the share not ended, the consent it stands on valid."""
    today = clock.today()
    return ServiceShare._base_manager.filter(
        partner__links__reference=reference,
        service_id=service_id,
        ended_at__isnull=True,
        consent__withdrawn_on__isnull=True,
        consent__starts_on__lte=today,
        consent__expires_on__gte=today,
    ).exists()


def shares_of(partner: Partner) -> list[ServiceShare]:
    return list(
        ServiceShare._base_manager.filter(partner=partner)
        .select_related("service", "consent")
        .order_by("ended_at", "-shared_at")
    )


def access_share(user: Any, share_id: Any, *, context: AuditContext | None = None) -> ServiceShare:
    return access(
        ServiceShare,
        user,
        share_id,
        action=Action.CHANGE,
        context=context,
        queryset=ServiceShare.objects.select_related("partner__organisation"),
    )


def survivor_services(excluding: int) -> list[Organisation]:
    """The survivor support services her record may be shared with: named in the directory."""
    return list(
        Organisation.objects.filter(kind=OrganisationKind.SURVIVOR_SERVICE).exclude(pk=excluding).order_by("name")
    )


def consents_for(partner: Partner, purpose: str) -> list[Consent]:
    """Her consents for ``purpose`` valid today: what a share may rest on."""
    today = clock.today()
    return [
        consent
        for consent in Consent._base_manager.filter(partner=partner, purpose=purpose).order_by("-starts_on", "-pk")
        if rules.state_of(
            rules.Term(consent.channel, consent.purpose, consent.starts_on, consent.expires_on, consent.withdrawn_on),
            today,
        )
        == rules.ConsentState.VALID
    ]


def shared_items_of(partner: Partner) -> list[SharedItem]:
    return list(SharedItem._base_manager.filter(partner=partner).select_related("shared_by"))


def plan_of(partner: Partner) -> SafetyPlan | None:
    return SafetyPlan._base_manager.filter(partner=partner).first()


def reviews_of(plan: SafetyPlan) -> list[SafetyPlanReview]:
    return list(SafetyPlanReview._base_manager.filter(plan=plan).select_related("reviewed_by")[:20])


def access_plan(user: Any, partner: Partner, *, context: AuditContext | None = None) -> SafetyPlan:
    plan = plan_of(partner)
    return access(SafetyPlan, user, plan.pk if plan else 0, action=Action.CHANGE, context=context)


# --- Information shared with the programme, on the man's case -------------------------------------


def shared_with_programme(
    user: Any, reference: uuid.UUID | None, *, context: AuditContext | None = None
) -> list[SharedItem]:
    """What her side shared for risk management on this case, for its programme staff: each
    reading on the audit log, as it is her information, crossed on purpose."""
    if reference is None:
        return []
    items = list(SharedItem.objects.visible_to(user, Action.VIEW).filter(reference=reference)[:20])
    if items:
        # One entry for the page's reading, naming every item read.
        audit.record(
            "survivors.shared_item.read",
            actor=user,
            obj=items[0],
            organisation=items[0].organisation_id,
            compartment=Compartment.PROGRAMME,
            context=context,
            detail={"items": [item.pk for item in items]},
        )
    return items


# --- Joint case reviews ----------------------------------------------------------------------------


def joint_reviews_for(user: Any) -> QuerySet[JointReview]:
    return (
        JointReview.objects.visible_to(user, Action.VIEW)
        .select_related("organisation", "service")
        .order_by("-held_on", "-pk")
    )


def access_review(
    user: Any, review_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> JointReview:
    return access(
        JointReview,
        user,
        review_id,
        action=action,
        context=context,
        queryset=JointReview.objects.select_related("organisation", "service"),
    )


def items_of(user: Any, review: JointReview) -> list[JointReviewItem]:
    """The items of a review that the reader's side may read (``JointReviewItem.relation_scope``)."""
    return list(JointReviewItem.objects.visible_to(user, Action.VIEW).filter(review=review).order_by("kind", "pk"))


def access_item(user: Any, item_id: Any, *, context: AuditContext | None = None) -> JointReviewItem:
    return access(
        JointReviewItem,
        user,
        item_id,
        action=Action.CHANGE,
        context=context,
        queryset=JointReviewItem.objects.select_related("review"),
    )


def programme_side_items(user: Any, reference: uuid.UUID | None, *, limit: int = 20) -> list[JointReviewItem]:
    """The items of the case's joint reviews that the programme side reads (its own and both),
    for the man's case page: never the survivor side's, whoever reads the page."""
    if reference is None:
        return []
    return list(
        JointReviewItem.objects.visible_to(user, Action.VIEW)
        .filter(review__reference=reference, side__in=[Side.PROGRAMME, Side.BOTH])
        .select_related("review")
        .order_by("-review__held_on", "kind", "pk")[:limit]
    )


def reviewed_share(organisations: list[int], references: list[uuid.UUID], *, months: int = JOINT_REVIEW_MONTHS) -> int:
    """How many of ``references`` (cases of the coordinator's providers) had a joint review with a
    survivor service in the last ``months`` months."""
    if not references:
        return 0
    since = clock.today() - timedelta(days=round(months * 30.44))
    return (
        JointReview._base_manager.filter(
            organisation_id__in=organisations, reference__in=references, held_on__gte=since
        )
        .values("reference")
        .distinct()
        .count()
    )


# --- Risk conference -------------------------------------------------------------------------------


def referrals_of_case(user: Any, reference: uuid.UUID) -> list[ConferenceReferral]:
    return list(
        ConferenceReferral.objects.visible_to(user, Action.VIEW)
        .filter(reference=reference)
        .prefetch_related("meetings__actions")
        .select_related("repeat_of")
    )


def referred_on_day(reference: uuid.UUID, day: date) -> bool:
    return ConferenceReferral._base_manager.filter(reference=reference, referred_on=day).exists()


def earlier_referrals(reference: uuid.UUID, partner_id: int | None) -> list[tuple[int, date]]:
    """Every referral about her (through any man's case she is linked to) or about this case:
    what makes a new one a repeat."""
    about = Q(reference=reference)
    if partner_id is not None:
        references = PartnerLink._base_manager.filter(partner_id=partner_id).values("reference")
        about |= Q(partner_id=partner_id) | Q(reference__in=references)
    return list(ConferenceReferral._base_manager.filter(about).values_list("pk", "referred_on"))


def partner_id_of(reference: uuid.UUID) -> int | None:
    return PartnerLink._base_manager.filter(reference=reference).values_list("partner_id", flat=True).first()


def access_referral(user: Any, referral_id: Any, *, context: AuditContext | None = None) -> ConferenceReferral:
    return access(ConferenceReferral, user, referral_id, action=Action.CHANGE, context=context)


def access_meeting(user: Any, meeting_id: Any, *, context: AuditContext | None = None) -> ConferenceMeeting:
    return access(
        ConferenceMeeting,
        user,
        meeting_id,
        action=Action.CHANGE,
        context=context,
        queryset=ConferenceMeeting.objects.select_related("referral"),
    )


def access_conference_action(user: Any, action_id: Any, *, context: AuditContext | None = None) -> ConferenceAction:
    return access(
        ConferenceAction,
        user,
        action_id,
        action=Action.CHANGE,
        context=context,
        queryset=ConferenceAction.objects.select_related("meeting__referral__organisation"),
    )


def repeat_count(organisations: list[int], *, days: int = 365) -> tuple[int, int]:
    """Referrals of the last ``days`` days and how many of them were repeats."""
    since = clock.today() - timedelta(days=days)
    rows = ConferenceReferral._base_manager.filter(organisation_id__in=organisations, referred_on__gte=since)
    return rows.count(), rows.filter(repeat_of__isnull=False).count()
