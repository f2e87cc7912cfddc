"""Rows of the permission matrix for outcome monitoring's fieldwork pages: the questionnaire as an
XLSForm and the import of what was collected with it.

The form holds no personal data but is kept to the staff who collect: his for the programme's
staff (facilitators, coordinators, here and in another organisation alike: the outsider is a
coordinator elsewhere), hers for survivor support workers only. The import page is theirs too;
a file naming a time point outside the importing person's reach is refused, the point reading
as one that does not exist.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.core import clock
from tandem.outcomes.import_actions import importing_organisations
from tandem.outcomes.rules.field_numbers import field_number
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tests.permission_matrix import ACTED, NOT_FOUND, OK, REFUSED, Row, signed_in

COLLECTORS = {"facilitator": OK, "coordinator": OK, "outsider": OK}


def field_export(point_id: int, respondent: str) -> bytes:
    """A file of one time point's answers, as KoboToolbox exports the form."""
    instrument = current_instrument(respondent)
    row = {
        "instrument": instrument.name,
        "point": field_number(point_id),
        "answered_on": clock.today().isoformat(),
        "language": "sq",
        **({"channel": "phone"} if respondent == PARTNER else {}),
        **{f"{item.subscale}/{item.key}": "0" for item in instrument.items},
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(row)
    writer.writerow(row.values())
    return buffer.getvalue().encode()


def _respondent(fx: Any, user: Any) -> str:
    return PARTNER if user == fx.world.survivor_worker else MAN


def _upload(fx: Any, user: Any, point_id: int) -> dict[str, Any]:
    respondent = _respondent(fx, user)
    organisations = importing_organisations(user, respondent) if user is not None else []
    return {
        "respondent": respondent,
        "organisation": str(organisations[0] if organisations else fx.world.org.pk),
        "file": SimpleUploadedFile("answers.csv", field_export(point_id, respondent), content_type="text/csv"),
    }


def own_file(fx: Any, user: Any) -> dict[str, Any]:
    point = fx.fresh_her_point() if _respondent(fx, user) == PARTNER else fx.fresh_his_point()
    return _upload(fx, user, point.pk)


def other_file(fx: Any, user: Any) -> dict[str, Any]:
    point = fx.other_her_point if _respondent(fx, user) == PARTNER else fx.other_his_point
    return _upload(fx, user, point.pk)


def _his(fx: Any, user: Any) -> dict[str, Any]:
    return {"respondent": MAN}


def _hers(fx: Any, user: Any) -> dict[str, Any]:
    return {"respondent": PARTNER}


ROWS: list[Row] = [
    Row("outcomes:xlsform", "GET", "none", signed_in(NOT_FOUND, **COLLECTORS), _his),
    Row("outcomes:xlsform", "GET", "none", signed_in(NOT_FOUND, survivor_worker=OK), _hers),
    Row("outcomes:import", "GET", "none", signed_in(NOT_FOUND, survivor_worker=OK, **COLLECTORS)),
    # The outsider is a coordinator elsewhere: the world's time points are not in her reach.
    Row(
        "outcomes:import",
        "POST",
        "own",
        signed_in(NOT_FOUND, facilitator=ACTED, coordinator=ACTED, survivor_worker=ACTED, outsider=REFUSED),
        data=own_file,
    ),
    Row(
        "outcomes:import",
        "POST",
        "other",
        signed_in(NOT_FOUND, facilitator=REFUSED, coordinator=REFUSED, survivor_worker=REFUSED, outsider=REFUSED),
        data=other_file,
    ),
]
