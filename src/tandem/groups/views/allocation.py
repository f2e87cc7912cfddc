"""The men waiting for a group, placing one in a group, and recording a non-association."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.cases import queries as case_queries
from tandem.cases.actions import CaseRefused, StaleCase
from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.groups import queries
from tandem.groups.actions import GroupRefused, allocation
from tandem.groups.forms.planning import AllocateForm, NonAssociationForm
from tandem.groups.views import FORM_METHODS, act, coordinators_only
from tandem.groups.views.groups import render_group


@login_required
@require_GET
def waitlist_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not organisations_granting(user, Compartment.PROGRAMME, Action.VIEW):
        raise Http404
    waiting = list(queries.waitlist(user)[:200])
    now = clock.now()
    groups_by_provider: dict[int, list[Any]] = {}
    for case in waiting:
        if case.organisation_id not in groups_by_provider:
            groups_by_provider[case.organisation_id] = [
                g for g in queries.open_groups_for(case) if getattr(g, "member_count", 0) < g.capacity
            ]
    rows = [(case, (now - case.state_since).days, groups_by_provider[case.organisation_id]) for case in waiting]
    return render(request, "groups/waitlist.html", {"rows": rows})


@login_required
@require_POST
def allocate_view(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    group = queries.access_group(user, group_id, action=Action.CHANGE, context=context)
    form = AllocateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a man from the list of those waiting."))
        return redirect("groups:group", group_id=group.pk)
    case = case_queries.access_case(user, form.cleaned_data["case"], action=Action.CHANGE, context=context)
    try:
        allocation.allocate(
            case=case,
            group=group,
            expected_version=form.cleaned_data["version"],
            acting_user=user,
            context=context,
        )
    except GroupRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return render_group(request, group, status=409 if refused.rule == "version" else 422)
    except CaseRefused as refused:
        messages.error(request, refused.message)
        return render_group(request, group, status=409 if isinstance(refused, StaleCase) else 422)
    messages.success(
        request,
        _("Case #%(case)s is placed in %(group)s and starts in the programme.") % {"case": case.pk, "group": group},
    )
    return redirect("groups:group", group_id=group.pk)


@login_required
@require_http_methods(FORM_METHODS)
def non_association_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    case = case_queries.access_case(user, case_id, action=Action.CHANGE, context=context)
    others = [(other.pk, f"#{other.pk} {other.participant.name}") for other in queries.other_open_cases(user, case)]
    template = "groups/non_association_form.html"
    page: dict[str, Any] = {"case": case, "recorded": queries.recorded_non_associations(user, case)}
    if request.method != "POST":
        if refused := coordinators_only(
            request, case.organisation_id, reverse("cases:case", kwargs={"case_id": case.pk})
        ):
            return refused
        return render(request, template, {**page, "form": NonAssociationForm(others=others)})
    form = NonAssociationForm(request.POST, others=others)

    def record(data: dict[str, Any]) -> None:
        other = case_queries.access_case(user, data["other_case"], context=context)
        allocation.record_non_association(
            case=case, other_case=other, kind=data["kind"], acting_user=user, context=context
        )
        together = queries.shared_group(case.pk, other.pk)
        if together is not None:
            messages.warning(
                request,
                _(
                    "The two men are both in group %(group)s now. The coordinators have work to decide "
                    "how to separate them before the next session."
                )
                % {"group": together.name},
            )

    return act(
        request,
        template,
        form,
        page,
        action=record,
        done=_("The non-association is recorded: the two men will not be placed in the same group."),
        then=lambda: redirect("cases:case", case_id=case.pk),
    )
