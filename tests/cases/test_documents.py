"""Documents of a case: accepted by what they are and within the size limit, stored encrypted
outside the web root with nothing left behind by a failed save, and opened only through the
case's scoping, every opening on the record."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.cases import documents as storage
from tandem.cases.actions import CaseRefused, documents as actions
from tandem.cases.models import Case, CaseDocument
from tandem.cases.rules import documents as kinds
from tandem.cases.rules.lifecycle import State
from tandem.core import audit
from tandem.core.models import AuditEntry
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
TEXT = "Pismo centra za socijalni rad: čćšđž.\n".encode()
# The first bytes of a Windows program.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)


def zipped(members: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return out.getvalue()


DOCX = zipped([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])
ODT = zipped(
    [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office:document-content/>")],
    stored_first=True,
)


def declaring_huge_size(content: bytes, member: bytes) -> bytes:
    """The zip with ``member``'s central directory entry declaring 2 GB unpacked: a zip bomb's
    directory, without its bulk."""
    entry = content.index(b"PK\x01\x02")
    while content[entry + 46 : entry + 46 + len(member)] != member:
        entry = content.index(b"PK\x01\x02", entry + 4)
    huge = (2_000_000_000).to_bytes(4, "little")
    return content[: entry + 24] + huge + content[entry + 28 :]


@pytest.fixture(autouse=True)
def document_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.TANDEM_DOCUMENT_DIR = tmp_path / "documents"
    yield tmp_path / "documents"


def stored_files(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


def a_case(world: World) -> Case:
    return factories.case(world.org, agency=world.agency, state=State.ASSESSMENT)


def upload(world: World, content: bytes, filename: str = "letter.pdf", case: Case | None = None) -> CaseDocument:
    return actions.upload_document(
        case=case or a_case(world),
        title="Letter from the court",
        filename=filename,
        content=content,
        acting_user=world.facilitator,
    )


def refusal_of(world: World, content: bytes, filename: str = "letter.pdf") -> str:
    with pytest.raises(ValidationError) as refused:
        upload(world, content, filename)
    return str(refused.value.message_dict["file"][0])


# --- What is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (TEXT, "text/plain; charset=utf-8"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_a_file_of_an_allowed_kind_is_accepted_with_the_type_its_content_shows(
    world: World, content: bytes, content_type: str
) -> None:
    assert upload(world, content, "scan").content_type == content_type


def test_the_type_comes_from_the_content_not_the_name(world: World) -> None:
    assert upload(world, PNG, "court-order.pdf").content_type == "image/png"


def test_a_name_gets_the_extension_of_what_the_file_is(world: World) -> None:
    assert upload(world, PNG, "court-order.pdf").filename == "court-order.pdf.png"


# --- Hostile files ------------------------------------------------------------------------------


def test_a_renamed_executable_is_refused_whatever_its_name(world: World) -> None:
    assert "Only PDF, PNG, JPEG" in refusal_of(world, EXECUTABLE, "court-order.pdf")


def test_an_empty_file_is_refused(world: World) -> None:
    assert refusal_of(world, b"") == "The file is empty. Choose the file again."


def test_a_file_over_the_limit_is_refused_naming_the_limit(world: World, settings: Any) -> None:
    settings.TANDEM_DOCUMENT_MAX_BYTES = 1024
    assert "larger than 1.0\xa0KB" in refusal_of(world, PDF + bytes(2000))


def test_a_docx_declaring_a_huge_unpacked_size_is_refused_unopened(world: World) -> None:
    bomb = declaring_huge_size(DOCX, b"word/document.xml")
    assert "unpack to too much data" in refusal_of(world, bomb, "report.docx")


def test_a_zip_of_too_many_members_is_refused(world: World) -> None:
    many = zipped(
        [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")]
        + [(f"word/media/{n}.xml", b"") for n in range(kinds.MAX_ZIP_MEMBERS)]
    )
    assert "too many parts" in refusal_of(world, many, "report.docx")


def test_a_zip_that_is_not_a_word_processing_document_is_refused(world: World) -> None:
    spreadsheet = zipped([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
    assert "Only PDF, PNG, JPEG" in refusal_of(world, spreadsheet, "report.docx")


def test_a_broken_zip_is_refused(world: World) -> None:
    assert "Only PDF, PNG, JPEG" in refusal_of(world, b"PK\x03\x04" + bytes(40), "report.docx")


def test_binary_bytes_named_as_text_are_refused(world: World) -> None:
    assert "Only PDF, PNG, JPEG" in refusal_of(world, b"plain\x00text", "notes.txt")


def test_a_name_with_folders_and_control_characters_is_cleaned(world: World) -> None:
    document = upload(world, PDF, "..\\..\\windows/../etc/\x00or\u202eder\x07\n.pdf")
    assert document.filename == "order.pdf"


def test_a_name_of_nothing_but_dots_becomes_document(world: World) -> None:
    assert upload(world, TEXT, "../..").filename == "document.txt"


def test_a_title_is_required(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.upload_document(
            case=a_case(world), title=" ", filename="a.pdf", content=PDF, acting_user=world.facilitator
        )
    assert set(refused.value.message_dict) == {"title"}


def test_a_refused_file_leaves_nothing_on_disk(world: World, document_dir: Path) -> None:
    refusal_of(world, EXECUTABLE)
    assert stored_files(document_dir) == []


def test_reading_an_upload_stops_at_the_limit_without_taking_the_rest() -> None:
    taken: list[int] = []

    def chunks() -> Iterator[bytes]:
        for number in range(1_000):
            taken.append(number)
            yield bytes(1024)

    with pytest.raises(storage.TooLarge):
        storage.read_capped(chunks(), 4 * 1024)
    assert len(taken) == 5


# --- Storage ------------------------------------------------------------------------------------


def test_the_content_is_stored_encrypted_under_a_random_name(world: World, document_dir: Path) -> None:
    document = upload(world, TEXT, "court letter.txt")
    (path,) = stored_files(document_dir)
    assert path.name == document.storage_name
    assert b"socijalni" not in path.read_bytes()
    assert "letter" not in path.name


def test_the_stored_file_is_readable_by_tandem_alone(world: World, document_dir: Path) -> None:
    upload(world, PDF)
    (path,) = stored_files(document_dir)
    assert path.stat().st_mode & 0o077 == 0


def test_a_failed_save_removes_the_stored_file(
    world: World, document_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = a_case(world)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        upload(world, PDF, case=case)
    assert stored_files(document_dir) == []
    assert not CaseDocument.objects.filter(case=case).exists()


def test_a_file_changed_on_disk_is_not_served_as_the_record(world: World, document_dir: Path) -> None:
    document = upload(world, PDF)
    other = upload(world, TEXT)
    (document_dir / other.storage_name[:2] / other.storage_name).replace(
        document_dir / document.storage_name[:2] / document.storage_name
    )
    with pytest.raises(storage.Unreadable):
        storage.read(document.storage_name, document.sha256)


def test_a_storage_name_that_is_not_ours_is_never_a_path() -> None:
    with pytest.raises(storage.Unreadable):
        storage.read("../../etc/passwd", "0" * 64)


def test_the_survivor_support_worker_may_not_upload_to_his_case(world: World) -> None:
    with pytest.raises(CaseRefused):
        actions.upload_document(
            case=a_case(world), title="x", filename="a.pdf", content=PDF, acting_user=world.survivor_worker
        )


# --- On the web ---------------------------------------------------------------------------------


def post_document(world: World, case: Case, content: bytes, filename: str = "letter.pdf") -> Any:
    return signed_in_client(world.facilitator).post(
        f"/cases/{case.pk}/documents/new/",
        {"title": "Court order", "file": SimpleUploadedFile(filename, content, content_type="application/pdf")},
    )


def test_the_upload_page_stores_the_document(world: World) -> None:
    case = a_case(world)
    response = post_document(world, case, PDF)
    assert response.status_code == 302
    assert CaseDocument.objects.get(case=case).title == "Court order"


def test_the_upload_page_refuses_a_renamed_executable_with_422(world: World) -> None:
    case = a_case(world)
    response = post_document(world, case, EXECUTABLE, "order.pdf")
    assert response.status_code == 422
    assert "Only PDF, PNG, JPEG" in response.content.decode()
    assert not CaseDocument.objects.filter(case=case).exists()


def test_the_upload_page_stops_taking_an_oversized_file_at_the_limit(
    world: World, settings: Any, document_dir: Path
) -> None:
    settings.TANDEM_DOCUMENT_MAX_BYTES = 100 * 1024
    case = a_case(world)
    response = post_document(world, case, PDF + bytes(300 * 1024))
    assert response.status_code == 422
    form = response.context["form"]
    assert form.cut_off
    assert "larger than 100.0\xa0KB" in form.errors["file"][0]
    assert stored_files(document_dir) == []


def test_the_upload_page_refuses_an_empty_file_with_422(world: World) -> None:
    response = post_document(world, a_case(world), b"")
    assert response.status_code == 422
    assert "The file is empty." in response.content.decode()


def test_opening_a_document_serves_it_as_an_attachment_of_its_type(world: World) -> None:
    case = a_case(world)
    document = upload(world, PDF, case=case)
    response = signed_in_client(world.coordinator).get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename=\"letter.pdf\"; filename*=UTF-8''letter.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_beyond_ascii_is_offered_in_ascii_and_in_utf8(world: World) -> None:
    case = a_case(world)
    document = upload(world, PDF, 'Rješenje – Đurić "A".pdf', case=case)
    response = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert response["Content-Disposition"] == (
        'attachment; filename="Rjesenje _ _uric _A_.pdf"; '
        "filename*=UTF-8''Rje%C5%A1enje%20%E2%80%93%20%C4%90uri%C4%87%20%22A%22.pdf"
    )


def test_opening_a_document_is_audited(world: World) -> None:
    case = a_case(world)
    document = upload(world, PDF, case=case)
    signed_in_client(world.facilitator).get(f"/cases/{case.pk}/documents/{document.pk}/")
    entry = AuditEntry.objects.get(action="cases.document.opened")
    assert (entry.actor, entry.object_id) == (world.facilitator, str(document.pk))


def test_another_organisations_coordinator_gets_404_and_the_attempt_is_audited(world: World) -> None:
    case = a_case(world)
    document = upload(world, PDF, case=case)
    response = signed_in_client(world.outsider).get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="access.denied", actor=world.outsider).exists()
    assert not AuditEntry.objects.filter(action="cases.document.opened").exists()


def test_a_document_is_not_reached_through_another_case(world: World) -> None:
    document = upload(world, PDF)
    other = a_case(world)
    response = signed_in_client(world.facilitator).get(f"/cases/{other.pk}/documents/{document.pk}/")
    assert response.status_code == 404


def test_the_case_page_lists_documents_in_their_panel_and_the_timeline(world: World) -> None:
    case = a_case(world)
    document = upload(world, PDF, case=case)
    response = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/")
    link = f"/cases/{case.pk}/documents/{document.pk}/"
    assert response.content.decode().count(link) == 2
    assert [entry.kind for entry in response.context["timeline"]].count("document") == 1
