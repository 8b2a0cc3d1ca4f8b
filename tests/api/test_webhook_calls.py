"""Incoming webhook calls through the API: signature checks, one execution per message id, sync output."""

from __future__ import annotations

import json
import threading
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes.engine_deps import engine_of
from api.routes.webhook_calls import ANSWER_ON_EVENT_LOOP
from deca.triggers.webhook_signatures import sign_standard
from tests.api.conftest import WORKSPACE
from tests.api.execution_fixtures import publish_flow
from tests.fakes.clock import FakeClock

SECRET = "whsec-test-signing-secret"


def _flow(flow_id: str, trigger: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": flow_id,
        "name": flow_id,
        "triggers": [{"type": "webhook", **trigger}],
        "nodes": [
            {"id": "echo", "type": "transform", "config": {"output": {"got": "{{ input.body.order }}"}}}
        ],
    }


def _signed_flow(client: TestClient, owner: dict[str, str]) -> None:
    created = client.post(
        "/credentials", json={"name": "hook", "type": "webhook", "value": {"secret": SECRET}}, headers=owner
    )
    assert created.status_code == 201, created.text
    trigger = {
        "path": "orders",
        "signature": "standard",
        "secret_credential": created.json()["credential_id"],
    }
    publish_flow(client, owner, _flow("signed", trigger))


def _executions(client: TestClient, owner: dict[str, str], flow_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(f"/executions?flow_id={flow_id}", headers=owner).json()["items"]
    return items


def _signed_headers(clock: FakeClock, body: bytes, msg_id: str = "msg_1", age: int = 0) -> dict[str, str]:
    ts = int(clock.now().timestamp()) - age
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign_standard(SECRET, msg_id, ts, body),
    }


def test_a_valid_signature_starts_one_execution(
    client: TestClient, owner: dict[str, str], clock: FakeClock
) -> None:
    _signed_flow(client, owner)
    body = json.dumps({"order": 7}).encode()

    response = client.post(
        f"/webhooks/{WORKSPACE}/orders", content=body, headers=_signed_headers(clock, body)
    )

    assert response.status_code == 202, response.text
    assert len(_executions(client, owner, "signed")) == 1


def test_a_replayed_message_id_returns_the_same_execution(
    client: TestClient, owner: dict[str, str], clock: FakeClock
) -> None:
    _signed_flow(client, owner)
    body = json.dumps({"order": 8}).encode()
    headers = _signed_headers(clock, body, msg_id="msg_replay")

    first = client.post(f"/webhooks/{WORKSPACE}/orders", content=body, headers=headers)
    second = client.post(f"/webhooks/{WORKSPACE}/orders", content=body, headers=headers)

    assert first.json() == second.json()
    assert len(_executions(client, owner, "signed")) == 1


def test_bad_signatures_are_401_and_start_nothing(
    client: TestClient, owner: dict[str, str], clock: FakeClock
) -> None:
    _signed_flow(client, owner)
    body = json.dumps({"order": 9}).encode()
    stale = _signed_headers(clock, body, msg_id="msg_old", age=3600)
    tampered = {**_signed_headers(clock, body, msg_id="msg_t"), "webhook-signature": "v1,AAAA"}

    answers = [
        client.post(
            f"/webhooks/{WORKSPACE}/orders", content=body, headers={"content-type": "application/json"}
        ),
        client.post(f"/webhooks/{WORKSPACE}/orders", content=body, headers=stale),
        client.post(f"/webhooks/{WORKSPACE}/orders", content=body, headers=tampered),
    ]

    assert [a.status_code for a in answers] == [401, 401, 401]
    assert _executions(client, owner, "signed") == []


def test_unknown_paths_and_methods_start_nothing(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, _flow("open", {"path": "open-hook", "method": "POST"}))

    assert client.post(f"/webhooks/{WORKSPACE}/nope", json={}).status_code == 404
    assert client.get(f"/webhooks/{WORKSPACE}/open-hook").status_code == 405
    assert client.post("/webhooks/other-ws/open-hook", json={}).status_code == 404
    assert _executions(client, owner, "open") == []


def test_sync_mode_answers_the_flow_output(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(
        client, owner, _flow("sync", {"path": "sync-hook", "response_mode": "sync", "timeout_seconds": 20})
    )

    response = client.post(f"/webhooks/{WORKSPACE}/sync-hook", json={"order": 42})

    assert response.status_code == 200, response.text
    assert response.json()["output"] == {"echo": {"got": 42}}


def test_a_failed_sync_run_answers_the_error_name_and_message_only(
    client: TestClient, owner: dict[str, str]
) -> None:
    # Given a sync webhook whose flow fails in a node Lambda (an unknown credential)
    flow = _flow("fails", {"path": "fails-hook", "response_mode": "sync", "timeout_seconds": 20})
    flow["nodes"] = [
        {
            "id": "call",
            "type": "http_request",
            "config": {
                "method": "GET",
                "url": "https://api.example.com/x",
                "auth": {"type": "bearer", "credential_id": "missing-cred"},
            },
        }
    ]
    publish_flow(client, owner, flow)

    response = client.post(f"/webhooks/{WORKSPACE}/fails-hook", json={})

    # Then the public caller learns what failed, but no stack trace or internal cause
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error["error"] == "CredentialNotFound"
    assert "missing-cred" in error["message"]
    assert "stackTrace" not in response.text and "File " not in response.text


def _threads_starting_executions(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Turn on answering on the event loop (as `deca dev` does) and record the thread of every start."""
    app = cast(FastAPI, client.app)
    setattr(app.state, ANSWER_ON_EVENT_LOOP, True)
    engine = engine_of(app.state, app.state.services)
    threads: list[str] = []
    start = engine.start

    def recording_start(*args: Any, **kwargs: Any) -> str:
        threads.append(threading.current_thread().name)
        return start(*args, **kwargs)

    monkeypatch.setattr(engine, "start", recording_start)
    return threads


def test_embedded_stores_answer_async_calls_on_the_event_loop_and_sync_ones_on_a_worker(
    client: TestClient, owner: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an app whose stores are embedded, with an async and a sync webhook
    publish_flow(client, owner, _flow("at-once", {"path": "at-once"}))
    publish_flow(
        client, owner, _flow("waits", {"path": "waits", "response_mode": "sync", "timeout_seconds": 20})
    )
    threads = _threads_starting_executions(client, monkeypatch)
    loop_thread = client.portal.call(lambda: threading.current_thread().name)  # type: ignore[union-attr]

    # When each is called, and a path without a trigger
    accepted = client.post(f"/webhooks/{WORKSPACE}/at-once", json={"order": 1})
    answered = client.post(f"/webhooks/{WORKSPACE}/waits", json={"order": 2})
    missing = client.post(f"/webhooks/{WORKSPACE}/nowhere", json={})

    # Then both start one execution with the same answers as on worker threads: the async one on the event
    # loop, the one waiting for its flow's output on a worker thread (the loop keeps serving meanwhile)
    assert accepted.status_code == 202, accepted.text
    assert (answered.status_code, answered.json()["output"]) == (200, {"echo": {"got": 2}})
    assert missing.status_code == 404
    assert threads[0] == loop_thread
    assert threads[1] != loop_thread
    assert len(_executions(client, owner, "at-once")) == 1


def test_without_the_flag_every_call_is_answered_on_a_worker_thread(
    client: TestClient, owner: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_flow(client, owner, _flow("at-once", {"path": "at-once"}))
    threads = _threads_starting_executions(client, monkeypatch)
    setattr(cast(FastAPI, client.app).state, ANSWER_ON_EVENT_LOOP, False)
    loop_thread = client.portal.call(lambda: threading.current_thread().name)  # type: ignore[union-attr]

    accepted = client.post(f"/webhooks/{WORKSPACE}/at-once", json={"order": 1})

    assert accepted.status_code == 202, accepted.text
    assert threads and threads[0] != loop_thread
