"""Pages of the pooled outcome dataset: a provider's agreements and contributions (its
administrators record and end agreements; they and its coordinators contribute), the log of
every contribution (the network's analysts and the platform's administrators), and the
benchmarks (the analysts see every programme under its pseudonym; a provider's coordinators and
administrators see their own programme, by name, beside the pool). Nobody else finds them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.cases.rules.lifecycle import State as CaseState
from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.policy import has_role
from tandem.core.suppression import installation_threshold
from tandem.outcomes import pool, pool_actions
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.models import TimePoint
from tandem.outcomes.pool import POOL, Benchmarks, ChangeFigure, ShareFigure
from tandem.outcomes.pool_forms import AgreementForm, EndAgreementForm
from tandem.outcomes.pool_models import Contribution
from tandem.outcomes.queries import pool as queries
from tandem.outcomes.rules import pooling
from tandem.outcomes.rules.instruments import LOWER, MAN, shipped_instruments

FORM_METHODS = ["GET", "HEAD", "POST"]


@dataclass(frozen=True)
class LogRow:
    contribution: Contribution
    pooled: bool  # the newest of its provider under an agreement in force: what the pool reads
    first_month: date | None
    last_month: date | None


def _month(text: str) -> date | None:
    """A month kept as YYYY-MM, as a date for the page's own month format."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def _log_rows(contributions: Sequence[Contribution], pooled: set[int]) -> list[LogRow]:
    return [
        LogRow(
            contribution, contribution.pk in pooled, _month(contribution.first_month), _month(contribution.last_month)
        )
        for contribution in contributions
    ]


def _refused(request: HttpRequest, error: OutcomeRefused | ValidationError | pool.PoolError) -> None:
    if isinstance(error, OutcomeRefused):
        messages.error(request, error.message)
    elif isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


@login_required
@require_http_methods(FORM_METHODS)
def agreements_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """A provider's data-sharing agreements, its contributions, and the forms to record an
    agreement and to contribute."""
    user = signed_in_user(request)
    context = audit_context(request)
    organisation = queries.access_provider(user, organisation_id, context=context)
    form = AgreementForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                pool_actions.record_agreement(
                    organisation=organisation,
                    reference=data["reference"],
                    signed_on=data["signed_on"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    scope=data["scope"],
                    acting_user=user,
                    context=context,
                )
            except OutcomeRefused as refused:
                _refused(request, refused)
                return redirect("outcomes:agreements", organisation_id=organisation.pk)
            except ValidationError as invalid:
                for field, errors in invalid.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The agreement is recorded."))
                return redirect("outcomes:agreements", organisation_id=organisation.pk)
        status = 422
    today = clock.today()
    agreements = queries.agreements_of(organisation)
    in_force = {agreement.pk for agreement in agreements if queries.in_force(agreement, today)}
    pooled = {contribution.pk for contribution in queries.pooled_contributions(today)}
    return render(
        request,
        "outcomes/pool/agreements.html",
        {
            "organisation": organisation,
            "agreements": [
                (agreement, agreement.pk in in_force, EndAgreementForm(initial={"version": agreement.version}))
                for agreement in agreements
            ],
            "contributions": _log_rows(queries.contributions_of(organisation), pooled),
            "may_agree": has_role(user, organisation.pk, *queries.AGREEMENT_ROLES),
            "may_contribute": bool(in_force),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def agreement_end_view(request: HttpRequest, organisation_id: int, agreement_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    organisation = queries.access_provider(user, organisation_id, context=context)
    agreement = queries.get_agreement(organisation, agreement_id)
    form = EndAgreementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Open the page again: the form was not complete."))
        return redirect("outcomes:agreements", organisation_id=organisation.pk)
    try:
        pool_actions.end_agreement(
            agreement=agreement, expected_version=form.cleaned_data["version"], acting_user=user, context=context
        )
    except OutcomeRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("The agreement has ended: the programme's data has left the pool."))
    return redirect("outcomes:agreements", organisation_id=organisation.pk)


@login_required
@require_POST
def contribute_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    organisation = queries.access_provider(user, organisation_id, context=context)
    try:
        contribution = pool_actions.contribute(organisation=organisation, acting_user=user, context=context)
    except (OutcomeRefused, pool.PoolError) as refused:
        _refused(request, refused)
    except OSError:
        messages.error(request, _("The pool folder could not be written: ask the platform's administrator."))
    else:
        messages.success(
            request,
            _("Contributed: %(questionnaires)d questionnaires of %(men)d men and %(partners)d partners.")
            % {
                "questionnaires": contribution.questionnaires,
                "men": contribution.men,
                "partners": contribution.partners,
            },
        )
    return redirect("outcomes:agreements", organisation_id=organisation.pk)


@login_required
@require_safe
def pool_log_view(request: HttpRequest) -> HttpResponse:
    """Every contribution of every provider: who contributed, when, under which agreement, how
    much, and the SHA-256 of the file, for the network's analysts and the platform's
    administrators."""
    user = signed_in_user(request)
    if not queries.reads_pool_log(user):
        raise Http404
    log = list(queries.contribution_log())
    pooled = {contribution.pk for contribution in queries.pooled_contributions(clock.today(), log)}
    return render(request, "outcomes/pool/log.html", {"log": _log_rows(log, pooled)})


# --- Benchmarks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    labels: list[str]
    cells: list[ShareFigure | ChangeFigure | None]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    explanation: str
    change: bool
    label_headers: list[str]
    rows: list[TableRow]
    width: int  # columns in all, for a row that spans the table


def _point(name: str) -> str:
    return str(TimePoint(name).label) if name in TimePoint.values else name


def _respondent(name: str) -> str:
    return _("His answers") if name == MAN else _("Her answers")


def _exit(name: str | None) -> str:
    if name is None:
        return pgettext("how a case ended", "Not written: too few ended alike")
    if name == pooling.ONGOING:
        return pgettext("how a case ended", "Not ended yet")
    return str(CaseState(name).label) if name in CaseState.values else name


def _subscales() -> dict[tuple[str, str], str]:
    return {
        (instrument.respondent, subscale.key): subscale.text()
        for instrument in shipped_instruments()
        for subscale in instrument.subscales
    }


def _better(key: dict[str, str]) -> str:
    for instrument in shipped_instruments():
        found = instrument.subscale(key["subscale"]) if instrument.respondent == key["respondent"] else None
        if found is not None:
            return _("Lower") if found.better == LOWER else _("Higher")
    return ""


def _table(
    key: str,
    figures: Sequence[Any],
    scopes: Sequence[str],
    *,
    title: str,
    explanation: str,
    label_headers: list[str],
    label: Callable[[dict[str, str]], list[str]],
) -> Table:
    by_key: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}
    labels: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for figure in figures:
        row = tuple(figure.key.items())
        by_key.setdefault(row, {})[figure.scope] = figure
        labels[row] = label(figure.key)
    rows = [TableRow(labels[row], [cells.get(scope) for scope in scopes]) for row, cells in by_key.items()]
    return Table(key, title, explanation, key == "change", label_headers, rows, len(label_headers) + len(scopes))


def benchmark_tables(result: Benchmarks, scopes: Sequence[str], *, hers: bool = True) -> list[Table]:
    """The tables of the benchmarks page; without the partners' table unless ``hers``."""
    subscales = _subscales()
    tables = [
        _table(
            "response",
            result.response,
            scopes,
            title=_("Questionnaires answered"),
            explanation=_("Of the time points settled (answered, declined, or not reached), how many were answered."),
            label_headers=[_("Respondent"), _("Time point")],
            label=lambda key: [_respondent(key["respondent"]), _point(key["time_point"])],
        ),
        _table(
            "attrition",
            result.attrition,
            scopes,
            title=_("How the men's cases ended"),
            explanation=_(
                "Of the men in the pool, how many completed the programme, dropped out, were excluded or moved on."
            ),
            label_headers=[_("How the case ended")],
            label=lambda key: [_exit(key["exit"])],
        ),
        _table(
            "change",
            result.change,
            scopes,
            title=_("Change from the start"),
            explanation=_(
                "The same people's mean score at the start and later, and the mean change; whether lower or higher "
                "is better is said for each sub-scale."
            ),
            label_headers=[_("Respondent"), _("Sub-scale"), _("Better when"), _("From the start to")],
            label=lambda key: [
                _respondent(key["respondent"]),
                subscales.get((key["respondent"], key["subscale"]), key["subscale"]),
                _better(key),
                _point(key["time_point"]),
            ],
        ),
        _table(
            "no_violence",
            result.no_violence,
            scopes,
            title=_("Partners reporting no violence of a kind"),
            explanation=_(
                "Of the partners who answered at a time point, how many reported none in the three months before."
            ),
            label_headers=[_("Sub-scale"), _("Time point")],
            label=lambda key: [subscales.get(("partner", key["subscale"]), key["subscale"]), _point(key["time_point"])],
        ),
    ]
    return tables if hers else [table for table in tables if table.key != "no_violence"]


@login_required
@require_safe
def benchmarks_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    analyst = queries.is_analyst(user)
    providers = list(queries.providers_of(user))
    if not analyst and not providers:
        raise Http404
    ids = {provider.pk for provider in providers}
    # The pseudonyms under which their own programmes were contributed, as the log keeps them.
    own = {
        contribution.programme: contribution.organisation.name
        for contribution in queries.pooled_contributions(clock.today())
        if contribution.organisation_id in ids
    }
    try:
        result = pool.benchmarks()
    except pool.PoolError:
        # The path of the missing file is for the platform's administrator ('tandem outcomes pool' names it).
        messages.error(request, _("A file of the pool is missing: ask the platform's administrator."))
        result = Benchmarks(installation_threshold(), [])
    in_pool = bool(result.programmes)
    if not analyst:
        result = result.only(set(own)).without_her_answers()
    scopes = [POOL, *result.programmes]
    headers = [_("All programmes") if scope == POOL else own.get(scope, scope) for scope in scopes]
    return render(
        request,
        "outcomes/pool/benchmarks.html",
        {
            "result": result,
            "headers": headers,
            "tables": benchmark_tables(result, scopes, hers=analyst),
            "providers": providers,
            "analyst": analyst,
            "in_pool": in_pool,
        },
    )
