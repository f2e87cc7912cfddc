"""Joint case reviews of a programme provider with a survivor support service: the review of one
man's case and his partner's safety, and its items (agenda, decisions, actions with an owner, a
due day and a status), each for the side it names."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import has_role, organisations_with_role
from tandem.core.roles import Action, Compartment, OrganisationKind, Role
from tandem.core.scoping import record_denied
from tandem.survivors import rules
from tandem.survivors.actions import MAX_LINE, MAX_TEXT, SurvivorSideRefused
from tandem.survivors.models import ActionStatus, ItemKind, JointReview, JointReviewItem
from tandem.survivors.queries import planning as planning_queries


def _record(
    name: str, user: User, obj: Model, review: JointReview, context: AuditContext | None, **detail: object
) -> None:
    audit.record(
        name,
        actor=user,
        obj=obj,
        organisation=review.organisation_id,
        compartment=Compartment.SURVIVOR,
        context=context,
        detail={"review": review.pk, "service": review.service_id, **detail},
    )


def record_joint_review(
    *,
    organisation: Organisation,
    service: Organisation | None,
    case_id: int,
    held_on: date,
    acting_user: User,
    context: AuditContext | None = None,
) -> JointReview:
    """A provider's coordinator or survivor-support worker records a review held with a survivor
    service about one of the provider's cases."""
    from tandem.cases.queries import partner_references_of

    if not has_role(acting_user, organisation.pk, Role.COORDINATOR, Role.SURVIVOR_WORKER):
        record_denied(acting_user, JointReview, "", Action.CHANGE, context, detail={"organisation": organisation.pk})
        raise SurvivorSideRefused(
            _("Only the programme's coordinators and survivor-support workers record a joint review.")
        )
    errors: dict[str, str] = {}
    if service is None or service.kind != OrganisationKind.SURVIVOR_SERVICE:
        errors["service"] = _("Choose the survivor support service the review was held with.")
    reference = partner_references_of(organisation.pk, [case_id]).get(case_id)
    if reference is None:
        errors["case"] = _("Give the number of a man's case of this programme.")
    today = clock.today()
    if not today - timedelta(days=366) <= held_on <= today:
        errors["held_on"] = _("Choose the day it was held: today or within the last year.")
    shared = (
        service is not None and reference is not None and planning_queries.shared_with_service(reference, service.pk)
    )
    if not errors and not shared:
        errors["service"] = _(
            "His partner has not agreed to share her record with this service: a joint review is held only "
            "with a service she chose. Record her consent and share her record first."
        )
    if errors:
        raise ValidationError(errors)
    if service is None or reference is None:  # said above; for the type checker
        raise ValidationError({"case": _("Give the number of a man's case of this programme.")})
    with transaction.atomic():
        review = JointReview.objects.create(
            organisation=organisation,
            service=service,
            reference=reference,
            case_number=case_id,
            held_on=held_on,
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        _record("survivors.joint_review.recorded", acting_user, review, review, context, case=case_id)
    return review


def _sides(user: User, review: JointReview) -> tuple[str, ...]:
    coordinator = has_role(user, review.organisation_id, Role.COORDINATOR)
    survivor_side = bool(
        {review.organisation_id, review.service_id} & set(organisations_with_role(user, Role.SURVIVOR_WORKER))
    ) or has_role(user, review.service_id, Role.COORDINATOR)
    return rules.sides_for(coordinator=coordinator, survivor_side=survivor_side)


def sides_open_to(user: User, review: JointReview) -> tuple[str, ...]:
    """The sides ``user`` may give a new item of ``review`` (none: she adds no items)."""
    return _sides(user, review)


def add_item(
    *,
    review: JointReview,
    kind: str,
    side: str,
    text: str,
    acting_user: User,
    owner: str = "",
    due_on: date | None = None,
    context: AuditContext | None = None,
) -> JointReviewItem:
    sides = _sides(acting_user, review)
    if not sides:
        record_denied(acting_user, JointReviewItem, "", Action.CHANGE, context, detail={"review": review.pk})
        raise SurvivorSideRefused(_("Only the parties to the review add to it."))
    errors: dict[str, str] = {}
    text, owner = text.strip(), owner.strip()
    if kind not in ItemKind.values:
        errors["kind"] = _("Choose an agenda point, a decision or an action.")
    if side not in sides:
        errors["side"] = _("Choose who may read it: your side, or both.")
    if not text:
        errors["text"] = _("Write the item.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if kind == ItemKind.ACTION:
        if not owner:
            errors["owner"] = _("Name who does it: a person or an agency.")
        if due_on is None:
            errors["due_on"] = _("Give the day it is due.")
        elif not review.held_on <= due_on <= review.held_on + timedelta(days=366):
            errors["due_on"] = _("Choose a day from the review to a year after it.")
    elif owner or due_on is not None:
        errors["owner" if owner else "due_on"] = _("Only an action has an owner and a due day.")
    if len(owner) > MAX_LINE:
        errors["owner"] = _("At most %(count)s characters.") % {"count": MAX_LINE}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = JointReviewItem.objects.create(
            review=review,
            kind=kind,
            side=side,
            text=text,
            owner=owner,
            due_on=due_on,
            status=ActionStatus.OPEN if kind == ItemKind.ACTION else "",
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        _record("survivors.joint_review.item_added", acting_user, item, review, context, kind=kind, side=side)
    return item


def set_action_status(
    *,
    item: JointReviewItem,
    status: str,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> JointReviewItem:
    review = item.review
    if not _sides(acting_user, review):
        record_denied(acting_user, JointReviewItem, item.pk, Action.CHANGE, context)
        raise SurvivorSideRefused(_("Only the parties to the review change it."))
    if item.kind != ItemKind.ACTION:
        raise SurvivorSideRefused(_("Only an action has a status."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose open, done or dropped.")})
    with transaction.atomic():
        if not JointReviewItem._base_manager.filter(pk=item.pk, version=expected_version).update(
            status=status, version=expected_version + 1
        ):
            raise SurvivorSideRefused(
                _("Someone else changed this action while you were looking: see where it stands now."), rule="version"
            )
        item.status, item.version = status, expected_version + 1
        _record("survivors.joint_review.action_status", acting_user, item, review, context, status=status)
    return item
