"""Non-associations between men keep them out of the same group, recorded on either man's case,
and a refusal never names the other man to a reader who may not see his case."""

from __future__ import annotations

import pytest

from tandem.groups.rules.nonassociation import (
    Conflict,
    NonAssociation,
    NonAssociationKind,
    OtherCase,
    conflicts,
    refusal_messages,
)

CANDIDATE = 10
MEMBERS = [20, 30, 40]
OUTSIDER = 50

CO_DEFENDANTS = NonAssociationKind.CO_DEFENDANTS
RELATIVES = NonAssociationKind.RELATIVES
PARTNERS_RELATED = NonAssociationKind.PARTNERS_RELATED
OTHER = NonAssociationKind.OTHER

DRITON = OtherCase(name="Driton Krasniqi", reference="2026-0020")
NIKOLA = OtherCase(name="Nikola Petrović", reference="2026-0030")


def conflict(other: int, kind: NonAssociationKind) -> Conflict:
    return Conflict(case_id=CANDIDATE, other_case_id=other, kind=kind)


# Finding conflicts


def test_a_co_defendant_in_the_group_is_a_conflict() -> None:
    recorded = [NonAssociation(case_id=CANDIDATE, other_case_id=20, kind=CO_DEFENDANTS)]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == [conflict(20, CO_DEFENDANTS)]


def test_a_non_association_recorded_on_the_other_mans_case_is_found() -> None:
    recorded = [NonAssociation(case_id=30, other_case_id=CANDIDATE, kind=RELATIVES)]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == [conflict(30, RELATIVES)]


def test_a_man_whose_partner_is_related_to_a_members_partner_is_a_conflict() -> None:
    recorded = [NonAssociation(case_id=40, other_case_id=CANDIDATE, kind=PARTNERS_RELATED)]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == [conflict(40, PARTNERS_RELATED)]


def test_a_man_outside_the_group_is_no_conflict() -> None:
    recorded = [NonAssociation(case_id=CANDIDATE, other_case_id=OUTSIDER, kind=CO_DEFENDANTS)]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == []


def test_a_non_association_between_two_other_men_is_no_conflict_for_the_candidate() -> None:
    recorded = [NonAssociation(case_id=20, other_case_id=30, kind=CO_DEFENDANTS)]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == []


def test_a_non_association_recorded_on_both_cases_is_one_conflict() -> None:
    recorded = [
        NonAssociation(case_id=CANDIDATE, other_case_id=20, kind=CO_DEFENDANTS),
        NonAssociation(case_id=20, other_case_id=CANDIDATE, kind=CO_DEFENDANTS),
    ]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == [conflict(20, CO_DEFENDANTS)]


def test_two_kinds_for_the_same_pair_are_two_conflicts() -> None:
    recorded = [
        NonAssociation(case_id=CANDIDATE, other_case_id=20, kind=OTHER),
        NonAssociation(case_id=20, other_case_id=CANDIDATE, kind=RELATIVES),
    ]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == [conflict(20, RELATIVES), conflict(20, OTHER)]


def test_conflicts_are_ordered_by_case_then_kind() -> None:
    recorded = [
        NonAssociation(case_id=40, other_case_id=CANDIDATE, kind=OTHER),
        NonAssociation(case_id=CANDIDATE, other_case_id=20, kind=PARTNERS_RELATED),
        NonAssociation(case_id=CANDIDATE, other_case_id=20, kind=CO_DEFENDANTS),
    ]

    assert conflicts(CANDIDATE, MEMBERS, recorded) == [
        conflict(20, CO_DEFENDANTS),
        conflict(20, PARTNERS_RELATED),
        conflict(40, OTHER),
    ]


def test_the_candidate_already_listed_in_the_group_is_not_in_conflict_with_himself() -> None:
    recorded = [NonAssociation(case_id=CANDIDATE, other_case_id=20, kind=CO_DEFENDANTS)]

    assert conflicts(CANDIDATE, [CANDIDATE, 30], recorded) == []


def test_kind_stored_as_text_is_understood() -> None:
    recorded = [NonAssociation(case_id=CANDIDATE, other_case_id=20, kind=NonAssociationKind("co_defendants"))]

    assert conflicts(CANDIDATE, MEMBERS, recorded)[0].kind is CO_DEFENDANTS


def test_a_non_association_of_a_case_with_itself_is_rejected() -> None:
    with pytest.raises(ValueError, match="two different cases"):
        NonAssociation(case_id=CANDIDATE, other_case_id=CANDIDATE, kind=RELATIVES)


# Telling the reader why


def test_no_conflicts_give_no_messages() -> None:
    assert refusal_messages([], visible={}) == ()


def test_a_reader_who_may_see_the_other_case_is_told_his_name_case_and_the_kind() -> None:
    messages = refusal_messages([conflict(20, CO_DEFENDANTS)], visible={20: DRITON})

    assert messages == (
        "Driton Krasniqi (case 2026-0020) is in this group and is this man's co-defendant. Choose another group.",
    )


def test_related_partners_are_named_as_such_to_a_reader_who_may_see() -> None:
    (message,) = refusal_messages([conflict(30, PARTNERS_RELATED)], visible={30: NIKOLA})

    assert "his partner is related to this man's partner" in message


def test_a_reader_who_may_not_see_the_other_case_is_told_whom_to_ask() -> None:
    messages = refusal_messages([conflict(20, CO_DEFENDANTS)], visible={})

    assert messages == (
        "A recorded non-association with a man in this group prevents this allocation. "
        "Ask the programme coordinator for details, or choose another group.",
    )


def test_a_reader_who_may_not_see_the_other_case_is_not_told_his_name_or_case_number() -> None:
    (message,) = refusal_messages([conflict(20, CO_DEFENDANTS)], visible={30: NIKOLA}, coordinator="Jelena Ilić")

    assert "Driton" not in message
    assert "2026-0020" not in message
    assert "20" not in message.replace("2026", "")


def test_a_reader_who_may_not_see_the_other_case_is_not_told_the_kind() -> None:
    (message,) = refusal_messages([conflict(20, RELATIVES)], visible={})

    assert "relat" not in message.replace("non-association", "")


def test_the_coordinator_is_named_when_known() -> None:
    (message,) = refusal_messages([conflict(20, CO_DEFENDANTS)], visible={}, coordinator="Jelena Ilić")

    assert "Ask Jelena Ilić, the programme coordinator, for details" in message


def test_several_hidden_conflicts_give_one_message_that_does_not_count_them() -> None:
    hidden = [conflict(20, CO_DEFENDANTS), conflict(20, RELATIVES), conflict(40, OTHER)]

    assert refusal_messages(hidden, visible={}) == refusal_messages([conflict(20, CO_DEFENDANTS)], visible={})


def test_a_reader_who_sees_one_of_two_men_is_told_only_the_visible_mans_name() -> None:
    messages = refusal_messages([conflict(20, CO_DEFENDANTS), conflict(30, RELATIVES)], visible={30: NIKOLA})

    assert len(messages) == 2
    assert messages[0].startswith("Nikola Petrović (case 2026-0030) is in this group and is related to this man.")
    assert messages[1].startswith("A recorded non-association with a man in this group")
    assert not any("Driton" in message or "2026-0020" in message for message in messages)
