"""Parallel branches: a task result is recorded while another branch waits, and the wait parks the execution."""

from __future__ import annotations

import threading
import time
from typing import Any

from deca.engines.local import LocalEngine
from deca.local.node_tasks import node_task_registry
from deca.stores import Stores
from statemachines.runtime import FakeClock, TaskRegistry
from tests.layers.engines.conftest import WORKSPACE, store_flow

PARALLEL_FLOW: dict[str, Any] = {
    "id": "parallel",
    "name": "Parallel",
    "nodes": [
        {"id": "begin", "type": "set", "config": {"values": {"a": 1}}},
        {
            "id": "slow",
            "type": "http_request",
            "config": {"url": "https://api.example.test/a", "method": "GET"},
        },
        {"id": "pause", "type": "wait", "config": {"seconds": 3600}},
        {"id": "join", "type": "merge", "config": {}},
    ],
    "connections": [
        {"from": "begin", "to": "slow"},
        {"from": "begin", "to": "pause"},
        {"from": "slow", "to": "join"},
        {"from": "pause", "to": "join"},
    ],
}


def _blocking_tasks(started: threading.Event, release: threading.Event) -> TaskRegistry:
    registry = node_task_registry()

    def handler(event: dict[str, Any]) -> Any:
        started.set()
        release.wait(10)
        return {"status": 200, "body": {"ok": True}, "headers": {}}

    registry.register_lambda("deca-node-http_request", handler)
    return registry


def _node_status(stores: Stores, execution_id: str, node_id: str, wanted: str) -> str | None:
    deadline = time.monotonic() + 10
    status = None
    while time.monotonic() < deadline:
        results = stores.executions.list_node_results(WORKSPACE, execution_id).items
        status = next((r.status for r in results if r.node_id == node_id), None)
        if status == wanted:
            return status
        threading.Event().wait(0.02)
    return status


def test_branch_task_finishes_while_the_other_branch_is_parked(stores: Stores) -> None:
    # Given an execution with a one-hour Wait in one branch and a running task in the other
    store_flow(stores, PARALLEL_FLOW)
    started, release = threading.Event(), threading.Event()
    engine = LocalEngine(
        stores, clock=FakeClock(), park_after_seconds=60, tasks=lambda _ws: _blocking_tasks(started, release)
    )
    execution_id = engine.start(WORKSPACE, "parallel", 1, {})
    assert started.wait(10)

    # When the task ends
    release.set()

    # Then its node succeeds, and the execution parks (no worker held) until the hour has passed
    assert _node_status(stores, execution_id, "slow", "succeeded") == "succeeded"
    record = engine.wait(WORKSPACE, execution_id, 10)
    assert record.status == "running"
    assert engine.live_count() == 1
    engine.close()
