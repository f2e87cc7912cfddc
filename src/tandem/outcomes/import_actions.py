"""Importing questionnaires collected in the field, all or nothing.

A file holds the answers of one respondent's questionnaire (``man`` or ``partner``), one time
point per row, as KoboToolbox or ODK export the form ``outcomes.xlsform`` writes. Every row is
checked first: it reads (``field_import``: the questionnaire and its version, the scale of every
answer, the day, one row per point), its point exists among those the importing person may
record answers at in the organisation (one out of reach reads as one that does not exist), is
not closed already, and takes these answers by the same rules as the staff form (the day inside
the point's window, at least one answer, and for her a consent that covers the channel she was
reached by). One problem anywhere refuses the whole file, every problem named by its row and
column. A good file is recorded in one transaction, each row through the action of its side, so
that the import changes exactly what the staff form would.

His answers are recorded as imported (``Mode.IMPORT``) by the programme's staff. Hers are
allowed too, on her side only: the interview her support worker held on a tablet is her
interview, recorded as such (``Mode.INTERVIEW``) through ``record_her_answers``, with the check
of her consent, and only by her support workers; nobody on the man's side imports her answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _, ngettext

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment, Role
from tandem.core.table_imports import Found, ImportRefused, Words, problems_of
from tandem.core.tables import Message, grouped, wording
from tandem.outcomes import actions, field_import
from tandem.outcomes.actions import Answers, OutcomeRefused
from tandem.outcomes.field_import import FieldFile, FieldRow
from tandem.outcomes.models import CasePoint, Mode, PartnerPoint, PointState
from tandem.outcomes.queries.fieldwork import points_to_import
from tandem.outcomes.rules.field_numbers import field_number
from tandem.outcomes.rules.instruments import MAN, PARTNER, RESPONDENTS, Instrument, current_instrument
from tandem.outcomes.xlsform import ANSWERED_ON, CHANNEL, LANGUAGE, POINT
from tandem.survivors import queries as survivor_queries, rules as survivor_rules
from tandem.survivors.models import Channel, Purpose


@dataclass(frozen=True)
class ImportResult:
    filename: str
    sha256: str
    respondent: str
    recorded: int

    @property
    def message(self) -> str:
        return ngettext(
            "%(file)s imported: the answers of %(count)s time point are recorded.",
            "%(file)s imported: the answers of %(count)s time points are recorded.",
            self.recorded,
        ) % {"file": self.filename, "count": grouped(self.recorded)}


def importing_organisations(user: User, respondent: str) -> list[int]:
    """The organisations in which ``user`` may import ``respondent``'s answers: his, where she
    records answers of the programme (facilitators, coordinators); hers, where she is a survivor
    support worker (a coordinator reads her record only by breaking the glass, and never
    changes it)."""
    if respondent == MAN:
        return organisations_granting(user, Compartment.PROGRAMME, Action.CHANGE)
    if respondent == PARTNER:
        return organisations_granting(
            user, Compartment.SURVIVOR, Action.CHANGE, roles=frozenset({Role.SURVIVOR_WORKER})
        )
    return []


def import_answers(
    *,
    organisation: Organisation,
    respondent: str,
    filename: str,
    content: bytes,
    acting_user: User,
    context: AuditContext | None = None,
) -> ImportResult:
    """Record the questionnaires in a file of field collection, all or nothing.

    Raises ``UnreadableFile`` (from ``core.tables``) for a file that cannot be read as a table
    within the limits of an upload, ``ImportRefused`` listing every problem for one that can but
    has problems, and ``OutcomeRefused`` for a person who may not import these answers here;
    in every case nothing is recorded."""
    if respondent not in RESPONDENTS:
        raise ValidationError({"respondent": _("Choose whose questionnaire the file holds.")})
    if organisation.pk not in importing_organisations(acting_user, respondent):
        if respondent == PARTNER:
            raise OutcomeRefused(_("Only her support workers record her answers."), rule="allowed")
        raise OutcomeRefused(_("Only the programme's staff record his answers."), rule="allowed")
    name = PurePath(filename).name
    sha256 = hashlib.sha256(content).hexdigest()
    instrument = current_instrument(respondent)
    read = field_import.read_answers(instrument, field_import.read_table(name, content))
    points = points_to_import(acting_user, respondent, organisation.pk, (row.point_id for row in read.rows))
    checked: list[tuple[FieldRow, CasePoint | PartnerPoint]] = []
    for row in read.rows:
        point = points.get(row.point_id)
        read.problems.extend(_problems_of_row(instrument, read, row, point))
        if point is not None:
            checked.append((row, point))
    if read.problems:
        raise ImportRefused(name, problems_of(name, read.problems))
    with transaction.atomic():
        for row, point in checked:
            _record(row, point, acting_user=acting_user, context=context, name=name, column=read.column(POINT))
        audit.record(
            "outcomes.field_import",
            actor=acting_user,
            organisation=organisation,
            compartment=Compartment.PROGRAMME if respondent == MAN else Compartment.SURVIVOR,
            context=context,
            detail={
                "respondent": respondent,
                "instrument": instrument.name,
                "file": name,
                "sha256": sha256,
                "points": [row.point_id for row, _point in checked],
            },
        )
    return ImportResult(name, sha256, respondent, len(checked))


def _answers(row: FieldRow, point: CasePoint | PartnerPoint) -> Answers:
    # Her answers come from the interview her support worker held; his are imported as such.
    mode = Mode.IMPORT if isinstance(point, CasePoint) else Mode.INTERVIEW
    return Answers(row.values, row.language, row.answered_on, mode, row.channel)


def _problems_of_row(
    instrument: Instrument, read: FieldFile, row: FieldRow, point: CasePoint | PartnerPoint | None
) -> Found:
    """What keeps one well-read row from being recorded at its point, by the rules of the action
    that records it (checked here first, so that every row's problems are listed at once)."""

    def at(name: str, words: Words) -> Found:
        return [(row.row, *read.column(name), words, "")]

    if point is None:
        return at(POINT, Message(NO_SUCH_POINT, {"point": field_number(row.point_id)}))
    if point.state in (PointState.ANSWERED, PointState.DECLINED) or hasattr(point, "response"):
        return at(POINT, Message(POINT_CLOSED, {"point": field_number(row.point_id)}))
    answers = _answers(row, point)
    try:
        actions._checked(instrument, answers, point)
    except ValidationError as invalid:
        found: Found = []
        columns = {"answered_on": ANSWERED_ON, "language": LANGUAGE}
        first_item = instrument.items[0].key
        for key, messages in invalid.message_dict.items():
            for message in messages:
                found.extend(at(columns.get(key, first_item), message))
        return found
    if isinstance(point, PartnerPoint):
        refused = _consent_refusal(point, answers)
        if refused is not None:
            return at(CHANNEL, refused)
    return []


def _consent_refusal(point: PartnerPoint, answers: Answers) -> str | None:
    """Her consent, as ``record_her_answers`` checks it on the day she answered."""
    names = {key: str(value) for key, value in {**dict(Channel.choices), **dict(Purpose.choices)}.items()}
    return survivor_rules.refusal(
        survivor_queries.consent_terms(point.partner),
        answers.channel,
        Purpose.QUESTIONNAIRES,
        answers.answered_on,
        names=names,
    )


def _record(
    row: FieldRow,
    point: CasePoint | PartnerPoint,
    *,
    acting_user: User,
    context: AuditContext | None,
    name: str,
    column: tuple[int, str],
) -> None:
    """One row through the action of its side. A refusal now (someone recorded the point since
    it was checked) refuses the file, and the transaction takes back the rows before it."""
    answers = _answers(row, point)
    try:
        if isinstance(point, CasePoint):
            actions.record_his_answers(
                point=point, answers=answers, expected_version=point.version, acting_user=acting_user, context=context
            )
        else:
            actions.record_her_answers(
                point=point, answers=answers, expected_version=point.version, acting_user=acting_user, context=context
            )
    except OutcomeRefused as refused:
        raise ImportRefused(name, problems_of(name, [(row.row, *column, refused.message, "")])) from None
    except ValidationError as invalid:
        raise ImportRefused(name, problems_of(name, [(row.row, *column, " ".join(invalid.messages), "")])) from None


# --- Wordings -----------------------------------------------------------------------------------

NO_SUCH_POINT = "outcomes.import.no_such_point"
POINT_CLOSED = "outcomes.import.point_closed"


@wording(NO_SUCH_POINT)
def _no_such_point(point: int) -> str:
    return _(
        "There is no time point %(point)s among the questionnaires you record here: check the number on the list."
    ) % {"point": point}


@wording(POINT_CLOSED)
def _point_closed(point: int) -> str:
    return _(
        "The time point %(point)s is closed already (answered or declined): its answers cannot be imported again."
    ) % {"point": point}
