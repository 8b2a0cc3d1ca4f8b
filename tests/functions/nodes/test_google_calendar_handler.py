"""The google_calendar Lambda handler in-process against the loopback fake Google APIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import google_calendar
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


def test_handler_creates_an_event(fake: FakeGoogle) -> None:
    config = {
        "operation": "create_event",
        "credential_id": "g",
        "summary": "Call",
        "start": "2024-03-01T10:00:00Z",
        "end": "2024-03-01T10:30:00Z",
    }
    out = google_calendar.lambda_handler(lambda_event("google_calendar", config), FakeLambdaContext())
    assert fake.events["primary"][out["event_id"]]["summary"] == "Call"
