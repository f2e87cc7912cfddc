"""The provider's facilitators: the list, a facilitator's page with her next sessions and (for
the coordinators and herself) her supervision and continuity notes, adding and changing a
profile, adding a note; and the facilitator's own calendar: the page where she makes or stops
her secret calendar address, and the iCalendar feed her calendar app reads from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import User
from tandem.core.policy import has_role, organisations_granting, organisations_with_role
from tandem.core.roles import Action, Compartment, Role
from tandem.groups import queries
from tandem.groups.actions import GroupRefused, feeds, planning
from tandem.groups.forms.facilitators import CalendarFeedForm, FacilitatorForm, FacilitatorNoteForm, NewFacilitatorForm
from tandem.groups.models import (
    CatchUp,
    CatchUpState,
    FacilitatorProfile,
    GroupSession,
    GroupState,
    MembershipState,
    SessionState,
)
from tandem.groups.views import FORM_METHODS, act, coordinators_only

# Sessions run in this many days count on the list of facilitators.
SESSIONS_COUNTED_DAYS = 365
# The feed reaches this far back, so that a calendar keeps the recent past and no more.
FEED_PAST = timedelta(days=60)
# A catch-up has no end of its own: it lasts as long as the curriculum's session, or this.
CATCH_UP_DEFAULT_MINUTES = 90


def _programme_staff(user: User) -> list[int]:
    organisations = organisations_granting(user, Compartment.PROGRAMME, Action.VIEW)
    if not organisations:
        raise Http404
    return organisations


def _details(data: dict[str, Any]) -> planning.ProfileDetails:
    return planning.ProfileDetails(
        gender=data["gender"], trained_on=data["trained_on"], certified_on=data["certified_on"], active=data["active"]
    )


# --- The facilitators' pages ------------------------------------------------------------------


@login_required
@require_safe
def facilitator_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    organisations = _programme_staff(user)
    profiles = list(queries.facilitators_visible_to(user, since=clock.now() - timedelta(days=SESSIONS_COUNTED_DAYS)))
    return render(
        request,
        "groups/facilitator_list.html",
        {
            "profiles": profiles,
            "coordinates": set(organisations_with_role(user, Role.COORDINATOR)),
            "several": len(organisations) > 1,
            "counted_days": SESSIONS_COUNTED_DAYS,
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def facilitator_new_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    # Only a coordinator records profiles; nobody else has people to choose from.
    organisations = organisations_with_role(user, Role.COORDINATOR)
    if not organisations:
        raise Http404
    candidates = {place.pk: place for place in queries.staff_without_profile(organisations)}
    several = len({place.organisation_id for place in candidates.values()}) > 1
    people = [
        (
            place.pk,
            f"{place.user.get_full_name() or place.user.get_username()} ({place.organisation.name})"
            if several
            else place.user.get_full_name() or place.user.get_username(),
        )
        for place in candidates.values()
    ]
    template = "groups/facilitator_form.html"
    context: dict[str, Any] = {"profile": None, "candidates": bool(candidates)}
    if request.method != "POST":
        form = NewFacilitatorForm(initial={"version": 0, "active": True}, people=people)
        return render(request, template, {**context, "form": form})
    made: dict[str, FacilitatorProfile] = {}

    def save(data: dict[str, Any]) -> None:
        place = candidates[data["person"]]
        made["profile"] = planning.save_facilitator(
            organisation=place.organisation,
            person=place.user,
            details=_details(data),
            expected_version=0,
            acting_user=user,
            context=audit_context(request),
        )

    return act(
        request,
        template,
        NewFacilitatorForm(request.POST, people=people),
        context,
        action=save,
        done=_("The facilitator profile is saved."),
        then=lambda: redirect("groups:facilitator", profile_id=made["profile"].pk),
    )


@login_required
@require_safe
def facilitator_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    return render_facilitator(request, queries.access_facilitator(user, profile_id, context=audit_context(request)))


def render_facilitator(
    request: HttpRequest, profile: FacilitatorProfile, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The facilitator's page; after a refused step, with the refusal said and its status."""
    user = signed_in_user(request)
    coordinator = has_role(user, profile.organisation_id, Role.COORDINATOR)
    herself = profile.user_id == user.pk
    reads_notes = queries.reads_notes_about(user, profile)
    return render(
        request,
        "groups/facilitator.html",
        {
            "profile": profile,
            "sessions": queries.upcoming_sessions_of(profile),
            "reads_notes": reads_notes,
            "notes": queries.notes_about(user, profile) if reads_notes else [],
            "coordinator": coordinator,
            "herself": herself,
            "feed": queries.live_feed_of(profile) if coordinator or herself else None,
            "error": error,
        },
        status=status,
    )


def _profile_url(profile: Any) -> str:
    return reverse("groups:facilitator", kwargs={"profile_id": profile.pk})


@login_required
@require_http_methods(FORM_METHODS)
def facilitator_edit_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = queries.access_facilitator(user, profile_id, action=Action.CHANGE, context=audit_context(request))
    template = "groups/facilitator_form.html"
    context: dict[str, Any] = {"profile": profile}
    if request.method != "POST":
        if refused := coordinators_only(request, profile.organisation_id, _profile_url(profile)):
            return refused
        fields = ("gender", "trained_on", "certified_on", "active", "version")
        form = FacilitatorForm(initial={field: getattr(profile, field) for field in fields})
        return render(request, template, {**context, "form": form})
    return act(
        request,
        template,
        FacilitatorForm(request.POST),
        context,
        action=lambda data: planning.save_facilitator(
            organisation=profile.organisation,
            person=profile.user,
            details=_details(data),
            expected_version=data["version"],
            acting_user=user,
            context=audit_context(request),
        ),
        done=_("The facilitator profile is saved."),
        then=lambda: redirect("groups:facilitator", profile_id=profile.pk),
    )


@login_required
@require_http_methods(FORM_METHODS)
def facilitator_note_add_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = queries.access_facilitator(user, profile_id, action=Action.CHANGE, context=audit_context(request))
    template = "groups/facilitator_note_form.html"
    context: dict[str, Any] = {"profile": profile}
    if request.method != "POST":
        if refused := coordinators_only(request, profile.organisation_id, _profile_url(profile)):
            return refused
        return render(request, template, {**context, "form": FacilitatorNoteForm()})
    return act(
        request,
        template,
        FacilitatorNoteForm(request.POST),
        context,
        action=lambda data: planning.add_facilitator_note(
            profile=profile, kind=data["kind"], text=data["text"], acting_user=user, context=audit_context(request)
        ),
        done=_("The note is added."),
        then=lambda: redirect("groups:facilitator", profile_id=profile.pk),
    )


@login_required
@require_POST
def facilitator_feed_revoke_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = queries.access_facilitator(user, profile_id, action=Action.CHANGE, context=audit_context(request))
    try:
        stopped = feeds.revoke_feed(profile=profile, acting_user=user, context=audit_context(request))
    except GroupRefused as refused:
        return render_facilitator(request, profile, error=refused.message, status=422)
    if stopped:
        messages.success(request, _("The calendar address is stopped: calendars subscribed to it no longer update."))
    else:
        messages.info(request, _("There was no calendar address to stop."))
    return redirect("groups:facilitator", profile_id=profile.pk)


# --- The person's own calendar ------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def calendar_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    organisations = _programme_staff(user)
    profiles = [
        profile
        for profile in queries.profiles_of_user(user).select_related("organisation").order_by("organisation__name")
        if profile.organisation_id in organisations
    ]
    if request.method != "POST":
        return _render_calendar(request, profiles)
    form = CalendarFeedForm(request.POST, profile_ids=[profile.pk for profile in profiles])
    if not form.is_valid():
        return _render_calendar(request, profiles, error=_("Choose one of your calendars."), status=422)
    profile = next(profile for profile in profiles if profile.pk == form.cleaned_data["profile"])
    try:
        if form.cleaned_data["action"] == CalendarFeedForm.MAKE:
            token = feeds.make_feed(profile=profile, acting_user=user, context=audit_context(request))
            address = request.build_absolute_uri(reverse("groups:calendar_feed", args=[token]))
            return _render_calendar(request, profiles, new_address=address, new_for=profile)
        stopped = feeds.revoke_feed(profile=profile, acting_user=user, context=audit_context(request))
    except GroupRefused as refused:
        return _render_calendar(request, profiles, error=refused.message, status=422)
    if stopped:
        messages.success(request, _("The calendar address is stopped: calendars subscribed to it no longer update."))
    else:
        messages.info(request, _("There was no calendar address to stop."))
    return redirect("groups:calendar")


def _render_calendar(
    request: HttpRequest,
    profiles: list[FacilitatorProfile],
    *,
    new_address: str = "",
    new_for: FacilitatorProfile | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    live = queries.live_feeds_of(profiles)
    return render(
        request,
        "groups/calendar.html",
        {
            "calendars": [(profile, live.get(profile.pk)) for profile in profiles],
            "several": len(profiles) > 1,
            "new_address": new_address,
            "new_for": new_for,
            "error": error,
            "past_days": FEED_PAST.days,
        },
        status=status,
    )


# --- The feed a calendar app reads ------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _session_event(session: GroupSession, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@tandem")
    event.add("dtstamp", stamp)
    event.add("sequence", session.version)
    event.add("summary", _("%(group)s — session %(number)s") % {"group": session.group.name, "number": session.number})
    event.add("location", session.group.venue)
    event.add("dtstart", _utc(session.start))
    event.add("dtend", _utc(session.end))
    cancelled = session.state == SessionState.CANCELLED or session.group.state == GroupState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _catch_up_event(catch_up: CatchUp, minutes: int, stamp: datetime) -> icalendar.Event:
    # The man is never named, nor his case: the calendar leaves Tandem, to a phone or a
    # calendar service, and the session's number and group are all she needs to find it.
    group = catch_up.membership.group
    event = icalendar.Event()
    event.add("uid", f"catch-up-{catch_up.pk}@tandem")
    event.add("dtstamp", stamp)
    event.add("sequence", catch_up.version)
    event.add(
        "summary", _("Catch-up session %(number)s — %(group)s") % {"number": catch_up.number, "group": group.name}
    )
    event.add("location", group.venue)
    event.add("dtstart", _utc(catch_up.start))
    event.add("dtend", _utc(catch_up.start + timedelta(minutes=minutes)))
    # A catch-up still planned for a man who has left the group will not take place.
    cancelled = catch_up.state == CatchUpState.PLANNED and catch_up.membership.state == MembershipState.ENDED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _catch_up_minutes(catch_up: CatchUp, durations: dict[tuple[str, int], int]) -> int:
    group = catch_up.membership.group
    key = (group.curriculum, catch_up.number)
    if key not in durations:
        session = queries.curriculum_of(group).session(catch_up.number)
        durations[key] = session.duration if session is not None else CATCH_UP_DEFAULT_MINUTES
    return durations[key]


def build_calendar(profile: FacilitatorProfile) -> bytes:
    """The facilitator's sessions and catch-ups from ``FEED_PAST`` ago onwards, as iCalendar."""
    now = clock.now()
    stamp = _utc(now)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Tandem//Group sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Tandem: my group sessions"))
    for session in queries.sessions_run_by(profile, since=now - FEED_PAST):
        calendar.add_component(_session_event(session, stamp))
    durations: dict[tuple[str, int], int] = {}
    for catch_up in queries.catch_ups_run_by(profile, since=now - FEED_PAST):
        calendar.add_component(_catch_up_event(catch_up, _catch_up_minutes(catch_up, durations), stamp))
    return bytes(calendar.to_ical())


@require_safe
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The feed behind a facilitator's calendar address. No sign-in: the secret address is the
    permission. Not audited per fetch: calendar apps ask every few minutes, and making and
    stopping the address are on the record."""
    profile = queries.feed_by_token(token).facilitator
    language = profile.user.language or translation.get_language()
    with translation.override(language):
        body = build_calendar(profile)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
