"""The demo's group work shows every part of it to a new user: groups planned, running and
finished, facilitators in mixed teams with cover and one override, men who complete by their
attendance and men who do not, catch-ups, every attendance code, a concern for a partner's safety
and an allocation refused because of a non-association."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from tandem.cases.models import Case, CaseReport, CaseStep, Participant
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.core.models import AuditEntry, Organisation, User, WorkItem
from tandem.core.roles import Role
from tandem.demo import cases, groups, world
from tandem.groups import queries as group_queries
from tandem.groups.models import (
    Attendance,
    CatchUp,
    CatchUpState,
    FacilitatorNote,
    FacilitatorProfile,
    Group,
    GroupSession,
    GroupState,
    Intake,
    Membership,
    MembershipState,
    NonAssociation,
    SessionFacilitator,
    SessionState,
)
from tandem.groups.rules import curriculum as curricula
from tandem.groups.rules.attendance import Code
from tandem.groups.rules.cofacilitation import Gender
from tandem.groups.rules.nonassociation import NonAssociationKind

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo_groups(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[int]:
    """The world, its case work and its group work, built once as ``loaddemo`` builds them."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world.build()
        cases.build()
        yield groups.build()
        transaction.set_rollback(True)


def _providers() -> list[Organisation]:
    return [Organisation.objects.get(name=name, country__code=code) for code, name, *_rest in world.COUNTRIES]


def test_every_provider_has_a_group_planned_running_and_finished(demo_groups: int) -> None:
    assert demo_groups == 3 * len(world.COUNTRIES)
    for provider in _providers():
        states = set(Group.objects.filter(organisation=provider).values_list("state", flat=True))
        assert states == {GroupState.PLANNED, GroupState.RUNNING, GroupState.FINISHED}, provider.name


def test_the_finished_groups_held_every_session_of_the_curriculum() -> None:
    finished = Group.objects.filter(state=GroupState.FINISHED)
    assert finished.exists()
    for group in finished:
        total = len(curricula.shipped_curriculum(group.curriculum).sessions)
        assert list(group.sessions.values_list("state", flat=True)) == [SessionState.HELD] * total


def test_sessions_were_recorded_after_they_happened_and_none_is_recorded_ahead() -> None:
    now = clock.now()
    held = GroupSession.objects.filter(state=SessionState.HELD)
    assert held.exists()
    for session in held:
        assert session.recorded_at is not None
        assert session.end < session.recorded_at < now
    assert not GroupSession.objects.filter(state=SessionState.PLANNED, start__date__lt=timezone.localdate()).exists()


def test_men_complete_by_their_attendance_some_with_absences_or_a_catch_up() -> None:
    completed = Membership.objects.filter(ended_as="completed").select_related("group", "case")
    assert completed.count() >= 3 * len(world.COUNTRIES)
    attended = []
    for membership in completed:
        progress = group_queries.progress_of(membership.group, [membership])[membership.pk]
        assert progress.completes
        assert membership.case.state == State.COMPLETED
        assert CaseStep.objects.filter(case=membership.case, event="complete").exists()
        attended.append(progress.dosage.sessions_attended)
    # Completion needs the curriculum's minimum, not every session.
    assert min(attended) < 26
    assert CatchUp.objects.filter(state=CatchUpState.ATTENDED, membership__ended_as="completed").exists()


def test_a_man_dropped_out_and_another_was_excluded_each_with_the_reason() -> None:
    for provider in _providers():
        finished = Group.objects.get(organisation=provider, state=GroupState.FINISHED)
        endings = set(Membership.objects.filter(group=finished).values_list("ended_as", flat=True))
        assert {"completed", "dropped_out", "excluded"} == endings
    for event in ("drop_out", "exclude"):
        steps = CaseStep.objects.filter(event=event, case__in=Membership.objects.values("case"))
        assert steps.exists()
        assert all(step.reason for step in steps)


def test_the_rolling_group_has_men_who_joined_at_different_entry_points() -> None:
    for group in Group.objects.filter(state=GroupState.RUNNING):
        assert group.intake == Intake.ROLLING
        points = curricula.entry_points(curricula.shipped_curriculum(group.curriculum))
        joined = set(Membership.objects.filter(group=group).values_list("first_session", flat=True))
        assert len(joined) >= 3
        assert joined <= set(points)


def test_the_planned_group_starts_in_two_weeks_with_men_placed_and_a_session_moved() -> None:
    for group in Group.objects.filter(state=GroupState.PLANNED):
        first = timezone.localtime(group.sessions.order_by("number")[0].start).date()
        assert 14 <= (first - timezone.localdate()).days < 14 + 7
        assert Membership.objects.filter(group=group, state=MembershipState.ACTIVE).count() >= 2
        # One session moved off the group's weekday; the others keep it.
        weekdays = Counter(timezone.localtime(s.start).weekday() for s in group.sessions.all())
        assert weekdays[group.weekday] == group.sessions.count() - 1


def test_a_cover_facilitator_ran_a_session_with_a_woman_and_a_man() -> None:
    covered = GroupSession.objects.filter(facilitators__cover=True, override_reason="").distinct()
    assert covered.exists()
    for session in covered:
        genders = set(SessionFacilitator.objects.filter(session=session).values_list("facilitator__gender", flat=True))
        assert {Gender.WOMAN, Gender.MAN} <= genders


def test_a_session_went_ahead_with_two_men_and_the_coordinators_reason() -> None:
    overridden = GroupSession.objects.exclude(override_reason="")
    assert set(overridden.values_list("override_reason", flat=True)) == {groups.OVERRIDE_REASON}
    for session in overridden:
        genders = list(SessionFacilitator.objects.filter(session=session).values_list("facilitator__gender", flat=True))
        assert genders == [Gender.MAN, Gender.MAN]
        assert session.state == SessionState.HELD


def test_placing_a_man_with_his_co_defendant_was_refused_on_the_record_and_he_waits() -> None:
    refused = AuditEntry.objects.filter(action="groups.allocation.refused")
    assert refused.count() == len(world.COUNTRIES)
    for entry in refused:
        case = Case.objects.get(pk=entry.object_id)
        assert case.state == State.WAITING
        record = NonAssociation.objects.get(case=case)
        assert record.kind == NonAssociationKind.CO_DEFENDANTS
        other = Membership.objects.get(case=record.other_case)
        assert other.group.state == GroupState.RUNNING
        assert not Membership.objects.filter(case=case).exists()


def test_catch_ups_are_planned_made_up_and_missed() -> None:
    assert set(CatchUp.objects.values_list("state", flat=True)) == set(CatchUpState.values)
    now = clock.now()
    for catch_up in CatchUp.objects.all():
        if catch_up.state == CatchUpState.PLANNED:
            assert catch_up.start > now
        else:
            assert catch_up.recorded_at is not None
            assert catch_up.start < catch_up.recorded_at < now


def test_attendance_is_recorded_with_every_code() -> None:
    assert set(Attendance.objects.values_list("code", flat=True)) == set(Code.values)


def test_a_court_referred_mans_second_unacceptable_absence_makes_a_report_due() -> None:
    reports = CaseReport.objects.filter(rule="court_probation.absences")
    assert reports.exists()
    for report in reports:
        absences = Attendance.objects.filter(membership__case=report.case, code=Code.UNACCEPTABLE_ABSENCE)
        assert absences.count() == 2


def test_one_concern_for_the_partners_safety_per_provider_and_its_reassessment_is_due() -> None:
    concerns = Attendance.objects.filter(concern=True).select_related("membership__case")
    assert concerns.count() == len(world.COUNTRIES)
    assert all(row.concern_note for row in concerns)
    due = WorkItem.objects.filter(rule="risk.reassess_after_group_concern", state=WorkItem.State.OPEN)
    assert set(due.values_list("subject_id", flat=True)) == {str(row.membership.case_id) for row in concerns}


def test_every_provider_has_two_women_and_two_men_facilitators_with_their_training() -> None:
    for provider in _providers():
        profiles = FacilitatorProfile.objects.filter(organisation=provider)
        genders = Counter(profiles.values_list("gender", flat=True))
        assert genders[Gender.WOMAN] >= 2
        assert genders[Gender.MAN] >= 2
        assert profiles.exclude(trained_on=None).exclude(certified_on=None).exists()
        assert profiles.exclude(trained_on=None).filter(certified_on=None).exists()
        kinds = set(FacilitatorNote.objects.filter(facilitator__organisation=provider).values_list("kind", flat=True))
        assert kinds == {"supervision", "continuity"}


def test_every_facilitator_is_listed_among_the_sign_ins_with_the_demo_password() -> None:
    listed = {sign_in.username for sign_in in groups.with_sign_ins(world.build())}
    facilitators = User.objects.filter(memberships__role=Role.FACILITATOR).distinct()
    assert facilitators.filter(username__endswith=".facilitator.m2").count() == len(world.COUNTRIES)
    for person in facilitators:
        assert person.username in listed
        assert person.check_password(world.DEMO_PASSWORD)


def test_the_men_of_the_groups_tell_their_stories_in_order() -> None:
    now = clock.now()
    for membership in Membership.objects.select_related("case"):
        case = membership.case
        steps = list(case.steps.order_by("taken_at", "pk").values_list("event", "taken_at"))
        assert [event for event, _at in steps][:3] == ["start_assessment", "assess_suitable", "start_programme"]
        moments = [at for _event, at in steps] + list(case.risk_assessments.values_list("assessed_at", flat=True))
        assert len(set(moments)) == len(moments)
        assert all(case.opened_at < moment < now for moment in moments)
        placed = next(at for event, at in steps if event == "start_programme")
        assert placed == membership.joined_at


def test_no_two_men_of_a_provider_share_a_name() -> None:
    names = Counter((p.organisation_id, p.name) for p in Participant.objects.all())
    assert names.most_common(1)[0][1] == 1


def test_building_again_changes_nothing() -> None:
    models = (Group, GroupSession, Membership, Attendance, CatchUp, FacilitatorProfile, FacilitatorNote, User)
    before = [model.objects.count() for model in models]
    assert groups.build() == 0
    assert [model.objects.count() for model in models] == before
