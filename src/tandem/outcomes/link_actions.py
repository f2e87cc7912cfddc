"""Her questionnaire link: issued by one of her support workers, answered by her alone, once.

A link is sent only through a channel that can carry it (a text message, an e-mail, another
service) and that she agreed to for outcome questionnaires. It works until it is used, withdrawn
or expires: after a few days (``TANDEM_OUTCOME_LINK_DAYS``), and never after the last day of its
time point. A new link of the same point withdraws the earlier ones, so that only the last one
sent can be answered. Tandem keeps only a hash of the token: the worker sees the link once, to
send it herself, and nobody can show it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Action, Compartment
from tandem.core.scoping import record_denied
from tandem.outcomes import queries
from tandem.outcomes.actions import Answers, OutcomeRefused, record_her_answers
from tandem.outcomes.models import Mode, PartnerPoint, PartnerResponse, PointState, QuestionnaireLink
from tandem.outcomes.queries import links as link_queries
from tandem.outcomes.rules.instruments import PARTNER, current_instrument
from tandem.survivors import queries as survivor_queries, rules as survivor_rules
from tandem.survivors.models import Channel, Purpose

# Channels that carry a written link. A call or a visit cannot: she would have to write it down.
LINK_CHANNELS = (Channel.SMS.value, Channel.EMAIL.value, Channel.SERVICE.value)
DEFAULT_LINK_DAYS = 7
# What her page's audit entries name instead of a person: her address and browser are not kept,
# because where she answers from is hers.
HER_LINK = AuditContext(channel="questionnaire link")


def link_days() -> int:
    days = getattr(settings, "TANDEM_OUTCOME_LINK_DAYS", DEFAULT_LINK_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ImproperlyConfigured("TANDEM_OUTCOME_LINK_DAYS must be a whole number of days from 1.")
    return days


def expiry(issued_at: datetime, closes_on: date, days: int) -> datetime:
    """``days`` after issue, but never after the end of the point's last day."""
    last = timezone.make_aware(datetime.combine(closes_on, time.max))
    return min(issued_at + timedelta(days=days), last)


def no_longer_works() -> str:
    # The same words for every reason, so that whoever holds the link learns nothing from them.
    return _("This link no longer works. If you want to answer, ask the person who sent it for a new one.")


def _names() -> dict[str, str]:
    return {key: str(value) for key, value in {**dict(Channel.choices), **dict(Purpose.choices)}.items()}


def _may_change(user: User, point: PartnerPoint, context: AuditContext | None) -> None:
    if not queries.may_change(user, point):
        record_denied(user, PartnerPoint, point.pk, Action.CHANGE, context)
        raise OutcomeRefused(_("Only her support workers send her a questionnaire link."), rule="allowed")


def _still_due(point: PartnerPoint) -> None:
    if point.state != PointState.DUE or queries.has_response(point):
        raise OutcomeRefused(
            _("This time point is closed already: a link can be sent only while it is due."), rule="closed"
        )


def issue_link(
    *,
    point: PartnerPoint,
    channel: str,
    language: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> tuple[QuestionnaireLink, str]:
    """A new link to her questionnaire at ``point``, and its token, returned this once.

    Only her support workers send it, while the point is due and open, through a channel that
    carries a link and that she agreed to for outcome questionnaires today, in a language the
    questionnaire is written in. Earlier unused links of the point are withdrawn."""
    _may_change(acting_user, point, context)
    _still_due(point)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the link will reach her.")})
    if channel not in LINK_CHANNELS:
        raise ValidationError(
            {
                "channel": _(
                    "A link cannot be given by %(channel)s: choose SMS, e-mail or another service "
                    "she agreed to for outcome questionnaires."
                )
                % {"channel": Channel(channel).label}
            }
        )
    today = clock.today()
    refused = survivor_rules.refusal(
        survivor_queries.consent_terms(point.partner), channel, Purpose.QUESTIONNAIRES, today, names=_names()
    )
    if refused is not None:
        raise OutcomeRefused(refused, rule="consent")
    if language not in current_instrument(PARTNER).languages:
        raise ValidationError({"language": _("The questionnaire is not written in this language.")})
    if today < point.opens_on:
        raise OutcomeRefused(
            _("This time point opens on %(day)s: send her the link from that day.")
            % {"day": date_format(point.opens_on, "SHORT_DATE_FORMAT")},
            rule="window",
        )
    now = clock.now()
    expires_at = expiry(now, point.closes_on, link_days())
    if expires_at <= now:
        raise OutcomeRefused(
            _("This time point closed on %(day)s: record why there are no answers instead.")
            % {"day": date_format(point.closes_on, "SHORT_DATE_FORMAT")},
            rule="window",
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link_queries.lock_point(point)
        withdrawn = QuestionnaireLink._base_manager.filter(
            point_id=point.pk, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        link = QuestionnaireLink.objects.create(
            point=point,
            token_hash=link_queries.token_hash(token),
            channel=channel,
            language=language,
            issued_by=acting_user,
            issued_at=now,
            expires_at=expires_at,
        )
        audit.record(
            "outcomes.link_issued",
            actor=acting_user,
            obj=link,
            organisation=point.partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={
                "point": point.point,
                "channel": channel,
                "language": language,
                "expires_at": expires_at.isoformat(),
                "withdrawn": withdrawn,
            },
        )
    return link, token


def withdraw_link(
    *, link: QuestionnaireLink, acting_user: User, context: AuditContext | None = None
) -> QuestionnaireLink:
    """Her support worker takes back a link not yet used: from now it no longer works."""
    point = link.point
    _may_change(acting_user, point, context)
    if link.used_at is not None:
        raise OutcomeRefused(_("She has used this link already: there is nothing to withdraw."), rule="used")
    if link.revoked_at is not None:
        raise OutcomeRefused(_("This link is withdrawn already."), rule="withdrawn")
    now = clock.now()
    with transaction.atomic():
        if not QuestionnaireLink._base_manager.filter(pk=link.pk, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        ):
            raise OutcomeRefused(
                _("This link was used or withdrawn meanwhile. Open her questionnaires again."), rule="version"
            )
        link.revoked_at = now
        audit.record(
            "outcomes.link_withdrawn",
            actor=acting_user,
            obj=link,
            organisation=point.partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"point": point.point},
        )
    return link


def answer_through_link(
    *, token: str, answers: Mapping[str, int | None], context: AuditContext | None = None
) -> PartnerResponse:
    """Her own answers through her link. The link is used by the same transaction that records
    them: of two answers sent at once only one is kept, and answers refused (off the scale,
    nothing answered) leave the link as it was, for her to correct and send again. A link that
    no longer works, for whatever reason, is refused in the same words."""
    link = link_queries.usable_link(token)
    if link is None:
        raise OutcomeRefused(no_longer_works(), rule="link")
    point = link.point
    context = context or HER_LINK
    now = clock.now()
    try:
        with transaction.atomic():
            taken = QuestionnaireLink._base_manager.filter(
                pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
            ).update(used_at=now)
            if taken != 1:
                raise OutcomeRefused(no_longer_works(), rule="link")
            response = record_her_answers(
                point=point,
                answers=Answers(answers, link.language, clock.today(), Mode.LINK, link.channel),
                expected_version=point.version,
                acting_user=None,
                context=context,
            )
            link.used_at = now
            audit.record(
                "outcomes.link_used",
                actor=None,
                obj=link,
                organisation=point.partner.organisation_id,
                compartment=Compartment.SURVIVOR,
                context=context,
                detail={"point": point.point, "response": response.pk},
            )
    except OutcomeRefused as refused:
        # Closed meanwhile, her consent gone, another answer first: for her, all the same.
        raise OutcomeRefused(no_longer_works(), rule="link") from refused
    return response
