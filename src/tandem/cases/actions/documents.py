"""Writes and openings of a case's documents.

A document is accepted by what it is, never by its name (``rules/documents.py``), and within
the size the installation allows. Its content is stored encrypted before its record is written;
if the record's transaction fails, the stored file is removed again, so no file is kept without
a record. (A committed record never points to a file that is not there: that is why the file is
written first.) Every opening is audited.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tandem.cases import documents as storage
from tandem.cases.actions.records import ensure_works_on
from tandem.cases.models import Case, CaseDocument
from tandem.cases.rules import documents as kinds
from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import User

MAX_TITLE = 200


def too_large_message() -> str:
    return _("The file is larger than %(size)s. Make it smaller or split it, then upload it again.") % {
        "size": filesizeformat(storage.max_bytes())
    }


def _refusal(reason: str) -> str:
    if reason == kinds.EMPTY:
        return _("The file is empty. Choose the file again.")
    if reason == kinds.ZIP_TOO_LARGE:
        return _("The document would unpack to too much data, or has too many parts, to be accepted.")
    return _("Only PDF, PNG, JPEG, plain text (UTF-8), DOCX and ODT files can be uploaded.")


def upload_document(
    *,
    case: Case,
    title: str,
    filename: str,
    content: bytes,
    acting_user: User,
    context: AuditContext | None = None,
) -> CaseDocument:
    """Add a document to the case (someone working on it): a title, and a file of an allowed
    kind, as its content shows it, that is not empty and within the size limit."""
    ensure_works_on(case, acting_user, CaseDocument, context, "document")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the document a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("At most %(count)s characters.") % {"count": MAX_TITLE}
    kind: kinds.Kind | None = None
    if len(content) > storage.max_bytes():
        errors["file"] = too_large_message()
    else:
        try:
            kind = kinds.kind_of(content)
        except kinds.Refused as refused:
            errors["file"] = _refusal(refused.reason)
    if errors or kind is None:
        raise ValidationError(errors)
    stored = storage.store(content)
    try:
        with transaction.atomic():
            document = CaseDocument.objects.create(
                case=case,
                title=title.strip(),
                filename=kinds.clean_filename(filename, kind),
                content_type=kind.content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_name=stored.storage_name,
                uploaded_by=acting_user,
                uploaded_at=clock.now(),
            )
            audit.record(
                "cases.document.uploaded",
                actor=acting_user,
                obj=document,
                organisation=case.organisation_id,
                compartment=CaseDocument.compartment,
                context=context,
                detail={"case": case.pk, "type": kind.key, "size": stored.size, "sha256": stored.sha256},
            )
    except BaseException:
        storage.remove(stored.storage_name)
        raise
    return document


def open_document(*, document: CaseDocument, acting_user: User, context: AuditContext | None = None) -> bytes:
    """The content of a document for someone already let into it
    (``queries.records.access_document``); the opening is on the record before a byte is read."""
    with transaction.atomic():
        audit.record(
            "cases.document.opened",
            actor=acting_user,
            obj=document,
            organisation=document.case.organisation_id,
            compartment=CaseDocument.compartment,
            context=context,
            detail={"case": document.case_id},
        )
    return storage.read(document.storage_name, document.sha256)
