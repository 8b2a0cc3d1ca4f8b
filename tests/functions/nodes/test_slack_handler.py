"""The slack Lambda handler in-process against the loopback fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import slack
from tests.fakes.slack_api import FakeSlack
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event, lambda_wiring


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    api = FakeSlack()
    with (
        api.server,
        lambda_wiring(
            tmp_path,
            monkeypatch,
            credentials={"bot": {"bot_token": api.token}},
            base_urls={"slack": api.base_url},
        ),
    ):
        yield api


def test_handler_posts_once_per_execution_and_node(fake: FakeSlack) -> None:
    event = lambda_event(
        "slack", {"operation": "send_message", "credential_id": "bot", "channel": "#ops", "text": "hi"}
    )
    first = slack.lambda_handler(event, FakeLambdaContext())
    second = slack.lambda_handler(event, FakeLambdaContext())
    assert first == second and first["channel"] == "C0OPS"
    assert len(fake.messages["C0OPS"]) == 1
