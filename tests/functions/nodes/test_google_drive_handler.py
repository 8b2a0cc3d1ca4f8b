"""The google_drive Lambda handler in-process against the loopback fake Google APIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import google_drive
from tests.fakes.google_api import FakeGoogle
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event, lambda_wiring


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    api = FakeGoogle()
    with (
        api.server,
        lambda_wiring(
            tmp_path, monkeypatch, credentials={"g": {"access_token": "ya29.test"}}, base_urls=api.base_urls()
        ),
    ):
        yield api


def test_handler_uploads_a_file(fake: FakeGoogle) -> None:
    config = {
        "operation": "upload",
        "credential_id": "g",
        "name": "r.csv",
        "content": "a,b",
        "mime_type": "text/csv",
    }
    out = google_drive.lambda_handler(lambda_event("google_drive", config), FakeLambdaContext())
    assert fake.files[out["file"]["id"]]["content"] == b"a,b"
