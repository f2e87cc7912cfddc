"""Break the glass: a coordinator who must see a partner's record outside the rule (her support
worker cannot be reached and the danger will not wait) says why, and reads it for a few hours.
The access is on the audit log with its reason, and her support workers and the organisation's
administrators have work to look at it."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.policy import has_role
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import record_denied
from tandem.core.work import open_work
from tandem.survivors import queries
from tandem.survivors.actions import MAX_TEXT, SurvivorSideRefused
from tandem.survivors.models import BreakGlass, Partner
from tandem.survivors.work_rules import BREAK_GLASS_NOTICE

HOURS = 2
SHORTEST_REASON = 15


def break_glass(*, partner: Partner, reason: str, acting_user: User, context: AuditContext | None = None) -> BreakGlass:
    if not has_role(acting_user, partner.organisation_id, Role.COORDINATOR):
        record_denied(acting_user, Partner, partner.pk, Action.VIEW, context, detail={"break_glass": True})
        raise SurvivorSideRefused(_("Only the provider's coordinators may open a partner's record outside the rule."))
    reason = reason.strip()
    if len(reason) < SHORTEST_REASON:
        raise ValidationError(
            {"reason": _("Say why you must see her record now, in a sentence her support worker will read.")}
        )
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    now = clock.now()
    cases = ", ".join(f"#{link.case_number}" for link in queries.links_of(partner))
    who = acting_user.get_full_name() or acting_user.get_username()
    with transaction.atomic():
        access = BreakGlass.objects.create(
            partner=partner, coordinator=acting_user, reason=reason, starts_at=now, ends_at=now + timedelta(hours=HOURS)
        )
        audit.record(
            "survivors.break_glass",
            actor=acting_user,
            obj=partner,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"access": access.pk, "until": access.ends_at.isoformat()},
        )
        until = formats.date_format(timezone.localtime(access.ends_at), "SHORT_DATETIME_FORMAT")
        for team in (Role.SURVIVOR_WORKER, Role.ORG_ADMIN):
            open_work(
                rule=BREAK_GLASS_NOTICE,
                organisation=partner.organisation,
                subject=access,
                params={
                    "who": who,
                    "cases": cases,
                    "until": until,
                },
                team_role=team,
                compartment="",
                acting_user=acting_user,
                context=context,
            )
    return access
