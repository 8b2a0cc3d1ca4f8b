"""Nodes in `deca dev` read the workspace's stored credentials, go out through the SSRF guard (with the
allow-list setting) and keep agent memory; the MCP server sees the studio's DECA data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from deca.auth import mint_local_token
from deca.cli.dev_command import build_studio
from deca.settings import Settings
from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse


def _flow(url: str, credential_id: str) -> dict[str, Any]:
    return {
        "id": "call",
        "name": "Call an API",
        "nodes": [
            {
                "id": "get",
                "type": "http_request",
                "config": {"url": url, "auth": {"type": "bearer", "credential_id": credential_id}},
            }
        ],
        "connections": [],
    }


def _run(settings: Settings, url: str) -> tuple[int, dict[str, Any]]:
    app, stores, engine = build_studio(settings, examples=None, ui_dist=None)
    headers = {"Authorization": f"Bearer {mint_local_token(settings)}"}
    try:
        with TestClient(app) as client:
            credential = client.post(
                "/credentials",
                json={"name": "api", "type": "bearer", "value": {"token": "tok-studio"}},
                headers=headers,
            ).json()
            flow = _flow(url, credential["credential_id"])
            assert client.post("/flows", json=flow, headers=headers).status_code == 201
            assert client.post("/flows/call/publish", headers=headers).status_code == 200
            answer = client.post(
                "/flows/call/executions", json={"mode": "sync", "timeout_seconds": 30}, headers=headers
            )
            assert app.state.deca_data is not None  # the MCP server's CRM tools use the studio's data
            execution_id = answer.json()["execution"]["execution_id"]
            detail = client.get(f"/executions/{execution_id}", headers=headers).text
            history = client.get(f"/executions/{execution_id}/history", headers=headers).text
            for text in (answer.text, detail, history):  # errors never carry a server stack trace
                assert "stackTrace" not in text and ".py" not in text
    finally:
        engine.close()
        stores.close()
    return answer.status_code, answer.json()


def test_a_node_uses_a_stored_credential_against_an_allowed_host(tmp_path: Path) -> None:
    seen: list[FakeRequest] = []

    def echo(request: FakeRequest, _match: object) -> FakeResponse:
        seen.append(request)
        return FakeResponse(200, {"ok": True})

    server = FakeHttpServer()
    server.route("GET", "/ping", echo)
    with server:
        settings = Settings(data_dir=tmp_path / "data", outbound_allow_list="127.0.0.1")
        status, body = _run(settings, f"{server.base_url}/ping")

    assert status == 200, body
    assert body["execution"]["status"] == "succeeded"
    [request] = seen
    assert request.headers["authorization"] == "Bearer tok-studio"


def test_loopback_is_blocked_without_the_allow_list(tmp_path: Path) -> None:
    server = FakeHttpServer()
    server.route("GET", "/ping", lambda _r, _m: FakeResponse(200, {"ok": True}))
    with server:
        status, body = _run(Settings(data_dir=tmp_path / "data"), f"{server.base_url}/ping")

    assert status == 200, body
    assert body["execution"]["status"] == "failed"
    error = body["execution"]["error_details"]
    assert error["error"] == "OutboundRequestBlocked"
    assert "loopback address" in error["cause"]
