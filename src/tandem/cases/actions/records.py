"""Writes of a case's records: its intake and suitability assessment, the children in it, and
its notes. Each is made by someone working on the case (a facilitator or a coordinator of its
provider), audited in its transaction without the personal content itself.

Notes are never changed: a correction is a new note. A note of a new incident is also the event
``case.new_incident``, on which the survivor side (inform the partner) and the risk domain (assess
again) act.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from tandem.cases.actions import MAX_TEXT, CaseRefused, StaleCase
from tandem.cases.models import Case, CaseNote, Child, Concern, Denial, Intake, LivesWith, Motivation, NoteCategory
from tandem.cases.queries.records import get_intake
from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.core.scoping import record_denied
from tandem.core.versions import save_if_unchanged

CASE_NEW_INCIDENT = "case.new_incident"
MAX_LANGUAGE_NEEDS = 2_000
MAX_REFERRAL_TO = 300
MAX_CHILD_AGE = 17

# A date before this is a typing mistake (0001 for 2001), not a referral about a living child.
EARLIEST_RECORD_DATE = date(2000, 1, 1)


def ensure_works_on(
    case: Case, acting_user: User, model: type[models.Model], context: AuditContext | None, event: str
) -> None:
    """Refuse, on the record, anyone who may not change the records of the case."""
    if case.organisation_id not in organisations_granting(acting_user, Compartment.PROGRAMME, Action.CHANGE):
        record_denied(acting_user, model, "", Action.CHANGE, context, detail={"case": case.pk, "event": event})
        raise CaseRefused(_("Only the people working on this case can add to its records."))


def _too_long(limit: int) -> str:
    return _("At most %(count)s characters.") % {"count": limit}


# --- Intake and suitability assessment ---------------------------------------------------------


@dataclass(frozen=True)
class IntakeAnswers:
    motivation: str
    denial: str
    substance_use: str
    mental_health: str
    language_needs: str = ""
    summary: str = ""


def _check_intake(answers: IntakeAnswers) -> IntakeAnswers:
    errors: dict[str, str] = {}
    if answers.motivation not in Motivation.values:
        errors["motivation"] = _("Choose how far he is motivated to change.")
    if answers.denial not in Denial.values:
        errors["denial"] = _("Choose how far he denies or minimises the violence.")
    if answers.substance_use not in Concern.values:
        errors["substance_use"] = _("Choose the level of concern about his alcohol and drug use.")
    if answers.mental_health not in Concern.values:
        errors["mental_health"] = _("Choose the level of concern about his mental health.")
    if len(answers.language_needs) > MAX_LANGUAGE_NEEDS:
        errors["language_needs"] = _too_long(MAX_LANGUAGE_NEEDS)
    if len(answers.summary) > MAX_TEXT:
        errors["summary"] = _too_long(MAX_TEXT)
    if errors:
        raise ValidationError(errors)
    return IntakeAnswers(
        motivation=answers.motivation,
        denial=answers.denial,
        substance_use=answers.substance_use,
        mental_health=answers.mental_health,
        language_needs=answers.language_needs.strip(),
        summary=answers.summary.strip(),
    )


def record_intake(
    *,
    case: Case,
    answers: IntakeAnswers,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> Intake:
    """Record the intake and suitability assessment of the case, or change it. The form was
    opened at ``expected_version`` (0: no assessment yet); if someone recorded or changed the
    assessment since, nothing is written and the person is told to look at theirs first. The
    coordinator then decides on suitability by moving the case."""
    ensure_works_on(case, acting_user, Intake, context, "intake")
    checked = _check_intake(answers)
    values: dict[str, Any] = {f.name: getattr(checked, f.name) for f in fields(checked)}
    now = clock.now()
    existing = get_intake(case)
    stale = _("Someone else recorded this assessment after you opened it. Open it again to see their changes.")
    with transaction.atomic():
        if existing is None:
            if expected_version != 0:
                raise StaleCase(stale)
            try:
                with transaction.atomic():
                    intake = Intake.objects.create(case=case, recorded_by=acting_user, recorded_at=now, **values)
            except IntegrityError:
                raise StaleCase(stale) from None
            changed = sorted(values)
            event = "cases.intake.recorded"
        else:
            changed = sorted(name for name, value in values.items() if getattr(existing, name) != value)
            if not save_if_unchanged(existing, expected_version, recorded_by=acting_user, recorded_at=now, **values):
                raise StaleCase(stale)
            intake = existing
            event = "cases.intake.changed"
        audit.record(
            event,
            actor=acting_user,
            obj=intake,
            organisation=case.organisation_id,
            compartment=Intake.compartment,
            context=context,
            # Which answers changed, never what they say.
            detail={"case": case.pk, "version": intake.version, "fields": changed},
        )
    return intake


# --- Children ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildDetails:
    age: int | None
    lives_with: str
    child_protection: bool = False
    safeguarding_referral_on: date | None = None
    safeguarding_referral_to: str = ""


def _check_referral(on: date | None, to: str, errors: dict[str, str], *, required: bool) -> None:
    """A safeguarding referral is recorded with both its date and to whom it was made."""
    if not (required or on is not None or to.strip()):
        return
    if on is None:
        errors["safeguarding_referral_on"] = _("Give the date the safeguarding referral was made.")
    elif on > clock.today():
        errors["safeguarding_referral_on"] = _("The date of the safeguarding referral is in the future.")
    elif on < EARLIEST_RECORD_DATE:
        errors["safeguarding_referral_on"] = _(
            "Check the year of the safeguarding referral: it is before %(year)s."
        ) % {"year": EARLIEST_RECORD_DATE.year}
    if len(to) > MAX_REFERRAL_TO:
        errors["safeguarding_referral_to"] = _too_long(MAX_REFERRAL_TO)
    elif not to.strip():
        errors["safeguarding_referral_to"] = _("Say to whom the safeguarding referral was made.")


def record_child(*, case: Case, details: ChildDetails, acting_user: User, context: AuditContext | None = None) -> Child:
    """Record a child of the man or of his partner on the case: no name, only the age, with
    whom the child lives, whether child protection is involved and any safeguarding referral."""
    ensure_works_on(case, acting_user, Child, context, "child")
    errors: dict[str, str] = {}
    age = details.age
    if age is None or not 0 <= age <= MAX_CHILD_AGE:
        errors["age"] = _("Give the child's age in years, from 0 to 17.")
    if details.lives_with not in LivesWith.values:
        errors["lives_with"] = _("Choose with whom the child lives.")
    _check_referral(details.safeguarding_referral_on, details.safeguarding_referral_to, errors, required=False)
    if errors or age is None:
        raise ValidationError(errors)
    with transaction.atomic():
        child = Child.objects.create(
            case=case,
            age=age,
            lives_with=details.lives_with,
            child_protection=details.child_protection,
            safeguarding_referral_on=details.safeguarding_referral_on,
            safeguarding_referral_to=details.safeguarding_referral_to.strip(),
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        audit.record(
            "cases.child.recorded",
            actor=acting_user,
            obj=child,
            organisation=case.organisation_id,
            compartment=Child.compartment,
            context=context,
            detail={
                "case": case.pk,
                "child_protection": child.child_protection,
                "safeguarding_referral": child.safeguarding_referral_on is not None,
            },
        )
    return child


def record_safeguarding_referral(
    *,
    child: Child,
    referral_on: date | None,
    referral_to: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> Child:
    """Record the safeguarding referral made for a child already on the case. A child has one
    such record: once made it stays as it is, and a later referral is told in a note."""
    case = child.case
    ensure_works_on(case, acting_user, Child, context, "safeguarding_referral")
    errors: dict[str, str] = {}
    _check_referral(referral_on, referral_to, errors, required=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Conditional, so that two people recording at once cannot both succeed.
        made = Child._base_manager.filter(pk=child.pk, safeguarding_referral_on__isnull=True).update(
            safeguarding_referral_on=referral_on, safeguarding_referral_to=referral_to.strip()
        )
        if not made:
            raise CaseRefused(_("A safeguarding referral is already recorded for this child. Add a note instead."))
        child.safeguarding_referral_on = referral_on
        child.safeguarding_referral_to = referral_to.strip()
        audit.record(
            "cases.child.safeguarding_referral",
            actor=acting_user,
            obj=child,
            organisation=case.organisation_id,
            compartment=Child.compartment,
            context=context,
            detail={"case": case.pk},
        )
    return child


# --- Notes ---------------------------------------------------------------------------------------


def add_note(
    *, case: Case, category: str, text: str, acting_user: User, context: AuditContext | None = None
) -> CaseNote:
    """Add a note to the case. A note of a new incident is also the event that the survivor
    side and the risk domain act on, recorded in the same transaction as the note."""
    ensure_works_on(case, acting_user, CaseNote, context, "note")
    errors: dict[str, str] = {}
    if category not in NoteCategory.values:
        errors["category"] = _("Choose what the note is about.")
    if not text.strip():
        errors["text"] = _("Write the note.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _too_long(MAX_TEXT)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, category=category, text=text.strip(), written_by=acting_user, written_at=clock.now()
        )
        audit.record(
            "cases.note.added",
            actor=acting_user,
            obj=note,
            organisation=case.organisation_id,
            compartment=CaseNote.compartment,
            context=context,
            detail={"case": case.pk, "category": category},
        )
        if category == NoteCategory.INCIDENT:
            events.emit(
                CASE_NEW_INCIDENT,
                subject=case,
                organisation=case.organisation_id,
                acting_user=acting_user,
                payload={"note": note.pk},
            )
    return note
