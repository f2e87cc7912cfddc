"""Children in a case: recorded once, without a name, by the people working on it, with a
safeguarding referral recorded when it is made."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tandem.cases.actions import CaseRefused, records as actions
from tandem.cases.models import Case, Child
from tandem.cases.queries import records as queries
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.core.models import AuditEntry
from tandem.core.roles import OrganisationKind, Role
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

EIGHT = actions.ChildDetails(age=8, lives_with="mother", child_protection=True)


def a_case(world: World) -> Case:
    return factories.case(world.org, agency=world.agency, state=State.ASSESSMENT)


def test_a_facilitator_records_a_child(world: World) -> None:
    child = actions.record_child(case=a_case(world), details=EIGHT, acting_user=world.facilitator)
    assert (child.age, child.lives_with, child.child_protection) == (8, "mother", True)
    assert child.safeguarding_referral_on is None


def test_recording_a_child_is_audited(world: World) -> None:
    actions.record_child(case=a_case(world), details=EIGHT, acting_user=world.coordinator)
    assert AuditEntry.objects.get(action="cases.child.recorded").actor == world.coordinator


@pytest.mark.parametrize("age", [-1, 18, None])
def test_an_age_outside_0_to_17_is_refused(world: World, age: int | None) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_child(
            case=a_case(world),
            details=actions.ChildDetails(age=age, lives_with="mother"),
            acting_user=world.facilitator,
        )
    assert set(refused.value.message_dict) == {"age"}


def test_a_child_of_17_is_recorded(world: World) -> None:
    details = actions.ChildDetails(age=17, lives_with="relatives")
    assert actions.record_child(case=a_case(world), details=details, acting_user=world.facilitator).age == 17


def test_a_home_outside_the_choices_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_child(
            case=a_case(world), details=actions.ChildDetails(age=4, lives_with="street"), acting_user=world.facilitator
        )
    assert set(refused.value.message_dict) == {"lives_with"}


def test_a_safeguarding_referral_needs_both_its_date_and_to_whom(world: World) -> None:
    details = actions.ChildDetails(age=4, lives_with="mother", safeguarding_referral_on=date(2025, 1, 10))
    with pytest.raises(ValidationError) as refused:
        actions.record_child(case=a_case(world), details=details, acting_user=world.facilitator)
    assert set(refused.value.message_dict) == {"safeguarding_referral_to"}


def test_a_child_is_recorded_with_a_referral_already_made(world: World) -> None:
    details = actions.ChildDetails(
        age=4, lives_with="mother", safeguarding_referral_on=date(2025, 1, 10), safeguarding_referral_to="CSW Tirana"
    )
    child = actions.record_child(case=a_case(world), details=details, acting_user=world.facilitator)
    assert Child.objects.get(pk=child.pk).safeguarding_referral_to == "CSW Tirana"


def test_a_survivor_support_worker_may_not_record_a_child_on_his_case(world: World) -> None:
    with pytest.raises(CaseRefused):
        actions.record_child(case=a_case(world), details=EIGHT, acting_user=world.survivor_worker)
    assert AuditEntry.objects.filter(action="access.denied", actor=world.survivor_worker).exists()


def test_a_safeguarding_referral_is_recorded_on_a_child(world: World) -> None:
    child = actions.record_child(case=a_case(world), details=EIGHT, acting_user=world.facilitator)
    actions.record_safeguarding_referral(
        child=child, referral_on=clock.today(), referral_to="Centre for social work", acting_user=world.coordinator
    )
    stored = Child.objects.get(pk=child.pk)
    assert (stored.safeguarding_referral_on, stored.safeguarding_referral_to) == (
        clock.today(),
        "Centre for social work",
    )
    assert AuditEntry.objects.get(action="cases.child.safeguarding_referral").actor == world.coordinator


def test_a_safeguarding_referral_in_the_future_is_refused(world: World) -> None:
    child = actions.record_child(case=a_case(world), details=EIGHT, acting_user=world.facilitator)
    with pytest.raises(ValidationError) as refused:
        actions.record_safeguarding_referral(
            child=child,
            referral_on=clock.today() + timedelta(days=1),
            referral_to="Police",
            acting_user=world.facilitator,
        )
    assert set(refused.value.message_dict) == {"safeguarding_referral_on"}


def test_a_second_safeguarding_referral_is_refused_and_the_first_kept(world: World) -> None:
    child = actions.record_child(case=a_case(world), details=EIGHT, acting_user=world.facilitator)
    actions.record_safeguarding_referral(
        child=child, referral_on=date(2025, 3, 1), referral_to="First", acting_user=world.facilitator
    )
    with pytest.raises(CaseRefused):
        actions.record_safeguarding_referral(
            child=child, referral_on=date(2025, 3, 2), referral_to="Second", acting_user=world.coordinator
        )
    assert Child.objects.get(pk=child.pk).safeguarding_referral_to == "First"


def test_a_child_is_reached_only_through_its_own_case(world: World) -> None:
    child = actions.record_child(case=a_case(world), details=EIGHT, acting_user=world.facilitator)
    with pytest.raises(Http404):
        queries.access_child(world.facilitator, a_case(world), child.pk)


def test_children_of_another_provider_are_not_listed(world: World) -> None:
    other = factories.case(factories.organisation(name="Provider D", kind=OrganisationKind.PROGRAMME_PROVIDER))
    actions.record_child(case=other, details=EIGHT, acting_user=factories.member(other.organisation, Role.COORDINATOR))
    assert list(queries.children_of(world.coordinator, other)) == []


def test_the_child_page_records_a_child(world: World) -> None:
    case = a_case(world)
    response = signed_in_client(world.facilitator).post(
        f"/cases/{case.pk}/children/new/", {"age": "6", "lives_with": "both", "child_protection": "on"}
    )
    assert response.status_code == 302
    assert Child.objects.get(case=case).child_protection is True


def test_the_child_page_refuses_an_age_of_18_with_422(world: World) -> None:
    case = a_case(world)
    response = signed_in_client(world.facilitator).post(
        f"/cases/{case.pk}/children/new/", {"age": "18", "lives_with": "both"}
    )
    assert response.status_code == 422
    assert "age" in response.context["form"].errors


def test_the_safeguarding_page_records_the_referral(world: World) -> None:
    case = a_case(world)
    child = actions.record_child(case=case, details=EIGHT, acting_user=world.facilitator)
    response = signed_in_client(world.coordinator).post(
        f"/cases/{case.pk}/children/{child.pk}/safeguarding/",
        {"safeguarding_referral_on": "2025-02-03", "safeguarding_referral_to": "CSW"},
    )
    assert response.status_code == 302
    assert Child.objects.get(pk=child.pk).safeguarding_referral_on == date(2025, 2, 3)


def test_the_safeguarding_page_refuses_a_second_referral_with_422(world: World) -> None:
    case = a_case(world)
    child = actions.record_child(case=case, details=EIGHT, acting_user=world.facilitator)
    actions.record_safeguarding_referral(
        child=child, referral_on=date(2025, 3, 1), referral_to="First", acting_user=world.facilitator
    )
    response = signed_in_client(world.coordinator).post(
        f"/cases/{case.pk}/children/{child.pk}/safeguarding/",
        {"safeguarding_referral_on": "2025-03-02", "safeguarding_referral_to": "Second"},
    )
    assert response.status_code == 422
    assert "already recorded" in response.content.decode()


def test_the_case_page_lists_the_children(world: World) -> None:
    case = a_case(world)
    actions.record_child(case=case, details=EIGHT, acting_user=world.facilitator)
    page = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/").content.decode()
    assert "Children" in page and "With the mother" in page


def test_a_safeguarding_referral_dated_in_year_one_is_refused_as_a_typing_mistake(world: World) -> None:
    case = factories.case(world.org)
    details = actions.ChildDetails(
        age=6, lives_with="mother", safeguarding_referral_on=date(1, 1, 1), safeguarding_referral_to="CSW"
    )
    with pytest.raises(ValidationError) as refused:
        actions.record_child(case=case, details=details, acting_user=world.coordinator)
    assert "safeguarding_referral_on" in refused.value.message_dict
    assert not Child.objects.filter(case=case).exists()
