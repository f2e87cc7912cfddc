"""Pages of the planning around her safety, from her record: sharing it with a survivor service
she chose, sharing one piece of information with the programme for risk management, and her
safety plan. Each is for her own support workers (others get 404, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.http import audit_context
from tandem.core.roles import Action
from tandem.survivors.actions import planning as actions
from tandem.survivors.http import survivor_reader as _reader
from tandem.survivors.models import Consent, Partner, Purpose
from tandem.survivors.planning_forms import PlanForm, PlanReviewForm, SharedItemForm, ShareForm
from tandem.survivors.queries import links_of, planning as queries
from tandem.survivors.views import FORM_METHODS, _act, _partner, _to_partner


def _consent_label(consent: Consent) -> str:
    period = (
        f"{date_format(consent.starts_on, 'SHORT_DATE_FORMAT')}–{date_format(consent.expires_on, 'SHORT_DATE_FORMAT')}"
    )
    service = f" ({consent.service})" if consent.service else ""
    return f"{consent.get_channel_display()}{service} · {period}"


def _consent_choices(partner: Partner, purpose: str) -> list[tuple[Any, str]]:
    return [(consent.pk, _consent_label(consent)) for consent in queries.consents_for(partner, purpose)]


@login_required
@require_http_methods(FORM_METHODS)
def share_new_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    services = {service.pk: service for service in queries.survivor_services(partner.organisation_id)}
    consents = {consent.pk: consent for consent in queries.consents_for(partner, Purpose.SHARE_SERVICE)}
    template = "survivors/share_form.html"
    page = {"partner": partner, "no_consent": not consents}

    def form(data: Any = None) -> ShareForm:
        made = ShareForm(data)
        made.fields["service"].choices = [("", "—")] + [(pk, s.name) for pk, s in services.items()]  # type: ignore[attr-defined]
        made.fields["consent"].choices = [("", "—"), *_consent_choices(partner, Purpose.SHARE_SERVICE)]  # type: ignore[attr-defined]
        return made

    if request.method != "POST":
        return render(request, template, {**page, "form": form()})
    return _act(
        request,
        template,
        form(request.POST),
        page,
        action=lambda data: actions.share_with_service(
            partner=partner,
            service=services[data["service"]],
            consent=consents.get(data["consent"]),
            acting_user=user,
            context=context,
        ),
        done=_("Her record is shared with the service while her consent is valid."),
        then=_to_partner(partner),
    )


@login_required
@require_POST
def share_end_view(request: HttpRequest, share_id: int) -> HttpResponse:
    context = audit_context(request)
    user = _reader(request, context)
    share = queries.access_share(user, share_id, context=context)
    from django.contrib import messages

    from tandem.survivors.actions import SurvivorSideRefused

    try:
        actions.end_share(share=share, acting_user=user, context=context)
        messages.success(request, _("The service no longer reads her record."))
    except SurvivorSideRefused as refused:
        messages.warning(request, refused.message)
    return _to_partner(share.partner)()


@login_required
@require_http_methods(FORM_METHODS)
def shared_item_new_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    links = {link.pk: link for link in links_of(partner)}
    consents = {consent.pk: consent for consent in queries.consents_for(partner, Purpose.RISK_MANAGEMENT)}
    template = "survivors/shared_item_form.html"
    page = {"partner": partner}

    def form(data: Any = None) -> SharedItemForm:
        made = SharedItemForm(data)
        made.fields["link"].choices = [(pk, f"#{link.case_number}") for pk, link in links.items()]  # type: ignore[attr-defined]
        made.fields["consent"].choices = [("", "—"), *_consent_choices(partner, Purpose.RISK_MANAGEMENT)]  # type: ignore[attr-defined]
        return made

    if request.method != "POST":
        return render(request, template, {**page, "form": form()})
    return _act(
        request,
        template,
        form(request.POST),
        page,
        action=lambda data: actions.share_item(
            partner=partner,
            link=links.get(data["link"]),
            text=data["text"],
            consent=consents.get(data["consent"]) if data["consent"] is not None else None,
            override_reason=data["override_reason"],
            acting_user=user,
            context=context,
        ),
        done=_("The information is on his case, marked as shared by her side."),
        then=_to_partner(partner),
    )


@login_required
@require_http_methods(FORM_METHODS)
def plan_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    """Her safety plan: made once, then reviewed (on its day, when his risk changes, or when
    needed), each review kept."""
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    plan = queries.plan_of(partner)
    template = "survivors/plan_form.html"
    page = {"partner": partner, "plan": plan, "reviews": queries.reviews_of(plan) if plan else []}
    if plan is None:
        if request.method != "POST":
            return render(request, template, {**page, "form": PlanForm()})
        return _act(
            request,
            template,
            PlanForm(request.POST),
            page,
            action=lambda data: actions.make_safety_plan(
                partner=partner,
                measures=data["measures"],
                review_every=data["review_every"],
                acting_user=user,
                context=context,
            ),
            done=_("Her safety plan is saved, and its review is scheduled."),
            then=_to_partner(partner),
        )
    if request.method != "POST":
        initial = {"measures": plan.measures, "review_every": plan.review_every, "version": plan.version}
        reason = "risk_changed" if request.GET.get("reason") == "risk_changed" else "scheduled"
        return render(request, template, {**page, "form": PlanReviewForm(initial={**initial, "reason": reason})})
    reviewed = plan
    return _act(
        request,
        template,
        PlanReviewForm(request.POST),
        page,
        action=lambda data: actions.review_safety_plan(
            plan=reviewed,
            reason=data["reason"],
            note=data["note"],
            measures=data["measures"],
            review_every=data["review_every"],
            expected_version=data["version"] or 0,
            acting_user=user,
            context=context,
        ),
        done=_("The review is saved, and the next one is scheduled."),
        then=_to_partner(partner),
    )
