"""The groups of a provider: the list, planning a new group, and a group's page with its
schedule, team, men and their dosage."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import Organisation
from tandem.core.policy import has_role, organisations_granting, organisations_with_role
from tandem.core.roles import Action, Compartment, OrganisationKind, Role
from tandem.groups import queries
from tandem.groups.actions import planning
from tandem.groups.forms.planning import GroupForm
from tandem.groups.models import Group, GroupState, SessionState
from tandem.groups.views import FORM_METHODS, act


def planning_organisations(user: Any) -> list[Organisation]:
    """The providers the person plans groups for: those where she is a coordinator."""
    return list(
        Organisation.objects.filter(
            pk__in=organisations_with_role(user, Role.COORDINATOR), kind=OrganisationKind.PROGRAMME_PROVIDER
        ).order_by("name", "pk")
    )


@login_required
@require_GET
def group_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not organisations_granting(user, Compartment.PROGRAMME, Action.VIEW):
        raise Http404
    state = request.GET.get("state", "")
    if state not in GroupState.values:
        state = ""
    groups = list(queries.groups_visible_to(user, state=state))
    return render(
        request,
        "groups/group_list.html",
        {
            "groups": groups,
            "state": state,
            "states": GroupState.choices,
            "plans": bool(planning_organisations(user)),
        },
    )


def _organisation(request: HttpRequest, user: Any) -> Organisation:
    allowed = planning_organisations(user)
    if not allowed:
        raise Http404
    chosen = request.GET.get("organisation") or request.POST.get("organisation")
    if not chosen:
        return allowed[0]
    for organisation in allowed:
        if str(organisation.pk) == chosen:
            return organisation
    raise Http404


def _programmes(organisation: Organisation) -> list[tuple[int, str]]:
    from tandem.mapping.models import Programme

    return [(p.pk, p.name) for p in Programme.objects.filter(provider_id=organisation.pk).order_by("name", "pk")]


@login_required
@require_http_methods(FORM_METHODS)
def group_new_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    organisation = _organisation(request, user)
    team = queries.active_facilitators_of(organisation.pk)
    options: dict[str, Any] = {"team": team, "programmes": _programmes(organisation)}
    template = "groups/group_form.html"
    context: dict[str, Any] = {"organisation": organisation, "organisations": planning_organisations(user)}
    if request.method != "POST":
        form = GroupForm(initial={"intake": "closed", "capacity": 12, "curriculum": "tandem-generic-1"}, **options)
        return render(request, template, {**context, "form": form})
    form = GroupForm(request.POST, **options)
    made: dict[str, Any] = {}

    def plan(data: dict[str, Any]) -> None:
        made["group"] = planning.plan_group(
            organisation=organisation,
            plan=planning.GroupPlan(
                name=data["name"],
                curriculum=data["curriculum"],
                intake=data["intake"],
                venue=data["venue"],
                weekday=data["weekday"],
                start_time=data["start_time"],
                start_date=data["start_date"],
                capacity=data["capacity"],
                language=data["language"],
                programme_id=data["programme"],
            ),
            facilitator_ids=[profile.pk for profile in data["facilitators"]],
            override=data["override"],
            override_reason=data["override_reason"],
            acting_user=user,
            context=audit_context(request),
        )

    return act(
        request,
        template,
        form,
        context,
        action=plan,
        done=_("The group is planned, with its sessions."),
        then=lambda: redirect("groups:group", group_id=made["group"].pk),
    )


@login_required
@require_GET
def group_view(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    return render_group(request, queries.access_group(user, group_id, context=audit_context(request)))


def render_group(request: HttpRequest, group: Group, *, status: int = 200) -> HttpResponse:
    """The group's page; after a refused step, with the refusal said and its status."""
    user = signed_in_user(request)
    curriculum = queries.curriculum_of(group)
    sessions = queries.sessions_of(group)
    members = queries.members_of(group)
    progress = queries.progress_of(group, members)
    coordinator = has_role(user, group.organisation_id, Role.COORDINATOR)
    waiting = list(queries.waitlist(user).filter(organisation_id=group.organisation_id)[:50]) if coordinator else []
    return render(
        request,
        "groups/group.html",
        {
            "group": group,
            "curriculum": curriculum,
            "schedule": [(session, curriculum.session(session.number)) for session in sessions],
            "team": queries.team_of(group),
            # Sessions that have taken place and wait for their attendance, at the top of the
            # page: the facilitator on her phone after the session looks for nothing else.
            "to_record": [s for s in sessions if s.state == SessionState.PLANNED and s.start <= clock.now()],
            "members": [progress[m.pk] for m in members],
            "kept_apart": queries.pairs_kept_apart(members),
            "catch_ups": queries.catch_ups_of(group),
            "now": clock.now(),
            "coordinator": coordinator,
            "waiting": waiting,
            "places_left": max(group.capacity - sum(1 for m in members if m.state == "active"), 0),
            # A closed group takes men until it begins; a rolling one while it runs.
            "open": group.state == GroupState.PLANNED
            or (group.state == GroupState.RUNNING and group.intake == "rolling"),
        },
        status=status,
    )
