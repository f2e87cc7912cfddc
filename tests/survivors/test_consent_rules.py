"""Her consent covers a contact only for its channel and purpose, from its first day to its
last, until she withdraws it; a refusal says what is missing."""

from __future__ import annotations

from datetime import date

from tandem.survivors.rules import ConsentState, Term, covers, refusal, state_of

TODAY = date(2026, 12, 3)
NAMES = {"phone": "phone", "sms": "SMS", "information": "information", "safety_planning": "safety planning"}


def term(**changes: object) -> Term:
    values: dict[str, object] = {
        "channel": "phone",
        "purpose": "information",
        "starts_on": date(2026, 6, 1),
        "expires_on": date(2027, 6, 1),
        "withdrawn_on": None,
    }
    values.update(changes)
    return Term(**values)  # type: ignore[arg-type]


def test_a_consent_is_valid_from_its_first_day_to_its_last() -> None:
    assert state_of(term(starts_on=TODAY), TODAY) == ConsentState.VALID
    assert state_of(term(expires_on=TODAY), TODAY) == ConsentState.VALID


def test_a_consent_is_expired_the_day_after_its_last() -> None:
    assert state_of(term(expires_on=date(2026, 12, 2)), TODAY) == ConsentState.EXPIRED


def test_a_withdrawal_ends_it_from_its_day() -> None:
    assert state_of(term(withdrawn_on=TODAY), TODAY) == ConsentState.WITHDRAWN


def test_a_consent_not_yet_begun_covers_nothing() -> None:
    assert state_of(term(starts_on=date(2026, 12, 10)), TODAY) == ConsentState.NOT_YET
    assert not covers([term(starts_on=date(2026, 12, 10))], "phone", "information", TODAY)


def test_consent_covers_only_its_own_channel_and_purpose() -> None:
    assert covers([term()], "phone", "information", TODAY)
    assert not covers([term()], "sms", "information", TODAY)
    assert not covers([term()], "phone", "safety_planning", TODAY)


def test_without_consent_the_refusal_names_the_channel_and_purpose_to_record() -> None:
    message = refusal([term(channel="sms")], "phone", "safety_planning", TODAY, names=NAMES)
    assert message is not None
    assert "phone" in message and "safety planning" in message and "Record her consent" in message


def test_an_expired_consent_is_refused_with_its_last_day() -> None:
    message = refusal([term(expires_on=date(2026, 11, 30))], "phone", "information", TODAY, names=NAMES)
    assert message is not None and "expired" in message


def test_a_withdrawn_consent_is_refused_saying_so() -> None:
    message = refusal([term(withdrawn_on=date(2026, 12, 1))], "phone", "information", TODAY, names=NAMES)
    assert message is not None and "withdrew" in message


def test_a_newer_consent_after_a_withdrawn_one_covers_again() -> None:
    terms = [term(withdrawn_on=date(2026, 9, 1)), term(starts_on=date(2026, 10, 1))]
    assert refusal(terms, "phone", "information", TODAY, names=NAMES) is None
