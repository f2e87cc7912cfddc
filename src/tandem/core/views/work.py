"""The work lists: what is yours to do, and, for those who oversee an organisation, all of its
open work by person and team. Work is done on its own page (the item links there) and closed
by the action that fulfils it; these lists only show it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tandem.core import clock, work
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import User, WorkItem
from tandem.core.queries import (
    access_supervised_organisation,
    open_work_of,
    open_work_of_organisation,
    supervised_organisations,
)
from tandem.core.roles import Role


@dataclass(frozen=True)
class Line:
    """One item as the list shows it."""

    item: WorkItem
    title: str
    link: str
    overdue: bool
    escalated_to: str


def _line(item: WorkItem) -> Line:
    escalated_to = ""
    if item.escalation_level:
        role = item.escalation_role_2 if item.escalation_level >= 2 else item.escalation_role_1
        escalated_to = str(Role(role).label) if role else ""
    return Line(item, work.title_of(item), work.link_of(item), item.due_at <= clock.now(), str(escalated_to))


# Items per page: the soonest due come first, so the first page is the one that matters.
PAGE_SIZE = 100


def _page(request: HttpRequest, items: QuerySet[WorkItem]) -> Page[WorkItem]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _holder(item: WorkItem) -> str:
    if item.owner is not None:
        return item.owner.get_full_name() or item.owner.get_username()
    return _("Team: %(role)s") % {"role": Role(item.team_role).label}


@login_required
@require_safe
def work_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    mine, teams, escalated = [], defaultdict(list), []
    page = _page(request, open_work_of(user))
    for item in page:
        if item.owner_id == user.pk:
            mine.append(_line(item))
        elif item.escalation_level and _escalated_to(item, user):
            escalated.append(_line(item))
        else:
            teams[f"{Role(item.team_role).label} · {item.organisation.name}"].append(_line(item))
    context = {
        "mine": mine,
        "teams": sorted(teams.items()),
        "escalated": escalated,
        "supervised": supervised_organisations(user),
        "page": page,
    }
    return render(request, "core/work_list.html", context)


def _escalated_to(item: WorkItem, user: User) -> bool:
    from tandem.core.scoping import places_of

    roles = {p.role.value for p in places_of(user) if p.organisation_id == item.organisation_id}
    return bool(roles & {item.escalation_role_1, item.escalation_role_2} - {""}) and item.team_role not in roles


@login_required
@require_safe
def work_organisation_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    user = signed_in_user(request)
    organisation = access_supervised_organisation(user, organisation_id, context=audit_context(request))
    by_holder: dict[str, list[Line]] = defaultdict(list)
    page = _page(request, open_work_of_organisation(organisation, user))
    for item in page:
        by_holder[_holder(item)].append(_line(item))
    return render(
        request,
        "core/work_organisation.html",
        {"organisation": organisation, "holders": sorted(by_holder.items()), "page": page},
    )
