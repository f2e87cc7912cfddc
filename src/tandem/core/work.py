"""Work that nobody can forget: the to-dos that rules create.

A domain declares each of its rules once (``WorkRule``): what the work is called, when it is
due (in working days of a country, or in hours where a life may depend on it), its priority,
and to whom it escalates when it is overdue (by default a coordinator, then the
organisation's administrators). Its handlers and actions then:

* ``open_work`` for an owner or a team, from an event or an action; opening the same work
  again does nothing (each item has a key);
* ``close_work`` in the action that fulfils the work, in that action's transaction: work is
  never closed by hand alone;
* ``cancel_work`` when the work is no longer needed (a reviewer withdrawn from a round).

The background worker calls ``escalate_overdue``. Every opening, closing and escalation is in
the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.functional import Promise

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Event, Organisation, User, WorkItem
from tandem.core.roles import ROLES_BY_KIND, OrganisationKind, Role
from tandem.core.working_days import add_working_days


@dataclass(frozen=True)
class WorkingDays:
    days: int

    def after(self, start: datetime, country_code: str | None) -> datetime:
        return add_working_days(start, self.days, country_code)


@dataclass(frozen=True)
class Hours:
    hours: int

    def after(self, start: datetime, country_code: str | None) -> datetime:
        return start + timedelta(hours=self.hours)


Due = WorkingDays | Hours


@dataclass(frozen=True)
class WorkRule:
    """One kind of work. ``title`` is a translatable sentence with named placeholders filled
    from the item's ``params``; ``link`` gives the page where the work is done."""

    key: str
    title: Promise
    due: Due
    priority: WorkItem.Priority = WorkItem.Priority.NORMAL
    escalation: tuple[Role, ...] = (Role.COORDINATOR, Role.ORG_ADMIN)
    escalate_every: Due = field(default_factory=lambda: WorkingDays(1))
    link: Callable[[WorkItem], str] | None = None


_RULES: dict[str, WorkRule] = {}


def register(rule: WorkRule) -> WorkRule:
    _RULES[rule.key] = rule
    return rule


def rule_of(item: WorkItem) -> WorkRule | None:
    return _RULES.get(item.rule)


def title_of(item: WorkItem) -> str:
    rule = rule_of(item)
    if rule is None:
        return item.rule
    params: dict[str, Any] = item.params if isinstance(item.params, dict) else {}
    try:
        return str(rule.title) % params
    except (KeyError, TypeError, ValueError):
        return str(rule.title)


def link_of(item: WorkItem) -> str:
    rule = rule_of(item)
    if rule is None or rule.link is None:
        return ""
    return str(rule.link(item))


def _escalation_roles(rule: WorkRule, organisation: Organisation) -> tuple[str, str]:
    """The rule's escalation steps that this organisation can fill: a network has no
    coordinators, so its overdue work goes straight to the next step."""
    available = ROLES_BY_KIND[OrganisationKind(organisation.kind)]
    steps = [role.value for role in rule.escalation if role in available][:2]
    steps += [""] * (2 - len(steps))
    return steps[0], steps[1]


def open_work(
    *,
    rule: WorkRule,
    organisation: Organisation,
    subject: models.Model,
    params: dict[str, Any],
    owner: User | None = None,
    team_role: Role | None = None,
    event: Event | None = None,
    start: datetime | None = None,
    country_code: str | None = None,
    compartment: str = "",
    key: str = "",
    acting_user: User | None = None,
    context: AuditContext | None = None,
) -> WorkItem | None:
    """Open one item of work, unless the same work is already there (then None). It is due
    ``rule.due`` after ``start`` (the moment the work arose), counted in the working days of
    ``country_code``."""
    if owner is None and team_role is None:
        raise ValueError("work needs an owner or a team")
    now = clock.now()
    start = start or now
    if country_code:
        params = {**params, "country_code": country_code}
    assignee = f"u{owner.pk}" if owner is not None else f"t{team_role}"
    key = key or f"{rule.key}:{subject._meta.label_lower}:{subject.pk}:{event.pk if event else ''}:{assignee}"
    first, second = _escalation_roles(rule, organisation)
    try:
        with transaction.atomic():
            item = WorkItem.objects.create(
                rule=rule.key,
                event=event,
                key=key[:200],
                organisation=organisation,
                subject_compartment=compartment,
                subject_type=subject._meta.label_lower,
                subject_id=str(subject.pk),
                params=params,
                owner=owner,
                team_role=team_role.value if team_role is not None else "",
                priority=rule.priority,
                due_at=(due_at := rule.due.after(start, country_code)),
                escalation_role_1=first,
                escalation_role_2=second,
                escalate_at=due_at if first or second else None,
                created_at=now,
            )
    except IntegrityError:
        return None
    audit.record(
        "work.opened",
        actor=acting_user,
        obj=item,
        organisation=organisation,
        compartment=compartment,
        context=context or audit.WORKER,
        detail={"rule": rule.key, "subject": f"{item.subject_type}:{item.subject_id}", "due": item.due_at.isoformat()},
    )
    return item


def close_work(
    *,
    rule: WorkRule,
    subject: models.Model,
    fulfilled_by: str,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> int:
    """Close the open work of ``rule`` about ``subject``: the action ``fulfilled_by`` did it.
    Call it inside that action's transaction."""
    return _end(
        rule, subject, state=WorkItem.State.DONE, because=fulfilled_by, acting_user=acting_user, context=context
    )


def cancel_work(
    *,
    rule: WorkRule,
    subject: models.Model,
    reason: str,
    acting_user: User | None,
    owner: User | None = None,
    context: AuditContext | None = None,
) -> int:
    """End open work of ``rule`` about ``subject`` (of one owner, when given) that is no
    longer needed, saying why."""
    return _end(
        rule,
        subject,
        state=WorkItem.State.CANCELLED,
        because=reason,
        acting_user=acting_user,
        context=context,
        owner=owner,
    )


def _end(
    rule: WorkRule,
    subject: models.Model,
    *,
    state: str,
    because: str,
    acting_user: User | None,
    context: AuditContext | None,
    owner: User | None = None,
) -> int:
    from tandem.core.queries import get_open_work_about

    items = list(get_open_work_about(rule.key, subject, owner=owner))
    now = clock.now()
    for item in items:
        ended = WorkItem.objects.filter(pk=item.pk, state=WorkItem.State.OPEN).update(
            state=state, closed_at=now, closed_by=acting_user, fulfilled_by=because[:80]
        )
        if ended:
            audit.record(
                "work.done" if state == WorkItem.State.DONE else "work.cancelled",
                actor=acting_user,
                obj=item,
                organisation=item.organisation_id,
                compartment=item.subject_compartment,
                context=context,
                detail={"rule": rule.key, "by": because},
            )
    return len(items)


def close_item(*, item: WorkItem, fulfilled_by: str, acting_user: User, context: AuditContext | None = None) -> bool:
    """Close one item of work that is done by someone looking at it (an alert reviewed), not by
    an action on its subject; False when it was closed already."""
    with transaction.atomic():
        ended = WorkItem.objects.filter(pk=item.pk, state=WorkItem.State.OPEN).update(
            state=WorkItem.State.DONE, closed_at=clock.now(), closed_by=acting_user, fulfilled_by=fulfilled_by[:80]
        )
        if ended:
            audit.record(
                "work.done",
                actor=acting_user,
                obj=item,
                organisation=item.organisation_id,
                compartment=item.subject_compartment,
                context=context,
                detail={"rule": item.rule, "by": fulfilled_by},
            )
    return bool(ended)


def escalate_overdue() -> int:
    """Take overdue work one step up its escalation: when it falls due, to the first role of
    its rule; after the rule's pause, to the second. Safe to run from several workers: each
    step is taken by one conditional update."""
    from tandem.core.queries import get_work_to_escalate

    now = clock.now()
    taken = 0
    for item in get_work_to_escalate(now):
        rule = rule_of(item)
        pause = rule.escalate_every if rule is not None else WorkingDays(1)
        country = _country_of(item)
        level = _next_level(item, now, pause)
        if level is None:
            # Not yet (or no step left): look again when the pause ends, not on every tick.
            _update_if_unchanged(item, escalate_at=_next_look(item, pause, country))
            continue
        following = pause.after(now, country) if level == 1 and item.escalation_role_2 else None
        # The step and its audit entry stand or fall together.
        with transaction.atomic():
            if not _update_if_unchanged(item, escalation_level=level, escalated_at=now, escalate_at=following):
                continue
            taken += 1
            audit.record(
                "work.escalated",
                actor=None,
                obj=item,
                organisation=item.organisation_id,
                compartment=item.subject_compartment,
                context=audit.WORKER,
                detail={"rule": item.rule, "level": level, "to": _role_at(item, level)},
            )
    return taken


def _update_if_unchanged(item: WorkItem, **changes: Any) -> int:
    """Change an item only if no other worker has moved it since it was read."""
    return WorkItem.objects.filter(
        pk=item.pk, state=WorkItem.State.OPEN, escalation_level=item.escalation_level
    ).update(**changes)


def _next_look(item: WorkItem, pause: Due, country: str | None) -> datetime | None:
    if item.escalation_level == 0 and (item.escalation_role_1 or item.escalation_role_2):
        return item.due_at
    if item.escalation_level == 1 and item.escalated_at and item.escalation_role_2:
        return pause.after(item.escalated_at, country)
    return None


def _role_at(item: WorkItem, level: int) -> str:
    return item.escalation_role_1 if level == 1 else item.escalation_role_2


def _next_level(item: WorkItem, now: datetime, pause: Due) -> int | None:
    """The escalation level the item reaches now, or None if it stays where it is."""
    country = _country_of(item)
    if item.escalation_level == 0 and item.due_at <= now:
        return 1 if item.escalation_role_1 else (2 if item.escalation_role_2 else None)
    if item.escalation_level == 1 and item.escalated_at and item.escalation_role_2:
        return 2 if pause.after(item.escalated_at, country) <= now else None
    return None


def _country_of(item: WorkItem) -> str | None:
    code = item.params.get("country_code") if isinstance(item.params, dict) else None
    return str(code) if code else None
