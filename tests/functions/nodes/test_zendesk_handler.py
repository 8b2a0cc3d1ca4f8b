"""The zendesk Lambda handler in-process against the loopback fake Zendesk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import zendesk
from tests.fakes.zendesk_api import FakeZendesk
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event, lambda_wiring


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeZendesk]:
    api = FakeZendesk()
    credential = {"email": api.email, "api_token": api.api_token}
    with (
        api.server,
        lambda_wiring(
            tmp_path, monkeypatch, credentials={"zd": credential}, base_urls={"zendesk": api.base_url}
        ),
    ):
        yield api


def test_handler_creates_a_ticket(fake: FakeZendesk) -> None:
    config = {
        "operation": "create_ticket",
        "subdomain": "acme",
        "credential_id": "zd",
        "subject": "Help",
        "comment": "Please",
    }
    out = zendesk.lambda_handler(lambda_event("zendesk", config), FakeLambdaContext())
    assert fake.tickets[out["ticket_id"]]["subject"] == "Help"
