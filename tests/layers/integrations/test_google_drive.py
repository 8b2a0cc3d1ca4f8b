"""The google_drive node against a loopback fake of the Drive API v3."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from deca.integrations.errors import IntegrationConfigError, IntegrationNotFound
from tests.fakes.google_api import FakeGoogle

Run = Callable[..., dict[str, Any]]


def test_upload_sends_a_multipart_related_body(run_google: Run, google: FakeGoogle) -> None:
    config = {
        "operation": "upload",
        "name": "report.csv",
        "content": "a,b\n1,2\n",
        "mime_type": "text/csv",
        "folder_id": "fold1",
    }
    out = run_google("google_drive", config)
    stored = google.files[out["file"]["id"]]
    assert (
        stored["content"] == b"a,b\n1,2\n"
        and stored["mimeType"] == "text/csv"
        and stored["parents"] == ["fold1"]
    )
    assert out["file"]["name"] == "report.csv" and out["file"]["size"] == 8
    assert out["web_link"] == stored["webViewLink"]
    assert google.server.requests[-1].path == "/upload/drive/v3/files"


def test_upload_of_base64_content(run_google: Run, google: FakeGoogle) -> None:
    config = {
        "operation": "upload",
        "name": "logo.png",
        "content": base64.b64encode(b"\x89PNG").decode(),
        "encoding": "base64",
    }
    out = run_google("google_drive", config)
    assert google.files[out["file"]["id"]]["content"] == b"\x89PNG"


def test_upload_is_not_repeated_for_the_same_execution(run_google: Run, google: FakeGoogle) -> None:
    config = {"operation": "upload", "name": "once.txt", "content": "x"}
    assert run_google("google_drive", config) == run_google("google_drive", config)
    assert len(google.files) == 1


def test_invalid_base64_content_names_the_field(run_google: Run) -> None:
    with pytest.raises(IntegrationConfigError, match=r"config\.content"):
        run_google(
            "google_drive", {"operation": "upload", "name": "x.bin", "content": "%%", "encoding": "base64"}
        )


def test_download_returns_text(run_google: Run, google: FakeGoogle) -> None:
    file = google.add_file("notes.txt", "héllo".encode())
    out = run_google("google_drive", {"operation": "download", "file_id": file["id"]})
    assert out["content"] == "héllo" and out["file"]["name"] == "notes.txt"


def test_download_of_binary_as_text_names_the_encoding_field(run_google: Run, google: FakeGoogle) -> None:
    file = google.add_file("logo.png", b"\xff\xd8\xff", "image/png")
    with pytest.raises(IntegrationConfigError, match=r"config\.encoding"):
        run_google("google_drive", {"operation": "download", "file_id": file["id"]})


def test_google_doc_is_exported_with_the_mime_type(run_google: Run, google: FakeGoogle) -> None:
    doc = google.add_file("Plan", b"The plan", "application/vnd.google-apps.document")
    out = run_google(
        "google_drive", {"operation": "download", "file_id": doc["id"], "mime_type": "text/plain"}
    )
    assert out["content"] == "The plan"
    assert google.server.requests[-1].path.endswith("/export")


def test_google_doc_without_mime_type_names_the_field(run_google: Run, google: FakeGoogle) -> None:
    doc = google.add_file("Plan", b"The plan", "application/vnd.google-apps.document")
    with pytest.raises(IntegrationConfigError, match=r"config\.mime_type"):
        run_google("google_drive", {"operation": "download", "file_id": doc["id"]})


def test_list_filters_by_folder_and_query_across_pages(run_google: Run, google: FakeGoogle) -> None:
    for i in range(5):
        google.add_file(f"invoice-{i}.pdf", b"x", "application/pdf", parents=("fold1",))
    google.add_file("invoice-other.pdf", b"x", "application/pdf", parents=("fold2",))
    google.add_file("readme.txt", b"x", parents=("fold1",))
    out = run_google(
        "google_drive",
        {"operation": "list", "folder_id": "fold1", "query": "name contains 'invoice'", "max_results": 4},
    )
    assert [f["name"] for f in out["files"]] == [f"invoice-{i}.pdf" for i in range(4)]


def test_create_folder(run_google: Run, google: FakeGoogle) -> None:
    out = run_google("google_drive", {"operation": "create_folder", "name": "Reports"})
    assert google.files[out["file"]["id"]]["mimeType"] == "application/vnd.google-apps.folder"


def test_share_adds_a_permission(run_google: Run, google: FakeGoogle) -> None:
    file = google.add_file("deck.pdf", b"x", "application/pdf")
    run_google(
        "google_drive",
        {"operation": "share", "file_id": file["id"], "email": "ada@example.com", "role": "commenter"},
    )
    assert google.files[file["id"]]["permissions"][0] == {
        **google.files[file["id"]]["permissions"][0],
        "type": "user",
        "role": "commenter",
        "emailAddress": "ada@example.com",
    }


def test_delete_removes_the_file(run_google: Run, google: FakeGoogle) -> None:
    file = google.add_file("old.txt", b"x")
    out = run_google("google_drive", {"operation": "delete", "file_id": file["id"]})
    assert file["id"] not in google.files and out["file"] == {"id": file["id"]}


def test_missing_file_is_integration_not_found(run_google: Run) -> None:
    with pytest.raises(IntegrationNotFound, match="File not found"):
        run_google("google_drive", {"operation": "delete", "file_id": "gone"})
