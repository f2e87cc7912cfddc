"""Every read of the survivor compartment, in two kinds.

What case work may know of her side: ``partner_facts`` (yes, no or a date, read by the gates;
no when nothing is recorded, so that a gate refuses rather than passes), ``latest_signal`` (for a
coordinator before a report about him leaves, through the policy and audited),
``signals_for_programme`` (what a signal says, its level and day, for the man's case page) and
counts for the coordinator's overview.

Her side's own pages: her record and what hangs on it, always through ``access`` (404 outside
the policy, every opening on the audit log), the survivor-safety work, and the alerts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import AuditEntry, WorkItem
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import access
from tandem.survivors import rules
from tandem.survivors.models import (
    BreakGlass,
    Consent,
    ContactEntry,
    InformationSheet,
    Partner,
    PartnerContact,
    PartnerLink,
    SafetySignal,
    SignalKind,
    SignalLevel,
)


@dataclass(frozen=True)
class PartnerFacts:
    """Yes, no or a date: all that the programme side may know of the partner's contact."""

    contact_settled: bool = False  # contact offered, or a recorded reason why it is impossible
    contact_offered_on: date | None = None
    limitations_explained_on: date | None = None

    @property
    def limitations_explained(self) -> bool:
        return self.limitations_explained_on is not None


def partner_facts(reference: uuid.UUID | None) -> PartnerFacts:
    if reference is None:
        return PartnerFacts()
    row = (
        PartnerContact._base_manager.filter(reference=reference)
        .values("contact_offered_on", "contact_impossible_because", "limitations_explained_on")
        .first()
    )
    if row is None:
        return PartnerFacts()
    settled = row["contact_offered_on"] is not None or bool((row["contact_impossible_because"] or "").strip())
    return PartnerFacts(settled, row["contact_offered_on"], row["limitations_explained_on"])


def latest_signal(
    user: Any, reference: uuid.UUID | None, *, context: AuditContext | None = None
) -> SafetySignal | None:
    """The newest safety signal about the partner that ``user`` may read; reading it is audited
    because it crosses from her compartment to someone deciding about him."""
    if reference is None:
        return None
    signal = SafetySignal.objects.visible_to(user, Action.VIEW).filter(reference=reference).first()
    if signal is not None:
        audit.record(
            "survivors.signal.read",
            actor=user,
            obj=signal,
            organisation=signal.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"level": signal.level},
        )
    return signal


# --- The survivor side's own pages ---------------------------------------------------------------


def partners_for(user: Any) -> QuerySet[Partner]:
    """The partners whose records the reader may open: her organisation's, for survivor-support
    workers and coordinators (the policy's survivor compartment)."""
    return Partner.objects.visible_to(user, Action.VIEW).prefetch_related("links").order_by("-updated_at", "pk")


def access_partner(
    user: Any, partner_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> Partner:
    """One partner's record, through the policy: 404 for anyone else, and every opening is on
    the audit log (``core.scoping.access`` records each read of the survivor compartment)."""
    return access(Partner, user, partner_id, action=action, context=context)


def access_consent(
    user: Any, consent_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> Consent:
    return access(
        Consent,
        user,
        consent_id,
        action=action,
        context=context,
        queryset=Consent.objects.select_related("partner__organisation"),
    )


def partner_of_reference(reference: uuid.UUID) -> Partner | None:
    """The partner linked to a case's reference, for the actions and the work's link; never
    shown without ``access_partner``."""
    link = PartnerLink._base_manager.filter(reference=reference).select_related("partner").first()
    return link.partner if link is not None else None


def links_of(partner: Partner) -> list[PartnerLink]:
    return list(PartnerLink._base_manager.filter(partner_id=partner.pk).order_by("linked_at", "pk"))


def consents_of(partner: Partner) -> list[Consent]:
    return list(Consent._base_manager.filter(partner_id=partner.pk).order_by("purpose", "channel", "-starts_on", "-pk"))


def consent_terms(partner: Partner) -> list[rules.Term]:
    return [term for _consent, term in consents_with_terms(partner)]


def contacts_of(partner: Partner) -> list[ContactEntry]:
    return list(
        ContactEntry._base_manager.filter(partner_id=partner.pk)
        .select_related("recorded_by")
        .order_by("-happened_at", "-pk")
    )


def signals_of(partner: Partner) -> list[SafetySignal]:
    references = [link.reference for link in links_of(partner)]
    return list(
        SafetySignal._base_manager.filter(reference__in=references)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def open_work_about(case_ids: list[int], plan_id: int | None = None) -> list[WorkItem]:
    """The survivor side's open work about the men's cases the partner is linked to, and about
    her safety plan."""
    about = Q(subject_type="cases.case", subject_id__in=[str(case_id) for case_id in case_ids])
    if plan_id is not None:
        about |= Q(subject_type="survivors.safetyplan", subject_id=str(plan_id))
    return list(
        WorkItem._base_manager.filter(
            about, subject_compartment=Compartment.SURVIVOR, state=WorkItem.State.OPEN
        ).order_by("due_at", "pk")
    )


# --- What the programme side may know ------------------------------------------------------------


@dataclass(frozen=True)
class SignalForProgramme:
    """A safety signal as the man's facilitators see it: what it says, its level and its day;
    never who sent it, her words, or where she is. The topic of "do not raise a topic" is the
    only words that cross, written by her worker for them."""

    kind: str
    kind_label: str
    level: str
    level_label: str
    on: date
    topic: str


def signals_for_programme(reference: uuid.UUID | None, *, limit: int = 5) -> list[SignalForProgramme]:
    """The newest signals, and every "do not raise a topic" one however old: a standing
    instruction to the facilitators must not scroll away."""
    if reference is None:
        return []
    kinds, levels = dict(SignalKind.choices), dict(SignalLevel.choices)
    found = SafetySignal._base_manager.filter(reference=reference).only("kind", "level", "recorded_at", "topic")
    newest = list(found.order_by("-recorded_at", "-pk")[:limit])
    shown = {row.pk for row in newest}
    standing = [
        row
        for row in found.filter(kind=SignalKind.AVOID_TOPIC).order_by("-recorded_at", "-pk")[:20]
        if row.pk not in shown
    ]
    rows = newest + standing
    return [
        SignalForProgramme(
            kind=row.kind,
            kind_label=str(kinds.get(row.kind, row.kind)),
            level=row.level,
            level_label=str(levels.get(row.level, row.level)),
            on=timezone.localdate(row.recorded_at),
            topic=row.topic if row.kind == SignalKind.AVOID_TOPIC else "",
        )
        for row in rows
    ]


def consents_with_terms(partner: Partner) -> list[tuple[Consent, rules.Term]]:
    return [
        (
            row,
            rules.Term(
                channel=row.channel,
                purpose=row.purpose,
                starts_on=row.starts_on,
                expires_on=row.expires_on,
                withdrawn_on=row.withdrawn_on,
            ),
        )
        for row in consents_of(partner)
    ]


def survivor_work_of(organisation_ids: list[int] | set[int] | frozenset[int]) -> list[WorkItem]:
    """The open survivor-side work of the reader's organisations, soonest due first."""
    return list(
        WorkItem._base_manager.filter(
            organisation_id__in=list(organisation_ids),
            subject_compartment=Compartment.SURVIVOR,
            state=WorkItem.State.OPEN,
        ).order_by("due_at", "pk")[:200]
    )


def limits_explained_among(references: list[uuid.UUID]) -> int:
    """How many of these partners were told what the programme can and cannot do: a count, for
    the coordinator's overview; nothing about any one of them."""
    return (
        PartnerContact._base_manager.filter(reference__in=references, limitations_explained_on__isnull=False)
        .values("reference")
        .distinct()
        .count()
    )


def may_read(user: Any, partner: Partner) -> bool:
    """Whether the person reaches her record now (her support worker, or a coordinator inside a
    break-the-glass access)."""
    return Partner.objects.visible_to(user, Action.VIEW).filter(pk=partner.pk).exists()


def may_change_in(user: Any) -> list[int]:
    """The organisations in which the person may make and change partners' records."""
    from tandem.core.policy import organisations_granting

    return organisations_granting(user, Compartment.SURVIVOR, Action.CHANGE, roles=Partner.compartment_roles)


def accesses_of(partner: Partner) -> list[BreakGlass]:
    """The break-the-glass accesses to her record, newest first, for her support workers."""
    return list(
        BreakGlass._base_manager.filter(partner_id=partner.pk).select_related("coordinator").order_by("-starts_at")
    )


ALERT_RULES = ("survivors.alert_tried", "survivors.alert_bulk", "survivors.alert_search", "survivors.break_glass")


def alert_for(user: Any, item_id: Any) -> WorkItem | None:
    """An alert of the survivor side that is the reader's to review: an administrator of its
    organisation, or for a break-the-glass notice one of her support workers too."""
    from tandem.core.policy import has_role

    item = (
        WorkItem._base_manager.filter(pk=item_id, rule__in=ALERT_RULES).select_related("organisation").first()
        if str(item_id).isdigit()
        else None
    )
    if item is None:
        return None
    reviewers = (Role.ORG_ADMIN, Role.SURVIVOR_WORKER) if item.rule == "survivors.break_glass" else (Role.ORG_ADMIN,)
    return item if has_role(user, item.organisation_id, *reviewers) else None


@dataclass(frozen=True)
class Attempt:
    at: datetime
    what: str
    path: str


def attempts_of(user_id: Any, *, days: int = 30) -> list[Attempt]:
    """What the person an alert is about did on the survivor side lately: refused attempts,
    alerts and break-the-glass accesses, newest first (times and addresses, nothing of her)."""
    import json

    from django.utils.translation import gettext as _

    searched = _("Searched the man's side for a partner's name or address (alert raised)")
    labels = {
        "survivors.access_alert": _("Tried a page of the survivor side (alert raised)"),
        "survivors.refused": _("Tried a page of the survivor side"),
        "survivors.break_glass": _("Opened a partner's record outside the rule"),
        "access.denied": _("Tried a record outside their reach"),
    }
    since = timezone.now() - timedelta(days=days)
    found = []
    for entry in AuditEntry.objects.filter(actor_id=user_id, at__gte=since, action__in=labels).order_by("-at")[:50]:
        try:
            detail = json.loads(entry.detail) if entry.detail else {}
        except ValueError:
            detail = {}
        what = searched if detail.get("alert") == "search" else labels[entry.action]
        found.append(Attempt(at=entry.at, what=what, path=str(detail.get("path", ""))[:200]))
    return found


def latest_sheet(organisation_id: int, language: str) -> InformationSheet | None:
    return (
        InformationSheet._base_manager.filter(organisation_id=organisation_id, language=language)
        .order_by("-version")
        .first()
    )


def sheets_for(user: Any) -> list[InformationSheet]:
    """The information sheets of the reader's organisations, newest version first per language."""
    return list(
        InformationSheet.objects.visible_to(user, Action.VIEW)
        .select_related("organisation", "published_by")
        .order_by("organisation__name", "language", "-version")
    )


def current_sheets(organisation_id: int) -> list[InformationSheet]:
    """The latest version in each language: what a worker may give her now."""
    latest: dict[str, InformationSheet] = {}
    for sheet in InformationSheet._base_manager.filter(organisation_id=organisation_id).order_by(
        "language", "-version"
    ):
        latest.setdefault(sheet.language, sheet)
    return list(latest.values())


def access_sheet(user: Any, sheet_id: Any, *, context: AuditContext | None = None) -> InformationSheet:
    return access(InformationSheet, user, sheet_id, context=context)


def alerts_ended(rule_key: str, user_id: int, organisation_id: int) -> int:
    """How many access alerts of one kind about one person an organisation has closed: the next
    alert about her is counted from there."""
    return (
        WorkItem._base_manager.filter(
            rule=rule_key, organisation_id=organisation_id, subject_type="core.user", subject_id=str(user_id)
        )
        .exclude(state=WorkItem.State.OPEN)
        .count()
    )
