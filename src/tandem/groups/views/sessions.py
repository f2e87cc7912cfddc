"""A session's pages: its attendance in one form (made for a phone), its team (cover), moving
it; and a man's catch-ups."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.policy import has_role
from tandem.core.roles import Action, Role
from tandem.groups import queries
from tandem.groups.actions import GroupRefused, StaleRecord, attendance, planning
from tandem.groups.forms.attendance import AttendanceForm
from tandem.groups.forms.planning import CatchUpForm, CatchUpRecordForm, MoveForm, TeamForm
from tandem.groups.models import Group, GroupSession, SessionState
from tandem.groups.views import FORM_METHODS, act, add_errors, coordinators_only


def _at(day: Any, time: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time), timezone.get_default_timezone())


def _on_day(invalid: ValidationError) -> ValidationError:
    """An action's error about the moment (``start``) is about the day the person chose."""
    return ValidationError(
        {("day" if field == "start" else field): errors for field, errors in invalid.message_dict.items()}
    )


def _session_context(user: Any, group: Group, session: GroupSession) -> dict[str, Any]:
    curriculum = queries.curriculum_of(group)
    return {
        "group": group,
        "session": session,
        "topic": curriculum.session(session.number),
        "team": queries.session_team(session),
        "coordinator": has_role(user, group.organisation_id, Role.COORDINATOR),
        "begun": session.start <= clock.now(),
    }


@login_required
@require_http_methods(FORM_METHODS)
def session_view(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    session = queries.access_session_in(user, group_id, session_id, context=context)
    group = session.group
    members = queries.members_at(session)
    recorded = queries.attendance_at(session)
    page = _session_context(user, group, session)
    template = "groups/session.html"
    if request.method != "POST":
        initial = {
            "version": session.version,
            "submission": uuid.uuid4(),
            "held": "no" if session.state == SessionState.CANCELLED else "yes",
            **AttendanceForm.initial_from(recorded),
        }
        return render(request, template, {**page, "form": AttendanceForm(initial=initial, members=members)})
    form = AttendanceForm(request.POST, members=members)
    if not form.is_valid():
        return render(request, template, {**page, "form": form}, status=422)
    try:
        changed = attendance.record_session(
            session=session,
            held=form.cleaned_data["held"],
            marks=form.marks(),
            expected_version=form.cleaned_data["version"],
            submission=form.cleaned_data["submission"],
            acting_user=user,
            context=context,
        )
    except attendance.AlreadyRecorded as conflict:
        return _conflict(request, template, page, form, conflict)
    except GroupRefused as refused:
        for message in refused.messages:
            form.add_error(None, message)
        return render(request, template, {**page, "form": form}, status=422)
    except ValidationError as invalid:
        add_errors(form, invalid)
        return render(request, template, {**page, "form": form}, status=422)
    if changed:
        messages.success(request, _("Session %(number)d is recorded.") % {"number": session.number})
    else:
        messages.info(
            request, _("Session %(number)d was already recorded with this form.") % {"number": session.number}
        )
    return redirect("groups:group", group_id=group.pk)


def _conflict(
    request: HttpRequest,
    template: str,
    page: dict[str, Any],
    form: AttendanceForm,
    conflict: attendance.AlreadyRecorded,
) -> HttpResponse:
    """Someone else recorded the session after this form was drawn: her values stay in the
    form, the other record is shown beside it, and sending again (with the new version)
    replaces it knowingly."""
    session = conflict.session
    form.add_error(None, conflict.message)
    data = request.POST.copy()
    data["version"] = str(session.version)
    again = AttendanceForm(data, members=form.members)
    again.is_valid()
    for error in form.non_field_errors():
        again.add_error(None, error)
    theirs = queries.attendance_at(session)
    return render(
        request,
        template,
        {
            **page,
            "session": session,
            "form": again,
            "theirs": [(member, theirs.get(member.pk)) for member in form.members],
            "recorded_by": session.recorded_by,
        },
        status=409,
    )


@login_required
@require_http_methods(FORM_METHODS)
def session_team_view(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    group = queries.access_group(user, group_id, action=Action.CHANGE, context=context)
    session = queries.access_session(user, group, session_id, action=Action.CHANGE, context=context)
    page = _session_context(user, group, session)
    options = {"team": queries.active_facilitators_of(group.organisation_id)}
    template = "groups/session_team.html"
    if request.method != "POST":
        if refused := coordinators_only(
            request, group.organisation_id, reverse("groups:group", kwargs={"group_id": group.pk})
        ):
            return refused
        current = [row.facilitator_id for row in page["team"]]
        form = TeamForm(initial={"version": session.version, "facilitators": current}, **options)
        return render(request, template, {**page, "form": form})
    return act(
        request,
        template,
        TeamForm(request.POST, **options),
        page,
        action=lambda data: planning.set_session_team(
            session=session,
            facilitator_ids=[profile.pk for profile in data["facilitators"]],
            expected_version=data["version"],
            override=data["override"],
            override_reason=data["override_reason"],
            acting_user=user,
            context=context,
        ),
        done=_("The team of session %(number)d is changed.") % {"number": session.number},
        then=lambda: redirect("groups:group", group_id=group.pk),
    )


@login_required
@require_http_methods(FORM_METHODS)
def session_move_view(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    group = queries.access_group(user, group_id, action=Action.CHANGE, context=context)
    session = queries.access_session(user, group, session_id, action=Action.CHANGE, context=context)
    page = _session_context(user, group, session)
    template = "groups/session_move.html"
    if request.method != "POST":
        if refused := coordinators_only(
            request, group.organisation_id, reverse("groups:group", kwargs={"group_id": group.pk})
        ):
            return refused
        local = timezone.localtime(session.start)
        form = MoveForm(initial={"version": session.version, "day": local.date(), "time": local.time()})
        return render(request, template, {**page, "form": form})

    def move(data: dict[str, Any]) -> None:
        try:
            planning.move_session(
                session=session,
                new_start=_at(data["day"], data["time"]),
                expected_version=data["version"],
                acting_user=user,
                context=context,
            )
        except ValidationError as invalid:
            raise _on_day(invalid) from None

    form = MoveForm(request.POST)
    return act(
        request,
        template,
        form,
        page,
        action=move,
        done=_("Session %(number)d is moved; the other sessions keep their dates.") % {"number": session.number},
        then=lambda: redirect("groups:group", group_id=group.pk),
    )


@login_required
@require_http_methods(FORM_METHODS)
def catch_up_new_view(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    group = queries.access_group(user, group_id, action=Action.CHANGE, context=context)
    membership = queries.access_membership(user, group, membership_id, action=Action.CHANGE, context=context)
    curriculum = queries.curriculum_of(group)
    progress = queries.progress_of(group, [membership])[membership.pk]
    missing = {session.number for session in progress.missing_catch_ups}
    numbers = [
        (session.number, f"{session.number}. {session.text()}" + (" *" if session.number in missing else ""))
        for session in curriculum.sessions
        if session.number in progress.missed
    ]
    options: dict[str, Any] = {"numbers": numbers, "team": queries.active_facilitators_of(group.organisation_id)}
    template = "groups/catch_up_form.html"
    page: dict[str, Any] = {"group": group, "membership": membership, "progress": progress}
    if request.method != "POST":
        if refused := coordinators_only(
            request, group.organisation_id, reverse("groups:group", kwargs={"group_id": group.pk})
        ):
            return refused
        first = min(missing) if missing else None
        return render(request, template, {**page, "form": CatchUpForm(initial={"number": first}, **options)})

    def plan(data: dict[str, Any]) -> None:
        try:
            attendance.plan_catch_up(
                membership=membership,
                number=data["number"],
                start=_at(data["day"], data["time"]),
                facilitator=data["facilitator"],
                acting_user=user,
                context=context,
            )
        except ValidationError as invalid:
            raise _on_day(invalid) from None

    return act(
        request,
        template,
        CatchUpForm(request.POST, **options),
        page,
        action=plan,
        done=_("The catch-up session is planned."),
        then=lambda: redirect("groups:group", group_id=group.pk),
    )


@login_required
@require_http_methods(FORM_METHODS)
def catch_up_record_view(request: HttpRequest, group_id: int, catch_up_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    group = queries.access_group(user, group_id, action=Action.CHANGE, context=context)
    catch_up = queries.access_catch_up(user, group, catch_up_id, action=Action.CHANGE, context=context)
    if request.method != "POST":
        # The address of a refused form, opened again: the catch-up is recorded from the group.
        return redirect(f"{reverse('groups:group', kwargs={'group_id': group.pk})}#catch-ups-title")
    form = CatchUpRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether he came."))
        return redirect("groups:group", group_id=group.pk)
    try:
        attendance.record_catch_up(
            catch_up=catch_up,
            attended=form.cleaned_data["attended"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
            context=context,
        )
    except GroupRefused as refused:
        from tandem.groups.views.groups import render_group

        for message in refused.messages:
            messages.error(request, message)
        return render_group(request, group, status=409 if isinstance(refused, StaleRecord) else 422)
    messages.success(request, _("The catch-up is recorded."))
    return redirect("groups:group", group_id=group.pk)
