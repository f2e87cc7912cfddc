"""Fidelity figures that leave Tandem as a file are on the record."""

from __future__ import annotations

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Compartment
from tandem.groups.fidelity import Scope

AUDIT_ACTION = "groups.fidelity.exported"


def record_fidelity_export(
    *, scope: Scope, file_format: str, language: str, acting_user: User, context: AuditContext | None = None
) -> None:
    """A coordinator took the fidelity figures of her provider out as a file: which groups,
    which period, in which format and language."""
    audit.record(
        AUDIT_ACTION,
        actor=acting_user,
        organisation=scope.organisation_id,
        compartment=Compartment.PROGRAMME,
        context=context,
        detail={
            "format": file_format,
            "language": language,
            "start": scope.start.isoformat(),
            "end": scope.end.isoformat(),
            "group": scope.group_id,
            "programme": scope.programme_id,
        },
    )
