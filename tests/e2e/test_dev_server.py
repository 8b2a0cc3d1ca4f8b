"""End to end: `deca dev` as a subprocess serves the API; a flow is created, published and run over HTTP,
and an execution paused when the server is killed survives the restart."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.studio_process import Studio, create_and_publish, free_port, start_studio, stop_studio

RUN_SECONDS = 30.0

GREETING_FLOW: dict[str, Any] = {
    "id": "greeting",
    "name": "Greeting",
    "nodes": [
        {"id": "greet", "type": "set", "config": {"values": {"greeting": "hello"}}},
        {"id": "pause", "type": "wait", "config": {"seconds": 0}},
        {
            "id": "say",
            "type": "transform",
            "config": {"output": {"msg": "{{ greet.greeting }} {{ input.name }}"}},
        },
    ],
    "connections": [{"from": "greet", "to": "pause"}, {"from": "pause", "to": "say"}],
}

APPROVAL_FLOW: dict[str, Any] = {
    "id": "refund",
    "name": "Refund",
    "nodes": [
        {"id": "ask", "type": "approval", "config": {"title": "Refund?", "approvers": ["role:owner"]}},
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The studio's data directory."""
    return tmp_path / "deca-data"


@pytest.fixture
def studio(data_dir: Path) -> Iterator[Studio]:
    """`deca dev` on a free port with a fresh data directory."""
    running = start_studio(data_dir, free_port())
    yield running
    stop_studio(running)


def _run_sync(studio: Studio, flow_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{studio.url}/flows/{flow_id}/executions",
        json={"input": payload, "mode": "sync", "timeout_seconds": 20},
        headers=studio.headers,
        timeout=RUN_SECONDS,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _poll_status(studio: Studio, execution_id: str, wanted: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_SECONDS
    while True:
        detail: dict[str, Any] = httpx.get(
            f"{studio.url}/executions/{execution_id}", headers=studio.headers, timeout=10
        ).json()
        if detail["execution"]["status"] in wanted:
            return detail
        assert time.monotonic() < deadline, f"execution stayed {detail['execution']['status']}"
        time.sleep(0.2)


def test_flow_created_published_and_run_over_http(studio: Studio) -> None:
    # Given a flow created and published through the API
    create_and_publish(studio, GREETING_FLOW)

    # When it runs synchronously
    detail = _run_sync(studio, "greeting", {"name": "Ada"})

    # Then the result and each node's output are readable
    execution = detail["execution"]
    assert execution["status"] == "succeeded"
    assert execution["output"]["say"] == {"msg": "hello Ada"}
    nodes = {node["node_id"]: node for node in detail["nodes"]}
    assert nodes["greet"]["output"] == {"greeting": "hello"}
    assert nodes["say"]["output"] == {"msg": "hello Ada"}
    assert all(node["status"] == "succeeded" and node["duration_ms"] is not None for node in nodes.values())
    # and the history and the audit log tell what happened
    history = httpx.get(
        f"{studio.url}/executions/{execution['execution_id']}/history", headers=studio.headers, timeout=10
    ).json()
    assert history["items"][-1]["type"] == "ExecutionSucceeded"
    audit = httpx.get(f"{studio.url}/audit", headers=studio.headers, timeout=10).json()
    actions = {(record["action"], record["resource_id"]) for record in audit["items"]}
    assert {("flow.create", "greeting"), ("flow.publish", "greeting")} <= actions
    assert ("execution.start", execution["execution_id"]) in actions


def test_paused_execution_survives_a_killed_server(data_dir: Path) -> None:
    # Given an execution paused on an approval
    first = start_studio(data_dir, free_port())
    try:
        create_and_publish(first, APPROVAL_FLOW)
        paused = _run_sync(first, "refund", {})
    finally:
        # When the server is killed outright
        stop_studio(first, signal.SIGKILL)
    execution_id = paused["execution"]["execution_id"]

    # And started again on the same data
    second = start_studio(data_dir, free_port())
    try:
        resumed = _poll_status(second, execution_id, {"waiting", "failed"})
        approved = httpx.post(
            f"{second.url}/executions/{execution_id}/tasks/ask/approve",
            json={"comment": "fine"},
            headers=second.headers,
            timeout=10,
        )
        finished = _poll_status(second, execution_id, {"succeeded", "failed"})
    finally:
        stop_studio(second)

    # Then the execution was resumed, still waiting for its answer, and finishes once approved
    assert paused["execution"]["status"] == "waiting"
    assert resumed["execution"]["status"] == "waiting"
    assert [task["node_id"] for task in resumed["pending_tasks"]] == ["ask"]
    assert approved.status_code == 200, approved.text
    assert finished["execution"]["status"] == "succeeded"
    assert finished["execution"]["output"]["done"] == {"approved": True}


def test_ctrl_c_stops_the_studio_cleanly(studio: Studio) -> None:
    studio.process.send_signal(signal.SIGINT)

    assert studio.process.wait(timeout=30) == 0


def test_examples_are_loaded_and_published_once(tmp_path: Path) -> None:
    # Given the studio's stores and engine
    from deca.cli.dev_command import load_examples, repository_root
    from deca.engines.local import LocalEngine
    from deca.settings import Settings
    from deca.stores import sqlite_stores

    settings = Settings(data_dir=tmp_path)
    stores = sqlite_stores(tmp_path / "deca.db")
    engine = LocalEngine(stores)
    examples = repository_root() / "examples"

    # When the examples are loaded twice (two starts of the studio)
    first = load_examples(stores, engine, settings, examples)
    second = load_examples(stores, engine, settings, examples)
    flows = stores.flows.list(settings.local_workspace_id, limit=200).items
    engine.close()
    stores.close()

    # Then each is there once, published
    assert "refund-approval" in first
    assert second == []
    assert sorted(f.flow_id for f in flows) == sorted(first)
    assert all(f.published_version == 1 for f in flows)


def test_token_command_prints_a_token_the_studio_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from deca.auth import LocalIssuer, StaticJwks, TokenVerifier
    from deca.cli.main import main
    from deca.settings import Settings

    code = main(["token", "--data-dir", str(tmp_path), "--role", "viewer"])
    token = capsys.readouterr().out.strip()

    settings = Settings(data_dir=tmp_path)
    verifier = TokenVerifier(
        StaticJwks(LocalIssuer.from_settings(settings).jwks()),
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
    )
    claims = verifier.verify(token)
    assert code == 0
    assert (claims.subject, claims.workspace_id, claims.roles) == ("local-owner", "local", ("viewer",))


WAIT_FLOW: dict[str, Any] = {
    "id": "later",
    "name": "Later",
    "nodes": [
        {"id": "pause", "type": "wait", "config": {"seconds": 3}},
        {"id": "after", "type": "set", "config": {"values": {"done": True}}},
    ],
    "connections": [{"from": "pause", "to": "after"}],
}


def test_execution_killed_during_a_wait_finishes_after_the_restart(data_dir: Path) -> None:
    # Given an execution inside a Wait state when the server is killed
    first = start_studio(data_dir, free_port())
    try:
        create_and_publish(first, WAIT_FLOW)
        started = httpx.post(
            f"{first.url}/flows/later/executions", json={"input": {}}, headers=first.headers, timeout=10
        ).json()
        execution_id = started["execution"]["execution_id"]
        deadline = time.monotonic() + RUN_SECONDS
        while not any(
            node["node_id"] == "pause"
            for node in httpx.get(
                f"{first.url}/executions/{execution_id}", headers=first.headers, timeout=10
            ).json()["nodes"]
        ):
            assert time.monotonic() < deadline, "the execution never reached its Wait"
            time.sleep(0.1)
    finally:
        stop_studio(first, signal.SIGKILL)

    # When the studio starts again
    second = start_studio(data_dir, free_port())
    try:
        finished = _poll_status(second, execution_id, {"succeeded", "failed"})
    finally:
        stop_studio(second)

    # Then the execution continued after its Wait
    assert finished["execution"]["status"] == "succeeded"
    assert finished["execution"]["output"]["after"] == {"done": True}


def test_built_ui_is_served_with_spa_fallback(tmp_path: Path) -> None:
    # Given a built UI
    from fastapi.testclient import TestClient

    from deca.cli.dev_command import build_studio
    from deca.settings import Settings

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>studio</html>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    app, stores, engine = build_studio(Settings(data_dir=tmp_path / "data"), examples=None, ui_dist=dist)

    # When the browser asks for pages, assets and the API
    with TestClient(app) as client:
        index = client.get("/")
        deep_link = client.get("/flows/abc/editor")
        asset = client.get("/assets/app.js")
        health = client.get("/health")
    engine.close()
    stores.close()

    # Then pages fall back to index.html and the API still answers
    assert index.text == deep_link.text == "<html>studio</html>"
    assert asset.text == "console.log(1)"
    assert health.json()["status"] == "healthy"


def test_dev_listens_on_localhost_8080_by_default() -> None:
    from deca.cli.main import build_parser

    args = build_parser().parse_args(["dev"])

    assert (args.host, args.port, args.no_examples) == ("127.0.0.1", 8080, False)
