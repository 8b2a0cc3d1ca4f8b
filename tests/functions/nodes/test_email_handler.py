"""The email Lambda handler in-process against moto's SES."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.nodes import email
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event, lambda_wiring


@pytest.fixture
def ses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws(), lambda_wiring(tmp_path, monkeypatch):
        client = boto3.client("ses", region_name="us-east-1")
        client.verify_email_identity(EmailAddress="hello@acme.com")
        yield client


def test_handler_sends_once(ses: Any) -> None:
    config = {"from": "hello@acme.com", "to": ["ada@example.com"], "subject": "Hi", "text": "Hello"}
    first = email.lambda_handler(lambda_event("email", config), FakeLambdaContext())
    assert email.lambda_handler(lambda_event("email", config), FakeLambdaContext()) == first
    assert ses.get_send_quota()["SentLast24Hours"] == 1
