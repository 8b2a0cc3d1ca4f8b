"""The google_gmail Lambda handler in-process against the loopback fake Google APIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import google_gmail
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


def test_handler_sends_a_message(fake: FakeGoogle) -> None:
    config = {
        "operation": "send",
        "credential_id": "g",
        "to": ["ada@example.com"],
        "subject": "Hi",
        "body": "Hello",
    }
    out = google_gmail.lambda_handler(lambda_event("google_gmail", config), FakeLambdaContext())
    assert fake.sent[0]["Subject"] == "Hi" and out["message_id"] in fake.messages
