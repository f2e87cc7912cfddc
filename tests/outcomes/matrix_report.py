"""Rows of the permission matrix for the outcome report (``tests/outcomes/test_report_matrix.py``).

The report of a provider, its PDF and its JSON: for its coordinators, organisation administrators
and survivor-support workers (totals only, over enough people to name nobody); each reads the
report of her own provider, so the outsider, a coordinator of another provider, reads his. Its
facilitators, the referrer, the analyst, the government viewer, the auditor and the platform
administrator find nothing there. A provider that is not the reader's, named in the address, is
not there either (``test_report``).
"""

from __future__ import annotations

from tests.permission_matrix import NOT_FOUND, OK, Row, signed_in

READERS = {"coordinator": OK, "org_admin": OK, "survivor_worker": OK, "outsider": OK}

ROWS: list[Row] = [
    Row(name, "GET", "none", signed_in(NOT_FOUND, **READERS))
    for name in ("outcomes:report", "outcomes:report_pdf", "outcomes:report_json")
]
