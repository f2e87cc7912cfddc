"""Rows of the permission matrix for the referral pages.

The referrer's side (sending, her agency's list, a referral's page, completing it when asked)
is for the referrers of the agency that sent it. The programme's side (the referrals to decide,
entering one, the decision page) is for the provider's programme staff: its facilitators read,
its coordinators decide. The provider's administrator does not work on the men's cases and finds
nothing, as everyone else does; a referral of another agency to another provider is nowhere.
"""

from __future__ import annotations

from typing import Any

from tests.permission_matrix import ACTED, NOT_FOUND, OK, REFUSED, Row, signed_in

READERS = {"facilitator": OK, "coordinator": OK}
DECIDING = {"facilitator": REFUSED, "coordinator": ACTED}


def details(**more: Any) -> dict[str, Any]:
    return {
        "name": "Marko Marković",
        "reason": "Court order after an assault on his partner.",
        "birth_date": "1985-04-02",
        "partner_known": "yes",
        **more,
    }


def edited(version: int) -> dict[str, Any]:
    return details(version=version, incidents="Two police call-outs this year.")


ROWS = [
    # The referrer's side.
    Row("cases:referral_sent_list", "GET", "none", signed_in(NOT_FOUND, referrer=OK)),
    Row("cases:referral_new", "GET", "none", signed_in(NOT_FOUND, referrer=OK)),
    Row(
        "cases:referral_new",
        "POST",
        "own",
        signed_in(NOT_FOUND, referrer=ACTED),
        data=lambda fx, user: details(agency=fx.world.agency.pk, provider=fx.world.org.pk),
    ),
    # Sending from an agency she does not belong to is refused by the form.
    Row(
        "cases:referral_new",
        "POST",
        "other",
        signed_in(NOT_FOUND, referrer=REFUSED),
        data=lambda fx, user: details(agency=fx.other_agency.pk, provider=fx.world.org.pk),
    ),
    Row(
        "cases:referral",
        "GET",
        "own",
        signed_in(NOT_FOUND, referrer=OK),
        lambda fx, user: {"referral_id": fx.referral.pk},
    ),
    Row(
        "cases:referral",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"referral_id": fx.other_referral.pk},
    ),
    Row(
        "cases:referral_edit",
        "GET",
        "own",
        signed_in(NOT_FOUND, referrer=OK),
        lambda fx, user: {"referral_id": fx.asked.pk},
    ),
    Row(
        "cases:referral_edit",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"referral_id": fx.other_asked.pk},
    ),
    Row(
        "cases:referral_edit",
        "POST",
        "own",
        signed_in(NOT_FOUND, referrer=ACTED),
        lambda fx, user: {"referral_id": fx.asked.pk},
        data=lambda fx, user: edited(fx.asked.version),
    ),
    Row(
        "cases:referral_edit",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"referral_id": fx.other_asked.pk},
        data=lambda fx, user: edited(fx.other_asked.version),
    ),
    # The programme's side. The outsider is a coordinator of another provider: she has her own
    # (empty) list and enters referrals for her own provider only.
    Row("cases:referral_inbox", "GET", "none", signed_in(NOT_FOUND, facilitator=OK, coordinator=OK, outsider=OK)),
    Row("cases:referral_enter", "GET", "none", signed_in(NOT_FOUND, coordinator=OK, outsider=OK)),
    Row(
        "cases:referral_enter",
        "POST",
        "own",
        signed_in(NOT_FOUND, coordinator=ACTED, outsider=REFUSED),
        data=lambda fx, user: details(provider=fx.world.org.pk, route="self"),
    ),
    Row(
        "cases:referral_enter",
        "POST",
        "other",
        signed_in(NOT_FOUND, coordinator=REFUSED, outsider=REFUSED),
        data=lambda fx, user: details(provider=fx.other_provider.pk, route="self"),
    ),
    Row(
        "cases:referral_decide",
        "GET",
        "own",
        signed_in(NOT_FOUND, **READERS),
        lambda fx, user: {"referral_id": fx.referral.pk},
    ),
    Row(
        "cases:referral_decide",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"referral_id": fx.other_referral.pk},
    ),
    Row(
        "cases:referral_accept",
        "POST",
        "own",
        signed_in(NOT_FOUND, **DECIDING),
        lambda fx, user: {"referral_id": fx.referral.pk},
        data=lambda fx, user: {"accept-version": fx.referral.version, "accept-participant": "new"},
    ),
    Row(
        "cases:referral_accept",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"referral_id": fx.other_referral.pk},
        data=lambda fx, user: {"accept-version": fx.other_referral.version, "accept-participant": "new"},
    ),
    Row(
        "cases:referral_reject",
        "POST",
        "own",
        signed_in(NOT_FOUND, **DECIDING),
        lambda fx, user: {"referral_id": fx.referral.pk},
        data=lambda fx, user: {"reject-version": fx.referral.version, "reject-reason": "Outside our area."},
    ),
    Row(
        "cases:referral_reject",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"referral_id": fx.other_referral.pk},
        data=lambda fx, user: {"reject-version": fx.other_referral.version, "reject-reason": "Outside our area."},
    ),
    Row(
        "cases:referral_ask",
        "POST",
        "own",
        signed_in(NOT_FOUND, **DECIDING),
        lambda fx, user: {"referral_id": fx.referral.pk},
        data=lambda fx, user: {"ask-version": fx.referral.version, "ask-reason": "His date of birth, please."},
    ),
    Row(
        "cases:referral_ask",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"referral_id": fx.other_referral.pk},
        data=lambda fx, user: {"ask-version": fx.other_referral.version, "ask-reason": "His date of birth, please."},
    ),
]
