"""Alerts to the organisation's administrators when the survivor side's records are reached in a
way that may put her at risk: someone who works with or for the man tries one of its pages, or
one person reads many of its records within an hour. Each is on the audit log as well; the alert
is work for the administrators (``work_rules.ALERT_TRIED``, ``ALERT_BULK``), one open item per
person and kind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import AuditEntry, Organisation, User, WorkItem
from tandem.core.policy import places_of
from tandem.core.roles import PROGRAMME_FACING, Role
from tandem.core.work import WorkRule, open_work
from tandem.survivors.work_rules import ALERT_BULK, ALERT_TRIED

# More openings of her side's records than this within an hour is not casework.
BULK_READS = 30


def _alert(user: User, rule: WorkRule, detail: dict[str, Any], context: AuditContext | None) -> None:
    audit.record("survivors.access_alert", actor=user, context=context, detail=detail)
    organisations = {place.organisation_id for place in places_of(user)}
    for organisation in Organisation.objects.filter(pk__in=organisations):
        open_work(
            rule=rule,
            organisation=organisation,
            subject=user,
            params={"who": user.get_username(), "count": BULK_READS},
            team_role=Role.ORG_ADMIN,
            context=context,
        )


def programme_side_tried(user: User, path: str, context: AuditContext | None) -> None:
    """A person with no place on the survivor side opened one of its addresses: on the audit log
    always, and an alert when she works with or for the man."""
    if not any(place.role in PROGRAMME_FACING for place in places_of(user)):
        audit.record("survivors.refused", actor=user, context=context, detail={"path": path[:200]})
        return
    _alert(user, ALERT_TRIED, {"path": path[:200], "alert": "programme_side"}, context)


def read_in_bulk(user: User, context: AuditContext | None) -> None:
    """Called after each opening of a record of her side."""
    since = clock.now() - timedelta(hours=1)
    # Records opened one by one: a list's rows are read too, but a list is how the work is found.
    count = (
        AuditEntry.objects.filter(actor=user, action="survivor.view", at__gte=since)
        .exclude(detail__contains='"listed":true')
        .count()
    )
    if count == BULK_READS + 1:  # once, as the hour's count passes the line
        _alert(user, ALERT_BULK, {"alert": "bulk_reads", "count": count}, context)


def review(*, item: WorkItem, note: str, acting_user: User, context: AuditContext | None = None) -> bool:
    """The administrator (or her support worker, for a break-the-glass notice) looked at the alert
    and says what was done: the item is closed, the note on the audit log."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from tandem.core.work import close_item

    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what you found and what was done.")})
    if len(note) > 10_000:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": 10_000}})
    with transaction.atomic():
        audit.record(
            "survivors.alert_reviewed",
            actor=acting_user,
            obj=item,
            organisation=item.organisation_id,
            context=context,
            detail={"rule": item.rule, "note": note},
        )
        return close_item(item=item, fulfilled_by="survivors.alert_reviewed", acting_user=acting_user, context=context)
