"""Rows of the permission matrix for outcome monitoring's fieldwork pages (filled in with the pages)."""

from __future__ import annotations

from tests.permission_matrix import Row

ROWS: list[Row] = []
