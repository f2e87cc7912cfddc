"""Rows of the permission matrix for the survivor side (``tests/permission_matrix.py``).

Her record is for the provider's survivor-support workers. The provider's coordinators see the
lists and the work, and reach her record only by breaking the glass (a reason, a few hours,
read only). The facilitator, the administrator, the referrer, the analyst, the government viewer
and the auditor find nothing (a facilitator's or a referrer's attempt alerts the
administrators); a coordinator of another provider reaches her own lists, never a record here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tandem.core import clock
from tests import factories
from tests.permission_matrix import ACTED, NOT_FOUND, OK, REFUSED, Row, signed_in

READ = {"survivor_worker": OK}
ACT = {"survivor_worker": ACTED}
OWN_LISTS = {"survivor_worker": OK, "coordinator": OK, "outsider": OK}


def _partner(fx: Any, user: Any) -> dict[str, Any]:
    return {"partner_id": fx.partner.pk}


def _other_partner(fx: Any, user: Any) -> dict[str, Any]:
    return {"partner_id": fx.other_partner.pk}


def _case(fx: Any, user: Any) -> dict[str, Any]:
    return {"case_id": fx.case.pk}


def _other_case(fx: Any, user: Any) -> dict[str, Any]:
    return {"case_id": fx.other_case.pk}


def _fresh_consent(fx: Any, user: Any) -> dict[str, Any]:
    return {"consent_id": factories.consent(fx.partner, channel="sms").pk}


def _other_consent(fx: Any, user: Any) -> dict[str, Any]:
    return {"consent_id": fx.other_consent.pk}


def details(fx: Any, user: Any) -> dict[str, Any]:
    return {"version": fx.partner_version(), "name": "Drita Hoxha", "safe_times": "Weekdays 10–12"}


def new_partner(fx: Any, user: Any) -> dict[str, Any]:
    return {"case": factories.case(fx.world.org).pk, "name": "Besa Krasniqi"}


def link(fx: Any, user: Any) -> dict[str, Any]:
    return {"case": factories.case(fx.world.org).pk}


def consent(fx: Any, user: Any) -> dict[str, Any]:
    today = clock.today()
    return {
        "channel": "email",
        "purpose": "questionnaires",
        "starts_on": today,
        "expires_on": today + timedelta(days=90),
    }


def withdraw(fx: Any, user: Any) -> dict[str, Any]:
    return {"on": clock.today().isoformat()}


def contact(fx: Any, user: Any) -> dict[str, Any]:
    now = clock.now()
    return {
        "kind": "contact",
        "channel": "phone",
        "purpose": "information",
        "outcome": "informed",
        "day": now.date().isoformat(),
        "time": "00:00",
    }


def reason(fx: Any, user: Any) -> dict[str, Any]:
    return {"reason": "Her worker is away and the police asked where she is staying tonight."}


def signal(fx: Any, user: Any) -> dict[str, Any]:
    return {
        "case": fx.case.pk,
        "kind": "risk_increased",
        "level": "serious",
        "summary": "He found out where she lives.",
    }


ROWS: list[Row] = [
    Row("survivors:partner_list", "GET", "none", signed_in(NOT_FOUND, **OWN_LISTS)),
    Row("survivors:partner_new", "GET", "none", signed_in(NOT_FOUND, **READ)),
    Row("survivors:partner_new", "POST", "none", signed_in(NOT_FOUND, **ACT), data=new_partner),
    # Her worker is led to her record; the coordinator to the break-the-glass form.
    Row("survivors:for_case", "GET", "own", signed_in(NOT_FOUND, **READ, coordinator=OK), _case),
    Row("survivors:for_case", "GET", "other", signed_in(NOT_FOUND), _other_case),
    Row("survivors:break_glass", "GET", "own", signed_in(NOT_FOUND, coordinator=OK), _case),
    Row("survivors:break_glass", "GET", "other", signed_in(NOT_FOUND), _other_case),
    Row("survivors:break_glass", "POST", "own", signed_in(NOT_FOUND, coordinator=ACTED), _case, data=reason),
    Row("survivors:break_glass", "POST", "other", signed_in(NOT_FOUND), _other_case, data=reason),
    Row("survivors:partner", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:partner", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:partner_edit", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:partner_edit", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:partner_edit", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=details),
    Row("survivors:partner_edit", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=details),
    Row("survivors:link", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:link", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:link", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=link),
    Row("survivors:link", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=link),
    Row("survivors:consent_new", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:consent_new", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:consent_new", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=consent),
    Row("survivors:consent_new", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=consent),
    # Opened as an address, a withdrawal leads to her record, where it is made.
    Row("survivors:consent_withdraw", "GET", "own", signed_in(NOT_FOUND, **READ), _fresh_consent),
    Row("survivors:consent_withdraw", "GET", "other", signed_in(NOT_FOUND), _other_consent),
    Row("survivors:consent_withdraw", "POST", "own", signed_in(NOT_FOUND, **ACT), _fresh_consent, data=withdraw),
    Row("survivors:consent_withdraw", "POST", "other", signed_in(NOT_FOUND), _other_consent, data=withdraw),
    Row("survivors:contact_new", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:contact_new", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:contact_new", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=contact),
    Row("survivors:contact_new", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=contact),
    Row("survivors:signal_new", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:signal_new", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:signal_new", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=signal),
    Row("survivors:signal_new", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=signal),
]


def _alert(fx: Any, user: Any) -> dict[str, Any]:
    return {"item_id": fx.alert().pk}


def _other_alert(fx: Any, user: Any) -> dict[str, Any]:
    return {"item_id": fx.other_alert.pk}


def review(fx: Any, user: Any) -> dict[str, Any]:
    return {"note": "Talked to her: she opened the wrong link. No record was seen."}


ROWS += [
    # An access alert is for the organisation's administrators to review and close.
    Row("survivors:alert", "GET", "own", signed_in(NOT_FOUND, org_admin=OK), _alert),
    Row("survivors:alert", "GET", "other", signed_in(NOT_FOUND), _other_alert),
    Row("survivors:alert", "POST", "own", signed_in(NOT_FOUND, org_admin=ACTED), _alert, data=review),
    Row("survivors:alert", "POST", "other", signed_in(NOT_FOUND), _other_alert, data=review),
]


def _sheet(fx: Any, user: Any) -> dict[str, Any]:
    return {"sheet_id": fx.sheet.pk}


def _other_sheet(fx: Any, user: Any) -> dict[str, Any]:
    return {"sheet_id": fx.other_sheet.pk}


def sheet(fx: Any, user: Any) -> dict[str, Any]:
    return {"language": "sq", "text": SHEET_TEXT}


SHEET_TEXT = (
    "The programme works with the man; it cannot make you safe. His attendance does not mean he has changed. "
    "We tell you if he stops coming, is excluded or completes. We never tell him what you say. "
    "In danger call 112 or the women's helpline."
)

ROWS += [
    # Her side's workers and the coordinators read the sheets; only a coordinator publishes one.
    Row("survivors:sheet_list", "GET", "none", signed_in(NOT_FOUND, **OWN_LISTS)),
    Row("survivors:sheet_list", "POST", "none", signed_in(NOT_FOUND, coordinator=ACTED, outsider=ACTED), data=sheet),
    Row("survivors:sheet", "GET", "own", signed_in(NOT_FOUND, survivor_worker=OK, coordinator=OK), _sheet),
    Row("survivors:sheet", "GET", "other", signed_in(NOT_FOUND), _other_sheet),
]


# --- Planning around her safety ----------------------------------------------------------------


def _fresh_share(fx: Any, user: Any) -> dict[str, Any]:
    from tandem.survivors.models import ServiceShare

    ServiceShare.objects.filter(partner=fx.partner, ended_at__isnull=True).update(ended_at=clock.now())
    return {"share_id": factories.share_with(fx.partner, fx.service).pk}


def _other_share(fx: Any, user: Any) -> dict[str, Any]:
    return {"share_id": fx.other_share.pk}


def share(fx: Any, user: Any) -> dict[str, Any]:
    from tandem.survivors.models import ServiceShare

    ServiceShare.objects.filter(partner=fx.partner, ended_at__isnull=True).update(ended_at=clock.now())
    agreed = factories.consent(fx.partner, channel="in_person", purpose="share_service", service="Women's centre")
    return {"service": fx.service.pk, "consent": agreed.pk}


def shared(fx: Any, user: Any) -> dict[str, Any]:
    from tandem.survivors.models import PartnerLink

    link = PartnerLink.objects.filter(partner=fx.partner).first()
    return {
        "link": link.pk if link else 0,
        "text": "He asked the children where she sleeps.",
        "override_reason": "He threatened to take the children tonight; she cannot be reached.",
    }


def plan(fx: Any, user: Any) -> dict[str, Any]:
    from tandem.survivors.models import SafetyPlan

    found = SafetyPlan.objects.filter(partner=fx.partner).first()
    data = {"measures": "Keys with her sister; the school knows who collects the children.", "review_every": 8}
    if found is not None:
        data |= {"version": found.version, "reason": "other", "note": "Checked with her by phone."}
    return data


def _review(fx: Any, user: Any) -> dict[str, Any]:
    return {"review_id": fx.review.pk}


def _other_review(fx: Any, user: Any) -> dict[str, Any]:
    return {"review_id": fx.other_review.pk}


def _item(fx: Any, user: Any) -> dict[str, Any]:
    return {"item_id": fx.action_item.pk}


def _other_item(fx: Any, user: Any) -> dict[str, Any]:
    return {"item_id": fx.other_item.pk}


def joint(fx: Any, user: Any) -> dict[str, Any]:
    return {"case": fx.case.pk, "service": fx.service.pk, "held_on": clock.today().isoformat()}


def item(fx: Any, user: Any) -> dict[str, Any]:
    return {"kind": "decision", "side": "both", "text": "The programme raises his minimising in group."}


def status(fx: Any, user: Any) -> dict[str, Any]:
    fx.action_item.refresh_from_db()
    return {"version": fx.action_item.version, "status": "done" if fx.action_item.status == "open" else "open"}


def _referral(fx: Any, user: Any) -> dict[str, Any]:
    return {"referral_id": fx.referral.pk}


def _other_referral(fx: Any, user: Any) -> dict[str, Any]:
    return {"referral_id": fx.other_referral.pk}


def referral(fx: Any, user: Any) -> dict[str, Any]:
    # A day of each persona's own: a second referral of the case on one day is refused as sent twice.
    day = clock.today() - timedelta(days=1 + (user.pk % 300 if user is not None else 0))
    return {"referred_on": day.isoformat(), "reason": "Threats to kill after the court hearing."}


def meeting(fx: Any, user: Any) -> dict[str, Any]:
    return {
        "held_on": clock.today().isoformat(),
        "agencies": "Police, centre for social work, the programme",
        "action_1": "Police visit her address",
        "owner_1": "Police",
    }


PARTIES = {"coordinator": OK, "facilitator": OK, "survivor_worker": OK}
RECORDERS = {"coordinator": ACTED, "survivor_worker": ACTED}
BOTH_SIDES = {"coordinator": OK, "survivor_worker": OK}

ROWS += [
    Row("survivors:share_new", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:share_new", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:share_new", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=share),
    Row("survivors:share_new", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=share),
    Row("survivors:share_end", "POST", "own", signed_in(NOT_FOUND, **ACT), _fresh_share),
    Row("survivors:share_end", "POST", "other", signed_in(NOT_FOUND), _other_share),
    Row("survivors:shared_item_new", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:shared_item_new", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:shared_item_new", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=shared),
    Row("survivors:shared_item_new", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=shared),
    Row("survivors:plan", "GET", "own", signed_in(NOT_FOUND, **READ), _partner),
    Row("survivors:plan", "GET", "other", signed_in(NOT_FOUND), _other_partner),
    Row("survivors:plan", "POST", "own", signed_in(NOT_FOUND, **ACT), _partner, data=plan),
    Row("survivors:plan", "POST", "other", signed_in(NOT_FOUND), _other_partner, data=plan),
    # Joint reviews: the parties' lists; the provider's coordinators and workers record them (a
    # coordinator elsewhere is refused the world's case); a facilitator reads the programme side.
    Row("survivors:joint_list", "GET", "none", signed_in(NOT_FOUND, **PARTIES, outsider=OK)),
    Row("survivors:joint_new", "GET", "none", signed_in(NOT_FOUND, **BOTH_SIDES, outsider=OK)),
    Row("survivors:joint_new", "POST", "none", signed_in(NOT_FOUND, **RECORDERS, outsider=REFUSED), data=joint),
    Row("survivors:joint_review", "GET", "own", signed_in(NOT_FOUND, **PARTIES), _review),
    Row("survivors:joint_review", "GET", "other", signed_in(NOT_FOUND), _other_review),
    Row("survivors:joint_review", "POST", "own", signed_in(NOT_FOUND, **RECORDERS), _review, data=item),
    Row("survivors:joint_review", "POST", "other", signed_in(NOT_FOUND), _other_review, data=item),
    Row("survivors:joint_item_status", "POST", "own", signed_in(NOT_FOUND, **RECORDERS), _item, data=status),
    Row("survivors:joint_item_status", "POST", "other", signed_in(NOT_FOUND), _other_item, data=status),
    # The risk conference: the survivor compartment's coordinators and workers.
    Row("survivors:conference", "GET", "own", signed_in(NOT_FOUND, **BOTH_SIDES), _case),
    Row("survivors:conference", "GET", "other", signed_in(NOT_FOUND), _other_case),
    Row("survivors:conference", "POST", "own", signed_in(NOT_FOUND, **RECORDERS), _case, data=referral),
    Row("survivors:conference", "POST", "other", signed_in(NOT_FOUND), _other_case, data=referral),
    Row("survivors:meeting_new", "GET", "own", signed_in(NOT_FOUND, **BOTH_SIDES), _referral),
    Row("survivors:meeting_new", "GET", "other", signed_in(NOT_FOUND), _other_referral),
    Row("survivors:meeting_new", "POST", "own", signed_in(NOT_FOUND, **RECORDERS), _referral, data=meeting),
    Row("survivors:meeting_new", "POST", "other", signed_in(NOT_FOUND), _other_referral, data=meeting),
]


def _conference_action(fx: Any, user: Any) -> dict[str, Any]:
    return {"action_id": fx.conference_action.pk}


def _other_conference_action(fx: Any, user: Any) -> dict[str, Any]:
    return {"action_id": fx.other_conference_action.pk}


def conference_status(fx: Any, user: Any) -> dict[str, Any]:
    fx.conference_action.refresh_from_db()
    was = fx.conference_action.status
    return {"was": was, "status": "done" if was == "open" else "open"}


ROWS += [
    Row(
        "survivors:conference_action_status",
        "POST",
        "own",
        signed_in(NOT_FOUND, **RECORDERS),
        _conference_action,
        data=conference_status,
    ),
    Row(
        "survivors:conference_action_status",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        _other_conference_action,
        data=conference_status,
    ),
]
