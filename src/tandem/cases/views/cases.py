"""The case list and the case page with its next steps, panels and timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tandem.cases import actions, queries
from tandem.cases.forms import CaseFilter, MoveForm
from tandem.cases.models import Case
from tandem.cases.pages import works_on_cases
from tandem.cases.panels import panels_for, timeline_for
from tandem.cases.queries.overview import coordinated, flagged, safety_overview
from tandem.cases.rules.lifecycle import TRANSITIONS, State, next_steps
from tandem.cases.rules.matching import Search
from tandem.core import clock
from tandem.core.http import audit_context, say_refusals_aloud, signed_in_user
from tandem.core.policy import organisations_granting, places_of
from tandem.core.roles import Action, Compartment
from tandem.survivors import alerts

PAGE_SIZE = 50
# The newest rows of a case's timeline shown at first; the whole of it is one link away.
TIMELINE_SHOWN = 30


@login_required
@require_safe
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The cases the person may see, filtered, and searched by case number or the man's name.
    A search on the man's side that names a partner recorded on the survivor side alerts the
    organisation's administrators (``survivors.alerts.searched_for_her``); the page shows the
    same whatever it decided."""
    user = signed_in_user(request)
    if not works_on_cases(user):
        raise Http404
    filters = _understood_filters(request)
    chosen = filters.cleaned_data
    state, order, flag, typed = (chosen.get(name, "") for name in ("state", "order", "flag", "q"))
    among = None
    if filters.has_error("q"):
        among = []
    elif typed:
        among = queries.cases_found(user, Search.of(typed))
        alerts.searched_for_her(
            user,
            organisations_granting(user, Compartment.PROGRAMME, Action.VIEW),
            typed,
            audit_context(request),
            his_case_found=bool(among),
        )
    found = flagged(queries.case_list(user, state=state, longest_first=order == "longest", among=among), flag, user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each state's label is translated once per page, not once per row.
    labels = {value: str(label) for value, label in State.choices}
    context = {
        "filters": filters,
        "page": page,
        "rows": [(case, labels.get(case.state, case.state)) for case in page.object_list],
        "query": request.GET.copy(),
    }
    return render(request, "cases/case_list.html", context)


def _understood_filters(request: HttpRequest) -> CaseFilter:
    """The case list's filters, validated. A filter that cannot be understood is left out with
    a message; a search that is too long stays, for its field to say so."""
    filters = CaseFilter(request.GET)
    not_understood = [name for name in filters.errors if name != "q"] if not filters.is_valid() else []
    if not_understood:
        messages.warning(request, _("A filter could not be understood and was left out."))
        kept = request.GET.copy()
        for name in not_understood:
            kept.pop(name, None)
        filters = CaseFilter(kept)
        filters.is_valid()
    return filters


def _roles_here(request: HttpRequest, case: Case) -> frozenset[str]:
    return frozenset(p.role for p in places_of(request.user) if p.organisation_id == case.organisation_id)


def _render_case(request: HttpRequest, case: Case, *, form: MoveForm | None = None, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    steps = next_steps(case.state, _roles_here(request, case))  # type: ignore[arg-type]
    if not steps:
        say_refusals_aloud(request, form)
    timeline = timeline_for(user, case)
    whole_timeline = request.GET.get("timeline") == "all"
    context = {
        "case": case,
        "steps": steps,
        "form": form or MoveForm(initial={"version": case.version}),
        "panels": panels_for(user, case),
        "timeline": timeline[:TIMELINE_SHOWN] if not whole_timeline else timeline,
        "timeline_hidden": 0 if whole_timeline else max(len(timeline) - TIMELINE_SHOWN, 0),
    }
    return render(request, "cases/case.html", context, status=status)


@login_required
@require_safe
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = queries.access_case(user, case_id, context=audit_context(request))
    return _render_case(request, case)


@login_required
@require_POST
def case_move_view(request: HttpRequest, case_id: int, event: str) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    case = queries.access_case(user, case_id, context=context)
    if event not in TRANSITIONS:
        raise Http404
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, form=form, status=422)
    try:
        actions.move_case(
            case=case,
            event=event,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            acting_user=user,
            context=context,
        )
    except actions.CaseRefused as refused:
        form.add_error(None, refused.message)
        return _render_case(request, case, form=form, status=409 if isinstance(refused, actions.StaleCase) else 422)
    except ValidationError as invalid:
        for field, errors in invalid.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_case(request, case, form=form, status=422)
    messages.success(request, _("The case is now: %(state)s.") % {"state": State(case.state).label})
    return redirect("cases:case", case_id=case.pk)


@login_required
@require_safe
def safety_overview_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not coordinated(user):
        # Only a coordinator oversees the safety of a provider's cases; for anyone else the
        # page is not there.
        raise Http404
    return render(request, "cases/safety_overview.html", {"overview": safety_overview(user), "now": clock.now()})
