"""Placing a man in a group: he starts in the programme through case work's safety gates, and
is kept from a man he must not meet there, without naming that man to someone who may not see him."""

from __future__ import annotations

import pytest

from tandem.cases.actions import CaseRefused
from tandem.cases.rules.lifecycle import State
from tandem.core.models import AuditEntry
from tandem.groups import queries
from tandem.groups.actions import GroupRefused, allocation
from tandem.groups.models import Membership
from tests import factories
from tests.conftest import World


def test_allocation_starts_the_man_in_the_programme(world: World) -> None:
    planned = factories.group(world.org)
    man = factories.waiting_case(world.org)
    membership = allocation.allocate(
        case=man, group=planned, expected_version=man.version, acting_user=world.coordinator
    )
    man.refresh_from_db()
    assert man.state == State.IN_PROGRAMME
    assert membership.first_session == 1


def test_allocation_is_refused_by_the_start_gate_when_the_partner_was_not_offered_contact(world: World) -> None:
    planned = factories.group(world.org)
    man = factories.case(world.org, state=State.WAITING)
    factories.risk_assessment(man)
    with pytest.raises(CaseRefused) as refused:
        allocation.allocate(case=man, group=planned, expected_version=man.version, acting_user=world.coordinator)
    assert refused.value.gate == "partner_contact"
    man.refresh_from_db()
    assert man.state == State.WAITING
    assert not Membership.objects.filter(case=man).exists()


def test_a_non_association_refuses_the_allocation_naming_the_other_man_to_the_coordinator(world: World) -> None:
    planned = factories.group(world.org)
    first = factories.allocated(world.org, planned, name="Arben Kola")
    second = factories.waiting_case(world.org)
    allocation.record_non_association(
        case=second, other_case=first.case, kind="co_defendants", acting_user=world.coordinator
    )
    with pytest.raises(GroupRefused) as refused:
        allocation.allocate(case=second, group=planned, expected_version=second.version, acting_user=world.coordinator)
    assert refused.value.rule == "non_association"
    assert "Arben Kola" in refused.value.message and "co-defendant" in refused.value.message
    assert AuditEntry.objects.filter(action="groups.allocation.refused").exists()


def test_a_non_association_recorded_on_the_other_case_binds_both_men(world: World) -> None:
    planned = factories.group(world.org)
    first = factories.allocated(world.org, planned)
    second = factories.waiting_case(world.org)
    allocation.record_non_association(
        case=first.case, other_case=second, kind="relatives", acting_user=world.coordinator
    )
    with pytest.raises(GroupRefused):
        allocation.allocate(case=second, group=planned, expected_version=second.version, acting_user=world.coordinator)


def test_a_reader_who_may_not_see_the_other_case_is_not_told_who_he_is(world: World) -> None:
    from tandem.groups.rules import nonassociation

    planned = factories.group(world.org)
    first = factories.allocated(world.org, planned, name="Arben Kola")
    second = factories.waiting_case(world.org)
    allocation.record_non_association(
        case=second, other_case=first.case, kind="relatives", acting_user=world.coordinator
    )
    found = nonassociation.conflicts(second.pk, [first.case_id], queries.non_associations_of(second))
    told = nonassociation.refusal_messages(found, visible=queries.other_cases_visible(world.referrer, [first.case_id]))
    assert all("Arben" not in message and f"#{first.case_id}" not in message for message in told)


def test_a_full_group_takes_no_more_men(world: World) -> None:
    planned = factories.group(world.org, capacity=1)
    factories.allocated(world.org, planned)
    man = factories.waiting_case(world.org)
    with pytest.raises(GroupRefused) as refused:
        allocation.allocate(case=man, group=planned, expected_version=man.version, acting_user=world.coordinator)
    assert refused.value.rule == "capacity"


def test_a_closed_group_that_has_begun_takes_no_more_men(world: World) -> None:
    planned = factories.group(world.org)
    factories.allocated(world.org, planned)
    factories.session_recorded(queries.sessions_of(planned)[0])
    man = factories.waiting_case(world.org)
    with pytest.raises(GroupRefused) as refused:
        allocation.allocate(case=man, group=planned, expected_version=man.version, acting_user=world.coordinator)
    assert refused.value.rule == "closed_intake"


def test_a_man_joining_a_running_rolling_group_starts_at_its_next_entry_point(world: World) -> None:
    planned = factories.group(world.org, intake="rolling")
    factories.allocated(world.org, planned)
    factories.session_recorded(queries.sessions_of(planned)[0])
    later = factories.allocated(world.org, planned)
    curriculum = queries.curriculum_of(planned)
    assert later.first_session == min(p for p in curriculum.rolling_entry_points if p > 1)


def test_a_facilitator_may_not_allocate(world: World) -> None:
    planned = factories.group(world.org)
    man = factories.waiting_case(world.org)
    with pytest.raises(GroupRefused):
        allocation.allocate(case=man, group=planned, expected_version=man.version, acting_user=world.facilitator)


def test_a_non_association_learnt_after_both_men_were_placed_opens_work_to_separate_them(world: World) -> None:
    from tandem.core.models import WorkItem

    planned = factories.group(world.org)
    first = factories.allocated(world.org, planned)
    second = factories.allocated(world.org, planned)
    allocation.record_non_association(
        case=first.case, other_case=second.case, kind="relatives", acting_user=world.coordinator
    )
    item = WorkItem.objects.get(rule="groups.separate_men")
    assert item.team_role == "coordinator" and item.state == WorkItem.State.OPEN
    assert item.params["group"] == planned.pk
    assert queries.pairs_kept_apart(queries.members_of(planned)) == [(first.case_id, second.case_id)]


def test_the_work_to_separate_two_men_closes_when_one_of_them_leaves_the_group(world: World) -> None:
    from tandem.core.models import WorkItem

    planned = factories.group(world.org)
    first = factories.allocated(world.org, planned)
    second = factories.allocated(world.org, planned)
    allocation.record_non_association(
        case=first.case, other_case=second.case, kind="relatives", acting_user=world.coordinator
    )
    allocation.end_membership(second.case, "excluded")
    assert WorkItem.objects.get(rule="groups.separate_men").state == WorkItem.State.DONE
    assert queries.pairs_kept_apart(queries.members_of(planned)) == []


def test_a_non_association_between_men_in_different_groups_opens_no_work(world: World) -> None:
    from tandem.core.models import WorkItem

    first = factories.allocated(world.org, factories.group(world.org))
    second = factories.allocated(world.org, factories.group(world.org))
    allocation.record_non_association(
        case=first.case, other_case=second.case, kind="relatives", acting_user=world.coordinator
    )
    assert not WorkItem.objects.filter(rule="groups.separate_men").exists()


def test_the_recorded_non_associations_name_the_other_man_only_to_a_reader_who_may_see_his_case(
    world: World,
) -> None:
    planned = factories.group(world.org)
    first = factories.allocated(world.org, planned, name="Arben Kola")
    second = factories.waiting_case(world.org)
    allocation.record_non_association(
        case=second, other_case=first.case, kind="relatives", acting_user=world.coordinator
    )
    [told] = queries.recorded_non_associations(world.coordinator, second)
    assert (told.other_case_id, told.other_name) == (first.case_id, "Arben Kola")
    [hidden] = queries.recorded_non_associations(world.outsider, second)
    assert hidden.other_name == ""


def test_a_non_association_already_recorded_on_the_other_case_is_not_recorded_again(world: World) -> None:
    from django.core.exceptions import ValidationError

    first, second = factories.waiting_case(world.org), factories.waiting_case(world.org)
    allocation.record_non_association(case=first, other_case=second, kind="relatives", acting_user=world.coordinator)
    with pytest.raises(ValidationError) as invalid:
        allocation.record_non_association(
            case=second, other_case=first, kind="co_defendants", acting_user=world.coordinator
        )
    assert "other_case" in invalid.value.message_dict
