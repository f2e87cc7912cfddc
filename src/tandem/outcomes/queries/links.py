"""Reads of her questionnaire links.

A link is found by the hash of its token, never by the token: the token exists only in the
message she was sent. Whether a link still works is decided here for her page and for the
action alike, so that both answer the same: unknown, used, withdrawn, expired, or no longer
covered by her consent all look the same to whoever holds it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from tandem.core import clock
from tandem.core.audit import AuditContext
from tandem.core.roles import Action
from tandem.core.scoping import access
from tandem.outcomes.models import PartnerPoint, PointState, QuestionnaireLink
from tandem.survivors import queries as survivor_queries, rules as survivor_rules
from tandem.survivors.models import Partner, Purpose

# secrets.token_urlsafe(32) gives 43 characters; anything much longer is not one of ours and
# is turned away before the database is asked.
LONGEST_TOKEN = 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def works(link: QuestionnaireLink, now: datetime) -> bool:
    """Not used, not withdrawn and not expired (her consent is checked separately)."""
    return link.used_at is None and link.revoked_at is None and now < link.expires_at


def usable_link(token: str) -> QuestionnaireLink | None:
    """The link of ``token`` while it still works, its point is still due (not answered in an
    interview or closed meanwhile) and her consent to questionnaires through its channel holds
    today; else None, whatever the reason."""
    if not token or len(token) > LONGEST_TOKEN:
        return None
    link = (
        QuestionnaireLink._base_manager.select_related("point__partner__organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or not works(link, clock.now()) or link.point.state != PointState.DUE:
        return None
    terms = survivor_queries.consent_terms(link.point.partner)
    if not survivor_rules.covers(terms, link.channel, Purpose.QUESTIONNAIRES, clock.today()):
        return None
    return link


def links_of_partner(partner: Partner) -> list[QuestionnaireLink]:
    """Every link sent to her, newest first, for whoever already reached her record."""
    return list(
        QuestionnaireLink._base_manager.filter(point__partner_id=partner.pk)
        .select_related("point", "issued_by")
        .order_by("-issued_at", "-pk")
    )


def lock_point(point: PartnerPoint) -> None:
    """Hold the point's row until the transaction ends, so that two links issued at the same
    moment are made one after the other and the second withdraws the first."""
    list(PartnerPoint._base_manager.select_for_update().filter(pk=point.pk).values_list("pk", flat=True))


def access_link(
    user: Any, link_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> QuestionnaireLink:
    return access(
        QuestionnaireLink,
        user,
        link_id,
        action=action,
        context=context,
        queryset=QuestionnaireLink._base_manager.select_related("point__partner__organisation"),
    )
