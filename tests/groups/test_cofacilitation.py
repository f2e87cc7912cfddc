"""At least one woman and one man, and at least two facilitators, for every session; an override
needs a reason and is reported as one."""

from __future__ import annotations

from tandem.groups.rules.cofacilitation import (
    MIXED_GENDER,
    OVERRIDE_REASON,
    TOO_FEW,
    Decision,
    Facilitator,
    Gender,
    Met,
    Overridden,
    Refused,
    check_cofacilitation,
)

ANA = Facilitator(person_id=1, gender=Gender.WOMAN)
BESA = Facilitator(person_id=2, gender=Gender.WOMAN)
MARKO = Facilitator(person_id=3, gender=Gender.MAN)
ILIR = Facilitator(person_id=4, gender=Gender.MAN)
ALEX = Facilitator(person_id=5, gender=Gender.OTHER)
SAM = Facilitator(person_id=6, gender=Gender.OTHER)


def refused(decision: Decision) -> Refused:
    assert isinstance(decision, Refused), decision
    return decision


def rules(decision: Decision) -> list[str]:
    return [breach.rule for breach in refused(decision).breaches]


def test_a_woman_and_a_man_meet_the_rule() -> None:
    assert check_cofacilitation([ANA, MARKO]) == Met()


def test_two_men_are_refused_until_a_woman_is_added() -> None:
    decision = refused(check_cofacilitation([MARKO, ILIR]))

    assert [(b.rule, b.message) for b in decision.breaches] == [
        (MIXED_GENDER, "Add a woman facilitator: each session needs at least one woman and one man.")
    ]


def test_two_women_are_refused_until_a_man_is_added() -> None:
    decision = refused(check_cofacilitation([ANA, BESA]))

    assert decision.breaches[0].message.startswith("Add a man facilitator")


def test_facilitators_of_other_or_unstated_gender_need_a_woman_and_a_man_added() -> None:
    decision = refused(check_cofacilitation([ALEX, SAM]))

    assert decision.breaches[0].message.startswith("Add a woman facilitator and a man facilitator")


def test_a_single_facilitator_is_refused_naming_how_many_are_missing() -> None:
    decision = refused(check_cofacilitation([ANA]))

    assert decision.breaches[0].rule == TOO_FEW
    assert decision.breaches[0].message == "Add 1 more facilitator: each session needs at least 2."


def test_a_single_facilitator_also_breaks_the_mixed_gender_rule() -> None:
    assert rules(check_cofacilitation([ANA])) == [TOO_FEW, MIXED_GENDER]


def test_a_session_without_facilitators_names_both_rules() -> None:
    decision = refused(check_cofacilitation([]))

    assert [b.rule for b in decision.breaches] == [TOO_FEW, MIXED_GENDER]
    assert decision.breaches[0].message == "Add 2 more facilitators: each session needs at least 2."


def test_a_third_facilitator_of_other_gender_keeps_a_mixed_pair_valid() -> None:
    assert check_cofacilitation([ANA, MARKO, ALEX]) == Met()


def test_a_mixed_pair_meets_the_rule_whatever_the_order() -> None:
    assert check_cofacilitation([MARKO, ANA]) == Met()


def test_the_same_person_listed_twice_counts_once() -> None:
    assert rules(check_cofacilitation([MARKO, MARKO])) == [TOO_FEW, MIXED_GENDER]


def test_a_higher_minimum_refuses_a_mixed_pair() -> None:
    decision = refused(check_cofacilitation([ANA, MARKO], minimum=3))

    assert [(b.rule, b.message) for b in decision.breaches] == [
        (TOO_FEW, "Add 1 more facilitator: each session needs at least 3.")
    ]


def test_gender_stored_as_text_is_understood() -> None:
    stored = [Facilitator(person_id=1, gender=Gender("woman")), Facilitator(person_id=3, gender=Gender("man"))]

    assert check_cofacilitation(stored) == Met()


def test_an_override_with_a_reason_is_reported_as_an_override() -> None:
    decision = check_cofacilitation([MARKO, ILIR], override=True, reason="  Ana is ill; no cover available.  ")

    assert isinstance(decision, Overridden)
    assert [b.rule for b in decision.breaches] == [MIXED_GENDER]
    assert decision.reason == "Ana is ill; no cover available."


def test_an_override_without_a_reason_is_refused_asking_for_one() -> None:
    decision = refused(check_cofacilitation([MARKO, ILIR], override=True))

    assert [b.rule for b in decision.breaches] == [MIXED_GENDER, OVERRIDE_REASON]
    assert decision.breaches[-1].message == "Give a reason for going ahead without the co-facilitation rule."


def test_an_override_with_a_blank_reason_is_refused() -> None:
    assert OVERRIDE_REASON in rules(check_cofacilitation([MARKO, ILIR], override=True, reason="   "))


def test_a_reason_without_asking_for_an_override_does_not_override() -> None:
    assert rules(check_cofacilitation([MARKO, ILIR], reason="No cover available.")) == [MIXED_GENDER]


def test_an_override_of_a_team_that_meets_the_rule_is_not_counted_as_one() -> None:
    assert check_cofacilitation([ANA, MARKO], override=True, reason="Just in case.") == Met()


def test_an_override_can_cover_a_session_with_one_facilitator() -> None:
    decision = check_cofacilitation([ANA], override=True, reason="Marko's train was cancelled.")

    assert isinstance(decision, Overridden)
    assert [b.rule for b in decision.breaches] == [TOO_FEW, MIXED_GENDER]
