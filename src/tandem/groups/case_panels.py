"""Group work's part of the case page: the man's group, his dosage and attendance, and the
non-associations recorded about him; and a timeline row for each absence that breaches his
order and each concern for his partner raised in a session. Only for the people working on
the case; the same few queries however long he has been in the group."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _, pgettext

from tandem.cases.models import Case
from tandem.cases.panels import Entry, Panel, register_panel, register_timeline, shared_read
from tandem.core.models import User
from tandem.core.policy import has_role, organisations_granting
from tandem.core.roles import Action, Compartment, Role
from tandem.groups import queries
from tandem.groups.models import Attendance
from tandem.groups.rules.attendance import Code


def _works_on(reader: User, case: Case) -> bool:
    return case.organisation_id in organisations_granting(reader, Compartment.PROGRAMME, Action.VIEW)


def _flagged(reader: User, case: Case) -> list[Attendance]:
    found: list[Attendance] = shared_read(reader, case, "group_flags", lambda: queries.flagged_attendance(case))
    return found


def _panel(reader: User, case: Case) -> dict[str, Any] | None:
    if not _works_on(reader, case):
        return None
    membership = queries.get_membership_of(case)
    progress = queries.progress_of(membership.group, [membership])[membership.pk] if membership else None
    coordinator = has_role(reader, case.organisation_id, Role.COORDINATOR)
    return {
        "membership": membership,
        "progress": progress,
        "curriculum": queries.curriculum_of(membership.group) if membership else None,
        "non_associations": queries.recorded_non_associations(reader, case),
        "coordinator": coordinator,
        "non_association_url": reverse("groups:non_association_add", kwargs={"case_id": case.pk}),
    }


register_panel(Panel("groups", "groups/_case_panel.html", _panel, order=25))


@register_timeline("groups")
def group_timeline(reader: User, case: Case) -> Iterable[Entry]:
    if not _works_on(reader, case):
        return
    for row in _flagged(reader, case):
        session = row.session
        link = reverse("groups:session", kwargs={"group_id": session.group_id, "session_id": session.pk})
        when = formats.date_format(session.start, "DATE_FORMAT")
        if row.code == Code.UNACCEPTABLE_ABSENCE:
            yield Entry(
                session.start,
                "group",
                pgettext("a men's group", "Group"),
                _("Unacceptable absence from session %(number)d of %(group)s (%(date)s).")
                % {"number": session.number, "group": session.group.name, "date": when},
                link=link,
            )
        if row.concern:
            yield Entry(
                session.start,
                "group",
                pgettext("a men's group", "Group"),
                _("Concern for the partner's safety raised in session %(number)d of %(group)s (%(date)s).")
                % {"number": session.number, "group": session.group.name, "date": when},
                text=row.concern_note,
                link=link,
            )
