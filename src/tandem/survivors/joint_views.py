"""Pages of joint planning: joint case reviews with survivor services (each item read by the side
it names) and referrals to the multi-agency risk conference (MARAC) with their meetings.

Joint reviews are for the parties: the provider's coordinators, facilitators (the programme
side's items only) and survivor-support workers, and the service's workers and coordinators.
Risk conference pages are the survivor compartment's (coordinators and her workers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.cases.queries import get_cases_of, partner_references_of
from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import Organisation, User
from tandem.core.policy import organisations_granting, organisations_with_role
from tandem.core.roles import Action, Compartment, OrganisationKind, Role
from tandem.survivors import rules
from tandem.survivors.actions import SurvivorSideRefused, conference as conference_actions, joint as joint_actions
from tandem.survivors.http import survivor_reader as _reader
from tandem.survivors.models import ActionStatus, ItemKind, Side
from tandem.survivors.planning_forms import (
    ConferenceStatusForm,
    ItemForm,
    JointReviewForm,
    MeetingForm,
    ReferralForm,
    StatusForm,
)
from tandem.survivors.queries import planning as queries
from tandem.survivors.views import FORM_METHODS, _act

PARTY_ROLES = (Role.COORDINATOR, Role.FACILITATOR, Role.SURVIVOR_WORKER)


def _party(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not organisations_with_role(user, *PARTY_ROLES):
        raise Http404
    return user


def _providers_recording(user: User) -> list[Organisation]:
    """The providers whose joint reviews the person records: as coordinator or worker there."""
    ids = organisations_with_role(user, Role.COORDINATOR, Role.SURVIVOR_WORKER)
    return list(Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.PROGRAMME_PROVIDER))


@login_required
@require_safe
def joint_list_view(request: HttpRequest) -> HttpResponse:
    user = _party(request)
    reviews = list(queries.joint_reviews_for(user)[:200])
    return render(
        request,
        "survivors/joint_list.html",
        {"reviews": reviews, "may_record": bool(_providers_recording(user)), "shows_service": _shows_service(user)},
    )


@login_required
@require_http_methods(FORM_METHODS)
def joint_new_view(request: HttpRequest) -> HttpResponse:
    user = _party(request)
    context = audit_context(request)
    providers = _providers_recording(user)
    if not providers:
        raise Http404
    services = {s.pk: s for s in queries.survivor_services(excluding=0)}
    template = "survivors/joint_new.html"

    def form(data: Any = None) -> JointReviewForm:
        case = request.GET.get("case", "")
        made = JointReviewForm(data, initial={"held_on": clock.today(), "case": case if case.isdigit() else None})
        made.fields["service"].choices = [("", "—")] + [(pk, s.name) for pk, s in services.items()]  # type: ignore[attr-defined]
        return made

    if request.method != "POST":
        return render(request, template, {"form": form()})
    made: dict[str, Any] = {}

    def record(data: dict[str, Any]) -> None:
        owner = next((p for p in providers if partner_references_of(p.pk, [data["case"]])), providers[0])
        made["review"] = joint_actions.record_joint_review(
            organisation=owner,
            service=services.get(data["service"]),
            case_id=data["case"],
            held_on=data["held_on"],
            acting_user=user,
            context=context,
        )

    return _act(
        request,
        template,
        form(request.POST),
        {},
        action=record,
        done=_("The joint review is recorded: add its agenda, decisions and actions."),
        then=lambda: redirect("survivors:joint_review", review_id=made["review"].pk),
    )


def _review_page(user: User, review: Any) -> dict[str, Any]:
    items = queries.items_of(user, review)
    sides = joint_actions.sides_open_to(user, review)
    return {
        "review": review,
        "sections": [
            (
                label,
                [
                    (item, StatusForm(initial={"status": item.status, "version": item.version}))
                    for item in items
                    if item.kind == kind
                ],
            )
            for kind, label in ItemKind.choices
        ],
        "sides": sides,
        "side_labels": dict(Side.choices),
        "shows_service": _shows_service(user),
    }


def _shows_service(user: User) -> bool:
    # Which service supports her can say where she is: the man's facilitators never read it.
    return bool(organisations_with_role(user, Role.COORDINATOR, Role.SURVIVOR_WORKER))


def _item_form(sides: tuple[str, ...], data: Any = None) -> ItemForm:
    form = ItemForm(data)
    form.fields["side"].choices = [(value, label) for value, label in Side.choices if value in sides]  # type: ignore[attr-defined]
    return form


@login_required
@require_http_methods(FORM_METHODS)
def joint_review_view(request: HttpRequest, review_id: int) -> HttpResponse:
    user = _party(request)
    context = audit_context(request)
    review = queries.access_review(user, review_id, context=context)
    page = _review_page(user, review)
    template = "survivors/joint_review.html"
    if request.method != "POST":
        return render(request, template, {**page, "form": _item_form(page["sides"]) if page["sides"] else None})
    if not page["sides"]:
        raise Http404
    return _act(
        request,
        template,
        _item_form(page["sides"], request.POST),
        page,
        action=lambda data: joint_actions.add_item(
            review=review,
            kind=data["kind"],
            side=data["side"],
            text=data["text"],
            owner=data["owner"],
            due_on=data["due_on"],
            acting_user=user,
            context=context,
        ),
        done=_("The item is added."),
        then=lambda: redirect("survivors:joint_review", review_id=review.pk),
    )


@login_required
@require_POST
def joint_item_status_view(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _party(request)
    context = audit_context(request)
    item = queries.access_item(user, item_id, context=context)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Choose open, done or dropped."))
    else:
        try:
            joint_actions.set_action_status(
                item=item,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
                acting_user=user,
                context=context,
            )
            messages.success(request, _("The action's status is saved."))
        except (SurvivorSideRefused, ValidationError) as refused:
            messages.warning(request, getattr(refused, "message", None) or _("Choose open, done or dropped."))
    return redirect("survivors:joint_review", review_id=item.review_id)


# --- Risk conference -------------------------------------------------------------------------------


def _case_of(user: User, case_id: int) -> tuple[Any, Any]:
    for organisation_id in organisations_granting(user, Compartment.SURVIVOR, Action.VIEW):
        reference = partner_references_of(organisation_id, [case_id]).get(case_id)
        if reference is not None:
            cases = get_cases_of(organisation_id, [case_id])
            return cases[0], reference
    raise Http404


@login_required
@require_http_methods(FORM_METHODS)
def conference_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case and the risk conference: what the threshold says from his latest risk level and
    her side's signals, the referrals with their meetings and actions, and the form to refer."""
    from tandem.risk.models import Level
    from tandem.risk.queries import latest_level

    levels = {value: str(label) for value, label in Level.choices}
    context = audit_context(request)
    user = _reader(request, context)
    case, reference = _case_of(user, case_id)
    level = latest_level(case)
    threshold = rules.conference_threshold(level, serious_signal=queries.serious_signal_since(reference, days=90))
    changes = case.organisation_id in organisations_granting(user, Compartment.SURVIVOR, Action.CHANGE)
    page = {
        "case_id": case_id,
        "level": level,
        "threshold": threshold.value,
        "level_label": levels.get(level, ""),
        "referrals": [(r, levels.get(r.risk_level, r.risk_level)) for r in queries.referrals_of_case(user, reference)],
        "changes": changes,
        "repeat_days": rules.REPEAT_WITHIN_DAYS,
        "statuses": ActionStatus.choices,
    }
    template = "survivors/conference.html"
    if request.method != "POST":
        return render(
            request,
            template,
            {**page, "form": ReferralForm(initial={"referred_on": clock.today()}) if changes else None},
        )
    if not changes:
        raise Http404
    return _act(
        request,
        template,
        ReferralForm(request.POST),
        page,
        action=lambda data: conference_actions.refer_to_conference(
            organisation=case.organisation,
            case_id=case_id,
            referred_on=data["referred_on"],
            reason=data["reason"],
            acting_user=user,
            context=context,
        ),
        done=_("The referral is recorded."),
        then=lambda: redirect("survivors:conference", case_id=case_id),
    )


@login_required
@require_http_methods(FORM_METHODS)
def meeting_new_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    context = audit_context(request)
    user = _reader(request, context)
    referral = queries.access_referral(user, referral_id, context=context)
    template = "survivors/meeting_form.html"
    page = {"referral": referral}
    if request.method != "POST":
        return render(request, template, {**page, "form": MeetingForm(initial={"held_on": clock.today()})})
    form = MeetingForm(request.POST)
    return _act(
        request,
        template,
        form,
        page,
        action=lambda data: conference_actions.record_meeting(
            referral=referral,
            held_on=data["held_on"],
            agencies=data["agencies"],
            actions=form.actions(),  # type: ignore[arg-type]
            acting_user=user,
            context=context,
        ),
        done=_("The meeting and its actions are recorded."),
        then=lambda: redirect(reverse("survivors:conference", kwargs={"case_id": referral.case_number})),
    )


@login_required
@require_POST
def conference_action_status_view(request: HttpRequest, action_id: int) -> HttpResponse:
    context = audit_context(request)
    user = _reader(request, context)
    action = queries.access_conference_action(user, action_id, context=context)
    form = ConferenceStatusForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Choose open, done or dropped."))
    else:
        try:
            conference_actions.set_conference_action(
                action=action,
                status=form.cleaned_data["status"],
                was=form.cleaned_data["was"],
                acting_user=user,
                context=context,
            )
            messages.success(request, _("The action's status is saved."))
        except SurvivorSideRefused as refused:
            messages.warning(request, refused.message)
    return redirect("survivors:conference", case_id=action.meeting.referral.case_number)
