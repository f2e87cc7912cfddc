"""Uploading a document to a case, and opening one: only through the case's scoping (404 for
anyone else, the attempt on the record), every opening audited, and the file always offered as
a download of its checked type, never shown in the page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from tandem.cases import documents as storage, queries
from tandem.cases.actions import CaseRefused, documents as actions
from tandem.cases.forms.records import DocumentForm
from tandem.cases.queries import records as record_queries
from tandem.cases.rules.documents import ascii_filename
from tandem.cases.views.records import FORM_METHODS, add_errors, render_refused
from tandem.core.http import audit_context, signed_in_user
from tandem.core.roles import Action


class CappedUploadHandler(FileUploadHandler):
    """Stops taking a file in as soon as it passes the size limit: the rest of the upload is
    read past and thrown away, never written to memory or disk."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.cut_off = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.cut_off = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# The upload's limit must be in place before anything reads the request's body, and the CSRF
# check reads it: so the check is made inside, once the limit is set.
@csrf_exempt
@login_required
@require_http_methods(FORM_METHODS)
def document_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    handler = CappedUploadHandler(request, storage.max_bytes())
    request.upload_handlers = [handler, *request.upload_handlers]
    return _document_add(request, case_id, handler)


@csrf_protect
def _document_add(request: HttpRequest, case_id: int, handler: CappedUploadHandler) -> HttpResponse:
    user = signed_in_user(request)
    where = audit_context(request)
    case = queries.access_case(user, case_id, action=Action.CHANGE, context=where)
    template = "cases/document_form.html"
    context: dict[str, Any] = {"case": case, "max_bytes": storage.max_bytes()}
    if request.method != "POST":
        return render(request, template, {**context, "form": DocumentForm()})
    form = DocumentForm(request.POST, request.FILES, cut_off=handler.cut_off)
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=422)
    try:
        actions.upload_document(
            case=case,
            title=form.cleaned_data["title"],
            filename=form.cleaned_data["file"].name or "",
            content=form.content,
            acting_user=user,
            context=where,
        )
    except CaseRefused as refused:
        return render_refused(request, template, form, refused, context)
    except ValidationError as invalid:
        add_errors(form, invalid)
        return render(request, template, {**context, "form": form}, status=422)
    messages.success(request, _("The document is uploaded."))
    return redirect("cases:case", case_id=case.pk)


def content_disposition(filename: str) -> str:
    """An attachment, named in ASCII for every browser and in UTF-8 for those that can."""
    return f"attachment; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


@login_required
@require_safe
def document_view(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    user = signed_in_user(request)
    where = audit_context(request)
    document = record_queries.access_document(user, case_id, document_id, context=where)
    content = actions.open_document(document=document, acting_user=user, context=where)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(document.filename)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in it may run, even if a browser were to show it.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
