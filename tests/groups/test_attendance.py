"""Recording a session's attendance: once per form, never double-counted, a conflict shown
rather than overwritten, and the events case work and the survivor side act on raised once."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from tandem.core import clock, events
from tandem.core.models import Event, WorkItem
from tandem.groups import queries
from tandem.groups.actions import GroupRefused, attendance
from tandem.groups.actions.attendance import Mark
from tandem.groups.models import Attendance, GroupState
from tests import factories
from tests.conftest import World


def _record(session, marks, *, by, submission=None, version=None, held=True):
    return attendance.record_session(
        session=session,
        held=held,
        marks=marks,
        expected_version=session.version if version is None else version,
        submission=submission,
        acting_user=by,
    )


def test_the_same_form_sent_twice_is_recorded_once(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    key, version = uuid.uuid4(), session.version
    marks = [Mark(member.pk, "unacceptable_absence")]
    assert _record(session, marks, by=world.facilitator, submission=key, version=version) is True
    assert _record(session, marks, by=world.facilitator, submission=key, version=version) is False
    assert Attendance.objects.filter(session=session).count() == 1
    assert Event.objects.filter(kind="attendance.unacceptable_absence", subject_id=member.case_id).count() == 1


def test_a_form_drawn_before_someone_else_recorded_the_session_is_refused_as_a_conflict(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    drawn = session.version
    _record(session, [Mark(member.pk, "attended")], by=world.coordinator, submission=uuid.uuid4(), version=drawn)
    with pytest.raises(attendance.AlreadyRecorded):
        _record(session, [Mark(member.pk, "late")], by=world.facilitator, submission=uuid.uuid4(), version=drawn)
    assert Attendance.objects.get(session=session).code == "attended"


def test_every_man_expected_must_have_a_code(world: World) -> None:
    planned = factories.group(world.org)
    factories.allocated(world.org, planned)
    second = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    with pytest.raises(ValidationError) as invalid:
        _record(session, [Mark(second.pk, "attended")], by=world.facilitator)
    assert len(invalid.value.message_dict) == 1
    assert not Attendance.objects.filter(session=session).exists()


def test_a_concern_needs_words_and_raises_the_partner_concern_event_once(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    with pytest.raises(ValidationError):
        _record(session, [Mark(member.pk, "attended", concern=True)], by=world.facilitator)
    flagged = [Mark(member.pk, "attended", concern=True, concern_note="Said he will 'deal with her' at home.")]
    _record(session, flagged, by=world.facilitator)
    session.refresh_from_db()
    _record(session, flagged, by=world.facilitator)
    raised = Event.objects.filter(kind="attendance.partner_concern", subject_id=member.case_id)
    assert raised.count() == 1
    assert "deal with her" not in str(raised.get().payload)


def test_a_concern_makes_a_risk_review_due_within_a_day(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    _record(session, [Mark(member.pk, "attended", concern=True, concern_note="Threats.")], by=world.facilitator)
    events.deliver_pending()
    item = WorkItem.objects.get(rule="risk.reassess_after_group_concern", subject_id=member.case_id)
    assert item.priority == WorkItem.Priority.HIGH
    # Due 24 hours after the concern was raised, whatever the day of the week.
    assert abs((item.due_at - item.created_at).total_seconds() - 24 * 3600) < 60


def test_a_session_that_has_not_begun_cannot_be_recorded(world: World) -> None:
    from datetime import timedelta

    planned = factories.group(world.org, start_date=clock.today() + timedelta(days=14))
    member = factories.allocated(world.org, planned)
    with pytest.raises(GroupRefused):
        _record(queries.sessions_of(planned)[0], [Mark(member.pk, "attended")], by=world.facilitator)


def test_the_group_runs_from_its_first_recorded_session(world: World) -> None:
    planned = factories.group(world.org)
    factories.allocated(world.org, planned)
    factories.session_recorded(queries.sessions_of(planned)[0])
    planned.refresh_from_db()
    assert planned.state == GroupState.RUNNING


def test_a_referrer_may_not_record_attendance(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    with pytest.raises(GroupRefused):
        _record(queries.sessions_of(planned)[0], [Mark(member.pk, "attended")], by=world.referrer)


def test_a_session_whose_record_was_acted_on_cannot_be_wiped_out_as_not_held(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    _record(session, [Mark(member.pk, "unacceptable_absence")], by=world.facilitator)
    session.refresh_from_db()
    with pytest.raises(GroupRefused) as refused:
        _record(session, [], by=world.facilitator, held=False)
    assert refused.value.rule == "acted_on"
    assert Attendance.objects.filter(session=session).count() == 1


def test_a_session_recorded_as_not_held_keeps_its_record_uncounted(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    _record(session, [Mark(member.pk, "attended")], by=world.facilitator)
    session.refresh_from_db()
    assert _record(session, [], by=world.facilitator, held=False) is True
    assert queries.progress_of(planned, [member])[member.pk].tally.attended == 0
    session.refresh_from_db()
    # Recorded as held again, the men's record comes back as it was.
    assert queries.attendance_at(session)[member.pk].code == "attended"


def test_a_catch_up_form_sent_twice_plans_one_catch_up(world: World) -> None:
    from datetime import timedelta

    from tandem.groups.models import CatchUp

    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    factories.session_recorded(queries.sessions_of(planned)[0], {member.pk: "acceptable_absence"})

    def plan() -> None:
        attendance.plan_catch_up(
            membership=member,
            number=1,
            start=clock.now() + timedelta(days=2),
            facilitator=queries.team_of(planned)[0],
            acting_user=world.coordinator,
        )

    plan()
    with pytest.raises(ValidationError) as invalid:
        plan()
    assert "already planned" in invalid.value.message_dict["number"][0]
    assert CatchUp.objects.filter(membership=member).count() == 1


def test_an_unacceptable_absence_corrected_to_another_code_is_withdrawn_once(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    session = queries.sessions_of(planned)[0]
    _record(session, [Mark(member.pk, "unacceptable_absence")], by=world.facilitator)
    session.refresh_from_db()
    _record(session, [Mark(member.pk, "attended")], by=world.facilitator)
    session.refresh_from_db()
    _record(session, [Mark(member.pk, "attended")], by=world.facilitator)
    assert Event.objects.filter(kind="attendance.absence_withdrawn", subject_id=member.case_id).count() == 1


@pytest.mark.parametrize("number", [1, 2, 20])
def test_only_a_held_session_he_missed_can_be_made_up(world: World, number: int) -> None:
    from datetime import timedelta

    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    # Session 1 he attended; session 2 was not held; session 20 lies ahead.
    factories.session_recorded(queries.sessions_of(planned)[0])
    with pytest.raises(ValidationError) as invalid:
        attendance.plan_catch_up(
            membership=member,
            number=number,
            start=clock.now() + timedelta(days=2),
            facilitator=queries.team_of(planned)[0],
            acting_user=world.coordinator,
        )
    assert "number" in invalid.value.message_dict
