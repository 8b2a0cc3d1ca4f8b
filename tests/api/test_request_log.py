"""Each request gets an id in `X-Request-ID` and one log line with its correlation keys."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import WORKSPACE


def test_response_carries_a_request_id(client: TestClient) -> None:
    assert len(client.get("/health").headers["x-request-id"]) == 32


def test_request_is_logged_with_workspace_and_status(
    client: TestClient, owner: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="api.requests"):
        response = client.get("/flows", headers=owner)

    record = next(r for r in caplog.records if r.getMessage() == "request completed")
    assert record.__dict__["workspace_id"] == WORKSPACE
    assert record.__dict__["status"] == 200
    assert record.__dict__["request_id"] == response.headers["x-request-id"]
    assert "Bearer" not in str(record.__dict__)


def test_refused_request_is_logged_too(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="api.requests"):
        client.get("/flows")

    record = next(r for r in caplog.records if r.getMessage() == "request completed")
    assert (record.__dict__["status"], record.__dict__["workspace_id"]) == (401, None)
