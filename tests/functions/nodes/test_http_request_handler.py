"""The http_request Lambda handler in-process: real wiring, SSRF guard on with loopback allow-listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deca.net import OutboundRequestBlocked
from functions.nodes import http_request
from tests.fakes.http_server import FakeHttpServer, FakeResponse
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event, lambda_wiring


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHttpServer]:
    fake = FakeHttpServer()
    fake.route("GET", "/me", lambda r, _m: FakeResponse(200, {"auth": r.headers.get("authorization")}))
    with fake, lambda_wiring(tmp_path, monkeypatch, credentials={"api": {"token": "t-1"}}):
        yield fake


def test_handler_calls_the_api_with_the_stored_credential(server: FakeHttpServer) -> None:
    config = {"url": f"{server.base_url}/me", "auth": {"type": "bearer", "credential_id": "api"}}
    out = http_request.lambda_handler(lambda_event("http_request", config), FakeLambdaContext())
    assert out["status"] == 200 and out["body"] == {"auth": "Bearer t-1"}


def test_handler_blocks_the_metadata_address(server: FakeHttpServer) -> None:
    with pytest.raises(OutboundRequestBlocked):
        http_request.lambda_handler(
            lambda_event("http_request", {"url": "http://169.254.169.254/"}), FakeLambdaContext()
        )
