"""Alerts to the organisation's administrators when the survivor side's records are reached in a
way that may put her at risk: someone who works with or for the man tries one of its pages or
searches his side for her name or address, or one person reads many of its records within an
hour. Each is on the audit log as well; the alert is work for the administrators
(``work_rules.ALERT_TRIED``, ``ALERT_SEARCH``, ``ALERT_BULK``), one open item per person and
kind."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.db import transaction

from tandem.cases.rules.matching import Search
from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import AuditEntry, Organisation, User, WorkItem
from tandem.core.policy import organisations_with_role, places_of
from tandem.core.roles import PROGRAMME_FACING, Role
from tandem.core.work import WorkRule, open_work
from tandem.survivors.queries import alerts_ended
from tandem.survivors.queries.searches import organisations_naming
from tandem.survivors.work_rules import ALERT_BULK, ALERT_SEARCH, ALERT_TRIED

# More openings of her side's records than this within an hour is not casework.
BULK_READS = 30


def _alert(
    user: User,
    rule: WorkRule,
    detail: dict[str, Any],
    context: AuditContext | None,
    *,
    organisations: Collection[int] | None = None,
) -> None:
    """On the audit log, and work for the administrators of ``organisations`` (by default the
    person's own)."""
    audit.record("survivors.access_alert", actor=user, context=context, detail=detail)
    if organisations is None:
        organisations = {place.organisation_id for place in places_of(user)}
    for organisation in Organisation.objects.filter(pk__in=list(organisations)):
        # One open alert per person and kind; once it is reviewed, the next attempt is a new one.
        reviewed = alerts_ended(rule.key, user.pk, organisation.pk)
        open_work(
            rule=rule,
            organisation=organisation,
            subject=user,
            params={"who": user.get_username(), "count": BULK_READS},
            team_role=Role.ORG_ADMIN,
            key=f"{rule.key}:{organisation.pk}:{user.pk}:{reviewed}",
            context=context,
        )


def programme_side_tried(user: User, path: str, context: AuditContext | None) -> None:
    """A person with no place on the survivor side opened one of its addresses: on the audit log
    always, and an alert when she works with or for the man."""
    if not any(place.role in PROGRAMME_FACING for place in places_of(user)):
        audit.record("survivors.refused", actor=user, context=context, detail={"path": path[:200]})
        return
    _alert(user, ALERT_TRIED, {"path": path[:200], "alert": "programme_side"}, context)


# A search is compared with her records only from this length on: two words, or one of six
# characters. Shorter, it names too many people to mean anyone ("a", "Ana", "12").
SEARCH_WORDS, SEARCH_CHARACTERS = 2, 6


def searched_for_her(
    user: User,
    organisation_ids: list[int],
    text: str,
    context: AuditContext | None,
    *,
    his_case_found: bool = False,
) -> None:
    """Someone on the man's side searched it (the case list) in ``organisation_ids``: when what
    was typed names a partner recorded on the survivor side of one of them (every word a whole
    word of her name, or of her address), that organisation's administrators are alerted.

    Facilitators and referrers are alerted on whatever they searched: they have no reason to
    look for her at all, and a search for the man by a surname she shares with him still names
    her (the administrator judges, and the alert stays one open item per person).

    A coordinator holds both sides of her organisation by design and searches for the man's
    cases all day, and a man and his partner often share a surname. Where the person is a
    coordinator, a search that also found a case they can see (``his_case_found``, any state)
    is taken as a search for him and raises nothing; one that names a partner and finds none of
    their cases is a search for her, and is alerted as for anyone else.

    Nothing of what was typed is kept: not in the work item (it names who searched), not on the
    audit log (it says that a partner was named, not which, nor by what). The caller learns
    nothing either: the page looks the same whatever was decided. A text with no letters (a case
    number) or shorter than ``SEARCH_WORDS`` words and ``SEARCH_CHARACTERS`` characters is not
    compared at all. The cost is one query and at most ``searches.SEARCH_BOUND`` records."""
    if not any(place.role in PROGRAMME_FACING for place in places_of(user)):
        return
    search = Search.of(text)
    if not search.words or (len(search.text.split()) < SEARCH_WORDS and len(search.text) < SEARCH_CHARACTERS):
        return
    coordinating = set(organisations_with_role(user, Role.COORDINATOR)) if his_case_found else set()
    watched = [organisation for organisation in organisation_ids if organisation not in coordinating]
    named = organisations_naming(watched, search)
    if named:
        _alert(user, ALERT_SEARCH, {"alert": "search", "matched": True}, context, organisations=named)


def read_in_bulk(user: User, context: AuditContext | None) -> None:
    """Called after each opening of a record of her side."""
    since = clock.now() - timedelta(hours=1)
    # Records opened one by one: a list's rows are read too, but a list is how the work is found.
    count = (
        # A form of her record opens it as much as her page does (edit, plan, contact).
        AuditEntry.objects.filter(actor=user, action__in=("survivor.view", "survivor.change"), at__gte=since)
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
