"""Answering the programme's question: the referrer changes her referral and sends it again."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.cases.actions import CaseRefused, ReferralDetails, StaleCase, _bump, _check
from tandem.cases.models import Referral, ReferralState
from tandem.cases.queries.referrals import may_resubmit
from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Action
from tandem.core.scoping import record_denied

# The fields of a referral the referrer fills in, in the order of ``ReferralDetails``.
DETAIL_FIELDS = (
    "name",
    "reason",
    "birth_date",
    "identity_number",
    "incidents",
    "partner_known",
    "children",
    "legal_status",
    "deadline",
)


def resubmit_referral(
    *,
    referral: Referral,
    expected_version: int,
    details: ReferralDetails,
    acting_user: User,
    context: AuditContext | None = None,
) -> Referral:
    """The programme asked for more information: a referrer of the agency that sent the referral
    (or, for one the programme's staff entered, its coordinators) completes it
    and sends it again, and it waits for a decision once more. The question stays on the
    referral, so that whoever decides sees what was asked; the audit names the fields changed,
    never their values."""
    if not may_resubmit(acting_user, referral):
        record_denied(acting_user, Referral, referral.pk, Action.CHANGE, context, detail={"event": "resubmit"})
        raise CaseRefused(_("Only the referrers of the agency that sent this referral can send it again."))
    if referral.version != expected_version:
        # Sent again, or decided, since the form was opened: the form is out of date either way.
        raise StaleCase(_("Someone else changed this after you opened it. Open it again to see their changes."))
    if referral.state != ReferralState.MORE_INFORMATION:
        raise CaseRefused(_("The programme has not asked for more information on this referral."))
    _check(details)
    changes = {
        "name": details.name.strip(),
        "reason": details.reason.strip(),
        "birth_date": details.birth_date,
        "identity_number": details.identity_number.strip(),
        "incidents": details.incidents.strip(),
        "partner_known": details.partner_known,
        "children": details.children.strip(),
        "legal_status": details.legal_status.strip(),
        "deadline": details.deadline,
    }
    changed = [field for field in DETAIL_FIELDS if getattr(referral, field) != changes[field]]
    with transaction.atomic():
        _bump(referral, expected_version, state=ReferralState.SUBMITTED, **changes)
        audit.record(
            "cases.referral.resubmitted",
            actor=acting_user,
            obj=referral,
            organisation=referral.organisation_id,
            compartment=Referral.compartment,
            context=context,
            detail={"changed": changed},
        )
    return referral
