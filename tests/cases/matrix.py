"""The permission matrix of case work: one row per URL, method and relation, for every persona
(``tests/permission_matrix.py``). Each area keeps its rows and the records they are built from
beside its own tests; ``CASE_ROWS`` is all of them, and the core's test fails for a URL of case
work that none declares."""

from __future__ import annotations

from tests.cases.matrix_cases import ROWS as CASE_PAGE_ROWS
from tests.cases.matrix_records import ROWS as RECORD_ROWS
from tests.cases.matrix_referrals import ROWS as REFERRAL_ROWS
from tests.cases.matrix_reports import ROWS as REPORT_ROWS
from tests.cases.matrix_risk import ROWS as RISK_ROWS
from tests.permission_matrix import Row

CASE_ROWS: list[Row] = [*CASE_PAGE_ROWS, *REFERRAL_ROWS, *REPORT_ROWS, *RECORD_ROWS, *RISK_ROWS]
