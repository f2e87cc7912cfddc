"""The survivor side's pages: the partners a worker supports, one partner's record (how she may
safely be reached first, then her consent, the contact log and the signals sent to the
programme), and the forms that change them.

Every page is for the survivor compartment alone. Someone with no place in it gets the same 404
as for a page that does not exist, the attempt goes to the audit log, and when she works with or
for the man her organisation's administrators are alerted (``alerts``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tandem.cases.queries import partner_references_of
from tandem.core import clock
from tandem.core.audit import AuditContext
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import User, WorkItem
from tandem.core.policy import organisations_granting, organisations_with_role
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import record_reads
from tandem.core.work import title_of
from tandem.survivors import alerts, queries, rules
from tandem.survivors.actions import SurvivorSideRefused, access, record_safety_signal, sheets as sheets_actions
from tandem.survivors.actions.consent import record_consent, withdraw_consent
from tandem.survivors.actions.contact import record_contact
from tandem.survivors.actions.partners import PartnerDetails, create_partner, link_case, update_partner
from tandem.survivors.forms import (
    BreakGlassForm,
    ConsentForm,
    ContactForm,
    LinkForm,
    NewPartnerForm,
    PartnerForm,
    ReviewForm,
    SheetForm,
    SignalForm,
    WithdrawForm,
)
from tandem.survivors.http import survivor_reader as _reader
from tandem.survivors.models import Partner
from tandem.survivors.queries import planning as planning_queries

FORM_METHODS = ["GET", "HEAD", "POST"]
DETAILS = [
    "name",
    "address",
    "phones",
    "email",
    "whereabouts",
    "safe_times",
    "message_allowed",
    "code_word",
    "safe_intermediary",
    "safe_contact_notes",
]


def _partner(request: HttpRequest, partner_id: int, action: Action = Action.VIEW) -> tuple[User, Partner, AuditContext]:
    context = audit_context(request)
    user = _reader(request, context)
    partner = queries.access_partner(user, partner_id, action=action, context=context)
    alerts.read_in_bulk(user, context)
    return user, partner, context


def _act(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    page: dict[str, Any],
    *,
    action: Callable[[dict[str, Any]], object],
    done: str,
    then: Callable[[], HttpResponse],
) -> HttpResponse:
    """Validate and act: success said and ``then``; else the form again with what to fix (422),
    or with the refusal (409 when the record moved on)."""
    if not form.is_valid():
        return render(request, template, {**page, "form": form}, status=422)
    try:
        action(form.cleaned_data)
    except SurvivorSideRefused as refused:
        # A contact her consent does not cover: said beside the purpose, where it is chosen.
        form.add_error("purpose" if refused.rule == "consent" and "purpose" in form.fields else None, refused.message)
        return render(request, template, {**page, "form": form}, status=409 if refused.rule == "version" else 422)
    except ValidationError as invalid:
        for field, errors in invalid.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return render(request, template, {**page, "form": form}, status=422)
    messages.success(request, done)
    return then()


def _titled(items: list[WorkItem]) -> list[tuple[WorkItem, str]]:
    return [(item, title_of(item)) for item in items]


def _details(data: dict[str, Any]) -> PartnerDetails:
    texts = {name: str(data.get(name) or "") for name in DETAILS if name != "message_allowed"}
    return PartnerDetails(message_allowed=bool(data.get("message_allowed")), **texts)


def _to_partner(partner: Partner) -> Callable[[], HttpResponse]:
    return lambda: redirect("survivors:partner", partner_id=partner.pk)


# --- Lists and the way in from a case -----------------------------------------------------------


@login_required
@require_safe
def partner_list_view(request: HttpRequest) -> HttpResponse:
    context = audit_context(request)
    user = _reader(request, context)
    partners = list(queries.partners_for(user)[:200])
    record_reads(user, partners, context=context)
    organisations = organisations_granting(user, Compartment.SURVIVOR, Action.VIEW)
    return render(
        request,
        "survivors/partner_list.html",
        {
            "partners": partners,
            "work": _titled(queries.survivor_work_of(organisations)),
            "now": clock.now(),
            "changes": bool(queries.may_change_in(user)),
        },
    )


@login_required
@require_safe
def for_case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """From a work item or the man's case: his partner's record, or the form to make it; for a
    coordinator outside the rule, the break-the-glass form (her name is not shown on it)."""
    context = audit_context(request)
    user = _reader(request, context)
    for organisation_id in organisations_granting(user, Compartment.SURVIVOR, Action.VIEW):
        reference = partner_references_of(organisation_id, [case_id]).get(case_id)
        if reference is None:
            continue
        partner = queries.partner_of_reference(reference)
        if partner is None:
            if organisation_id in queries.may_change_in(user):
                return redirect(f"{_new_url()}?case={case_id}")
            return render(request, "survivors/no_record.html", {"case_id": case_id})
        if queries.may_read(user, partner):
            return redirect("survivors:partner", partner_id=partner.pk)
        return redirect("survivors:break_glass", case_id=case_id)
    raise Http404


@login_required
@require_http_methods(FORM_METHODS)
def break_glass_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """A coordinator of the man's provider opens his partner's record outside the rule."""
    context = audit_context(request)
    user = _reader(request, context)
    partner: Partner | None = None
    for organisation_id in organisations_with_role(user, Role.COORDINATOR):
        reference = partner_references_of(organisation_id, [case_id]).get(case_id)
        if reference is not None:
            partner = queries.partner_of_reference(reference)
            break
    if partner is None:
        raise Http404
    if request.method != "POST" and queries.may_read(user, partner):
        return redirect("survivors:partner", partner_id=partner.pk)
    opened = partner
    template = "survivors/break_glass.html"
    page = {"case_id": case_id, "hours": access.HOURS}
    if request.method != "POST":
        return render(request, template, {**page, "form": BreakGlassForm()})
    return _act(
        request,
        template,
        BreakGlassForm(request.POST),
        page,
        action=lambda data: access.break_glass(
            partner=opened, reason=data["reason"], acting_user=user, context=context
        ),
        done=_("You may read her record for the next hours. Her support workers and the administrators are told."),
        then=_to_partner(opened),
    )


def _new_url() -> str:
    from django.urls import reverse

    return reverse("survivors:partner_new")


@login_required
@require_http_methods(FORM_METHODS)
def partner_new_view(request: HttpRequest) -> HttpResponse:
    context = audit_context(request)
    user = _reader(request, context)
    if not queries.may_change_in(user):
        raise Http404  # a coordinator reads her side; her support workers make its records
    template = "survivors/partner_form.html"
    if request.method != "POST":
        case = request.GET.get("case", "")
        form = NewPartnerForm(initial={"case": case if case.isdigit() else None})
        return render(request, template, {"form": form, "new": True})
    form = NewPartnerForm(request.POST)
    made: dict[str, Partner] = {}

    def make(data: dict[str, Any]) -> None:
        organisations = queries.may_change_in(user)
        owner = next((org for org in organisations if partner_references_of(org, [data["case"]])), None)
        if owner is None:
            raise ValidationError({"case": _("Give the number of a man's case of this programme.")})
        from tandem.core.models import Organisation

        made["partner"] = create_partner(
            organisation=Organisation.objects.get(pk=owner),
            case_id=data["case"],
            details=_details(data),
            acting_user=user,
            context=context,
        )

    return _act(
        request,
        template,
        form,
        {"new": True},
        action=make,
        done=_("Her record is made. Record her consent before any contact beyond offering support."),
        then=lambda: redirect("survivors:partner", partner_id=made["partner"].pk),
    )


# --- One partner ---------------------------------------------------------------------------------


@login_required
@require_safe
def partner_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    _user, partner, _context = _partner(request, partner_id)
    today = clock.today()
    links = queries.links_of(partner)
    plan = planning_queries.plan_of(partner)
    consents = [(consent, rules.state_of(term, today)) for consent, term in queries.consents_with_terms(partner)]
    changes = partner.organisation_id in queries.may_change_in(_user)
    # A survivor service she shared her record with reads it; it does not learn which other
    # services hold it (a shelter's name can say where she is).
    shared_with_me = not changes and partner.organisation_id not in organisations_with_role(_user, Role.COORDINATOR)
    return render(
        request,
        "survivors/partner.html",
        {
            "partner": partner,
            "links": links,
            "consents": consents,
            "contacts": queries.contacts_of(partner),
            "signals": queries.signals_of(partner),
            "work": _titled(queries.open_work_about([link.case_number for link in links], plan.pk if plan else None)),
            "withdraw_form": WithdrawForm(initial={"on": today}),
            "accesses": queries.accesses_of(partner),
            "changes": changes,
            "shared_with_me": shared_with_me,
            "plan": plan,
            "reviews": planning_queries.reviews_of(plan)[:5] if plan else [],
            # A service she shared with sees its own share, not which other services hold her record.
            "shares": [
                share
                for share in planning_queries.shares_of(partner)
                if not shared_with_me or share.service_id in organisations_with_role(_user, Role.SURVIVOR_WORKER)
            ],
            "shared_items": planning_queries.shared_items_of(partner),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def partner_edit_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    template = "survivors/partner_form.html"
    page = {"partner": partner}
    if request.method != "POST":
        initial = {name: getattr(partner, name) for name in DETAILS}
        return render(request, template, {**page, "form": PartnerForm(initial={**initial, "version": partner.version})})
    return _act(
        request,
        template,
        PartnerForm(request.POST),
        page,
        action=lambda data: update_partner(
            partner=partner,
            details=_details(data),
            expected_version=data["version"] or 0,
            acting_user=user,
            context=context,
        ),
        done=_("Her record is saved."),
        then=_to_partner(partner),
    )


@login_required
@require_http_methods(FORM_METHODS)
def link_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    template = "survivors/link_form.html"
    page = {"partner": partner}
    if request.method != "POST":
        return render(request, template, {**page, "form": LinkForm()})
    return _act(
        request,
        template,
        LinkForm(request.POST),
        page,
        action=lambda data: link_case(partner=partner, case_id=data["case"], acting_user=user, context=context),
        done=_("She is recorded as the partner of this case too."),
        then=_to_partner(partner),
    )


@login_required
@require_http_methods(FORM_METHODS)
def consent_new_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    template = "survivors/consent_form.html"
    page = {"partner": partner}
    if request.method != "POST":
        return render(request, template, {**page, "form": ConsentForm(initial={"starts_on": clock.today()})})
    return _act(
        request,
        template,
        ConsentForm(request.POST),
        page,
        action=lambda data: record_consent(partner=partner, acting_user=user, context=context, **data),
        done=_("Her consent is recorded."),
        then=_to_partner(partner),
    )


@login_required
@require_http_methods(FORM_METHODS)
def consent_withdraw_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    context = audit_context(request)
    user = _reader(request, context)
    consent = queries.access_consent(user, consent_id, action=Action.CHANGE, context=context)
    if request.method != "POST":
        # The withdrawal is made from her record, beside the consent.
        return redirect("survivors:partner", partner_id=consent.partner_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day she withdrew her consent."))
    else:
        try:
            withdraw_consent(consent=consent, acting_user=user, on=form.cleaned_data["on"], context=context)
            messages.success(request, _("Her consent is withdrawn: nothing may be done under it from that day."))
        except SurvivorSideRefused as refused:
            messages.error(request, refused.message)
        except ValidationError as invalid:
            for error in invalid.messages:
                messages.error(request, error)
    return redirect("survivors:partner", partner_id=consent.partner_id)


@login_required
@require_http_methods(FORM_METHODS)
def contact_new_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    template = "survivors/contact_form.html"
    today = clock.today()
    valid = [
        consent for consent, term in queries.consents_with_terms(partner) if rules.state_of(term, today) == "valid"
    ]
    page = {"partner": partner, "valid_consents": valid}
    sheets = {sheet.pk: sheet for sheet in queries.current_sheets(partner.organisation_id)}

    def contact_form(data: Any = None, **kwargs: Any) -> ContactForm:
        made = ContactForm(data, **kwargs)
        made.fields["sheet"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (
                pk,
                _("%(language)s, version %(version)s")
                % {"language": sheet.get_language_display(), "version": sheet.version},
            )
            for pk, sheet in sheets.items()
        ]
        return made

    if request.method != "POST":
        now = timezone.localtime(clock.now())
        form = contact_form(initial={"day": now.date(), "time": now.time().replace(second=0, microsecond=0)})
        return render(request, template, {**page, "form": form})

    def log(data: dict[str, Any]) -> None:
        sheet = sheets.get(data["sheet"]) if data.get("sheet") else None
        happened = timezone.make_aware(datetime.combine(data["day"], data["time"]), timezone.get_default_timezone())
        try:
            record_contact(
                partner=partner,
                kind=data["kind"],
                channel=data["channel"],
                purpose=data["purpose"],
                outcome=data["outcome"],
                happened_at=happened,
                note=data["note"],
                first_offer=data["first_offer"],
                limitations_explained=data["limitations_explained"],
                sheet=sheet,
                acting_user=user,
                context=context,
            )
        except ValidationError as invalid:
            raise ValidationError(
                {("day" if field == "happened_at" else field): errors for field, errors in invalid.message_dict.items()}
            ) from None

    return _act(
        request,
        template,
        contact_form(request.POST),
        page,
        action=log,
        done=_("The contact is logged."),
        then=_to_partner(partner),
    )


@login_required
@require_http_methods(FORM_METHODS)
def signal_new_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user, partner, context = _partner(request, partner_id, Action.CHANGE)
    template = "survivors/signal_form.html"
    links = {link.case_number: link for link in queries.links_of(partner)}
    page = {"partner": partner, "links": list(links.values())}

    def form(data: Any = None) -> SignalForm:
        made = SignalForm(data, initial={"case": next(iter(links), None)})
        made.fields["case"].choices = [(number, f"#{number}") for number in links]  # type: ignore[attr-defined]
        return made

    if request.method != "POST":
        return render(request, template, {**page, "form": form()})

    def send(data: dict[str, Any]) -> None:
        link = links.get(data["case"])
        if link is None:
            raise ValidationError({"case": _("Choose the case of the man the signal is about.")})
        record_safety_signal(
            organisation=partner.organisation,
            reference=link.reference,
            kind=data["kind"],
            level=data["level"],
            topic=data["topic"],
            summary=data["summary"],
            acting_user=user,
            context=context,
        )

    return _act(
        request,
        template,
        form(request.POST),
        page,
        action=send,
        done=_("The signal is sent: the man's facilitators see what it says, its level and its day, nothing more."),
        then=_to_partner(partner),
    )


# --- Alerts ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def alert_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """An access alert or a break-the-glass notice, for the people it is addressed to: what the
    person did lately on the survivor side, and closing it with what was done."""
    context = audit_context(request)
    user = signed_in_user(request)
    item = queries.alert_for(user, item_id)
    if item is None:
        raise Http404
    about = item.subject_id if item.subject_type == "core.user" else None
    page = {
        "item": item,
        "title": title_of(item),
        "attempts": queries.attempts_of(about) if about else [],
    }
    template = "survivors/alert.html"
    if request.method != "POST":
        return render(request, template, {**page, "form": ReviewForm()})
    return _act(
        request,
        template,
        ReviewForm(request.POST),
        page,
        action=lambda data: alerts.review(item=item, note=data["note"], acting_user=user, context=context),
        done=_("The alert is reviewed."),
        then=lambda: redirect("core:work_list"),
    )


# --- The information sheet -----------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def sheet_list_view(request: HttpRequest) -> HttpResponse:
    """The programme's information sheets; a coordinator publishes a new version."""
    context = audit_context(request)
    user = _reader(request, context)
    coordinating = organisations_with_role(user, Role.COORDINATOR)
    page = {"sheets": queries.sheets_for(user), "publishes": bool(coordinating)}
    template = "survivors/sheets.html"
    if request.method != "POST":
        return render(request, template, {**page, "form": SheetForm()})
    if not coordinating:
        raise Http404
    from tandem.core.models import Organisation

    return _act(
        request,
        template,
        SheetForm(request.POST),
        page,
        action=lambda data: sheets_actions.publish_sheet(
            organisation=Organisation.objects.get(pk=coordinating[0]),
            language=data["language"],
            text=data["text"],
            acting_user=user,
            context=context,
        ),
        done=_("The new version of the information sheet is published."),
        then=lambda: redirect("survivors:sheet_list"),
    )


@login_required
@require_safe
def sheet_view(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """One version, to print or read to her."""
    context = audit_context(request)
    user = _reader(request, context)
    sheet = queries.access_sheet(user, sheet_id, context=context)
    return render(request, "survivors/sheet.html", {"sheet": sheet})
