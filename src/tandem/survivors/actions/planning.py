"""What her support workers decide with her: sharing her record with a survivor service she
chose, sharing one piece of information with the programme for risk management, and her safety
plan with its reviews."""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.roles import Compartment, OrganisationKind, Role
from tandem.core.work import close_work, open_work
from tandem.survivors import rules
from tandem.survivors.actions import MAX_TEXT, SurvivorSideRefused, allowed
from tandem.survivors.models import (
    Basis,
    Consent,
    Partner,
    PartnerLink,
    Purpose,
    ReviewReason,
    SafetyPlan,
    SafetyPlanReview,
    ServiceShare,
    SharedItem,
)
from tandem.survivors.work_rules import PLAN_REVIEW_DUE

REVIEW_WEEKS = (1, 52)


def _valid_consent(partner: Partner, consent: Consent | None, purpose: str) -> str | None:
    """None when ``consent`` is hers, for ``purpose`` and valid today; else what is wrong."""
    if consent is None or consent.partner_id != partner.pk or consent.purpose != purpose:
        return _("Choose one of her consents for this purpose.")
    term = rules.Term(consent.channel, consent.purpose, consent.starts_on, consent.expires_on, consent.withdrawn_on)
    state = rules.state_of(term, clock.today())
    if state == rules.ConsentState.WITHDRAWN:
        return _("She withdrew this consent: record a new one first, if she agrees again.")
    if state == rules.ConsentState.EXPIRED:
        return _("This consent has expired: ask her again and record the new consent first.")
    if state == rules.ConsentState.NOT_YET:
        return _("This consent has not started yet.")
    return None


# --- Her record shared with a survivor service ---------------------------------------------------


def share_with_service(
    *,
    partner: Partner,
    service: Organisation,
    consent: Consent | None,
    acting_user: User,
    context: AuditContext | None = None,
) -> ServiceShare:
    """Her record is read by the workers of ``service`` while ``consent`` (to sharing with a
    named service) stands; they never change it."""
    allowed(acting_user, partner.organisation, ServiceShare, context)
    errors: dict[str, str] = {}
    if service.kind != OrganisationKind.SURVIVOR_SERVICE or service.pk == partner.organisation_id:
        errors["service"] = _("Choose a survivor support service other than your own.")
    problem = _valid_consent(partner, consent, Purpose.SHARE_SERVICE)
    if problem:
        errors["consent"] = problem
    elif consent is not None and not rules.names_the_service(consent.service, service.name):
        errors["consent"] = _(
            "This consent names another service: she agreed to share with %(named)s only. Record her consent "
            "for this service first, if she agrees."
        ) % {"named": consent.service}
    if errors or consent is None:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            share = ServiceShare.objects.create(
                partner=partner, service=service, consent=consent, shared_by=acting_user, shared_at=clock.now()
            )
            audit.record(
                "survivors.record_shared",
                actor=acting_user,
                obj=share,
                organisation=partner.organisation_id,
                compartment=Compartment.SURVIVOR,
                context=context,
                detail={"partner": partner.pk, "service": service.pk, "consent": consent.pk if consent else None},
            )
    except IntegrityError:
        raise SurvivorSideRefused(_("Her record is already shared with this service."), rule="shared") from None
    return share


def end_share(*, share: ServiceShare, acting_user: User, context: AuditContext | None = None) -> ServiceShare:
    partner = share.partner
    allowed(acting_user, partner.organisation, ServiceShare, context)
    with transaction.atomic():
        now = clock.now()
        if not ServiceShare._base_manager.filter(pk=share.pk, ended_at__isnull=True).update(
            ended_at=now, ended_by=acting_user
        ):
            raise SurvivorSideRefused(_("This share has already ended."), rule="ended")
        share.ended_at = now
        audit.record(
            "survivors.share_ended",
            actor=acting_user,
            obj=share,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"partner": partner.pk, "service": share.service_id},
        )
    return share


# --- Information shared with the programme for risk management -----------------------------------


def share_item(
    *,
    partner: Partner,
    link: PartnerLink | None,
    text: str,
    consent: Consent | None,
    override_reason: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> SharedItem:
    """One piece of information on the man's case, marked as shared by her side: with her valid
    consent to sharing for risk management, or a safety override whose reason is recorded."""
    allowed(acting_user, partner.organisation, SharedItem, context)
    errors: dict[str, str] = {}
    text = text.strip()
    override_reason = override_reason.strip()
    if link is None or link.partner_id != partner.pk:
        errors["link"] = _("Choose the man's case this information is for.")
    if not text:
        errors["text"] = _("Write the information to share, in the words the programme may read.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    basis = Basis.CONSENT
    if consent is not None:
        problem = _valid_consent(partner, consent, Purpose.RISK_MANAGEMENT)
        if problem:
            errors["consent"] = problem
        if override_reason:
            errors["override_reason"] = _("Share on her consent or on a safety override, not both.")
    elif len(override_reason) >= rules.OVERRIDE_REASON_MIN:
        basis = Basis.OVERRIDE
        if len(override_reason) > MAX_TEXT:
            errors["override_reason"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    elif override_reason:
        errors["override_reason"] = _(
            "Say in at least %(count)s characters why her safety requires sharing without her consent."
        ) % {"count": rules.OVERRIDE_REASON_MIN}
    else:
        errors["consent"] = _(
            "Nothing is shared without her consent to sharing for risk management, or a safety override with its "
            "reason: choose her consent, or give the reason for the override."
        )
    if errors:
        raise ValidationError(errors)
    if link is None:  # said above; for the type checker
        raise ValidationError({"link": _("Choose the man's case this information is for.")})
    with transaction.atomic():
        item = SharedItem.objects.create(
            organisation=partner.organisation,
            partner=partner,
            reference=link.reference,
            case_number=link.case_number,
            text=text,
            basis=basis,
            consent=consent,
            override_reason=override_reason if basis == Basis.OVERRIDE else "",
            shared_by=acting_user,
            shared_at=clock.now(),
        )
        audit.record(
            "survivors.item_shared",
            actor=acting_user,
            obj=item,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"partner": partner.pk, "case": link.case_number, "basis": basis},
        )
    return item


# --- Her safety plan -----------------------------------------------------------------------------


def _check_plan(measures: str, review_every: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not measures.strip():
        errors["measures"] = _("Write what keeps her safer: the plan you agreed with her.")
    elif len(measures) > MAX_TEXT:
        errors["measures"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    low, high = REVIEW_WEEKS
    if not low <= review_every <= high:
        errors["review_every"] = _("Choose from %(low)s to %(high)s weeks.") % {"low": low, "high": high}
    return errors


def _schedule(plan: SafetyPlan, acting_user: User, context: AuditContext | None) -> None:
    """The next review is work for her support workers, due on its day; the one before ends."""
    close_work(rule=PLAN_REVIEW_DUE, subject=plan, fulfilled_by="survivors.plan_reviewed", acting_user=acting_user)
    organisation = plan.partner.organisation
    country = organisation.country
    open_work(
        rule=PLAN_REVIEW_DUE,
        organisation=organisation,
        subject=plan,
        params={"plan": plan.pk, "partner": plan.partner_id},
        team_role=Role.SURVIVOR_WORKER,
        start=timezone.make_aware(datetime.combine(plan.next_review_on, time(9))),
        country_code=country.code if country is not None else None,
        compartment=Compartment.SURVIVOR,
        key=f"{PLAN_REVIEW_DUE.key}:{plan.pk}:{plan.version}",
        acting_user=acting_user,
        context=context,
    )


def make_safety_plan(
    *, partner: Partner, measures: str, review_every: int, acting_user: User, context: AuditContext | None = None
) -> SafetyPlan:
    allowed(acting_user, partner.organisation, SafetyPlan, context)
    errors = _check_plan(measures, review_every)
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    try:
        with transaction.atomic():
            plan = SafetyPlan.objects.create(
                partner=partner,
                measures=measures.strip(),
                review_every=review_every,
                next_review_on=rules.next_review(today, review_every),
                updated_by=acting_user,
                updated_at=clock.now(),
            )
            SafetyPlanReview.objects.create(
                plan=plan, reason=ReviewReason.MADE, reviewed_on=today, reviewed_by=acting_user
            )
            _schedule(plan, acting_user, context)
            audit.record(
                "survivors.plan_made",
                actor=acting_user,
                obj=plan,
                organisation=partner.organisation_id,
                compartment=Compartment.SURVIVOR,
                context=context,
                detail={"partner": partner.pk},
            )
    except IntegrityError:
        raise SurvivorSideRefused(_("She has a safety plan already: review it."), rule="version") from None
    return plan


def review_safety_plan(
    *,
    plan: SafetyPlan,
    reason: str,
    note: str,
    measures: str,
    review_every: int,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> SafetyPlan:
    """A review: why (scheduled, the risk changed, other), what was found, the plan as it now
    stands. It ends the review work it answers and schedules the next."""
    from tandem.survivors.work_rules import PLAN_RISK_CHANGED

    partner = plan.partner
    allowed(acting_user, partner.organisation, SafetyPlan, context)
    errors = _check_plan(measures, review_every)
    if reason not in (ReviewReason.SCHEDULED, ReviewReason.RISK_CHANGED, ReviewReason.OTHER):
        errors["reason"] = _("Choose why the plan is reviewed.")
    if len(note) > MAX_TEXT:
        errors["note"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    with transaction.atomic():
        changed = SafetyPlan._base_manager.filter(pk=plan.pk, version=expected_version).update(
            measures=measures.strip(),
            review_every=review_every,
            next_review_on=rules.next_review(today, review_every),
            version=expected_version + 1,
            updated_by=acting_user,
            updated_at=clock.now(),
        )
        if not changed:
            raise SurvivorSideRefused(
                _("Someone else reviewed this plan while you were writing: read it as it is now and review again."),
                rule="version",
            )
        plan.refresh_from_db()
        SafetyPlanReview.objects.create(
            plan=plan, reason=reason, note=note.strip(), reviewed_on=today, reviewed_by=acting_user
        )
        close_work(
            rule=PLAN_RISK_CHANGED, subject=plan, fulfilled_by="survivors.plan_reviewed", acting_user=acting_user
        )
        _schedule(plan, acting_user, context)
        audit.record(
            "survivors.plan_reviewed",
            actor=acting_user,
            obj=plan,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"partner": partner.pk, "reason": reason, "version": plan.version},
        )
    return plan
