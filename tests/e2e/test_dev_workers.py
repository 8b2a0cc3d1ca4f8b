"""End to end: `deca dev --workers 2` serves one port from two processes. Webhook calls of a brief flow are
answered by either; everything else (a flow that pauses for an approval, the API) reaches the main process,
where paused executions live; the extra process ends with the main one, even when it is killed."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.studio_process import Studio, create_and_publish, free_port, start_studio, stop_studio

DEADLINE_SECONDS = 30.0
CALLS = 60
ASKS = 8

BRIEF_FLOW: dict[str, Any] = {
    "id": "brief",
    "name": "Brief",
    "triggers": [{"type": "webhook", "path": "/brief", "method": "POST"}],
    "nodes": [
        {"id": "parse", "type": "set", "config": {"values": {"n": "{{ input.body.n }}"}}},
        {"id": "double", "type": "transform", "config": {"output": {"doubled": "{{ parse.n * 2 }}"}}},
    ],
    "connections": [{"from": "parse", "to": "double"}],
}
ASKING_FLOW: dict[str, Any] = {
    "id": "ask",
    "name": "Ask",
    "triggers": [{"type": "webhook", "path": "/ask", "method": "POST"}],
    "nodes": [
        {"id": "ask", "type": "approval", "config": {"title": "Refund?", "approvers": ["role:owner"]}},
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
}


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _workers_of(studio: Studio) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        is_child = fields is not None and fields[1] == str(studio.process.pid)
        if is_child and b"dev-worker" in (entry / "cmdline").read_bytes():
            found.append(int(entry.name))
    return found


def _cpu_ticks(pid: int) -> int:
    fields = _stat(pid)
    assert fields is not None, f"process {pid} is gone"
    return int(fields[11]) + int(fields[12])


def _gone(pid: int) -> bool:
    fields = _stat(pid)
    return fields is None or fields[0] == "Z"


def _on_a_new_connection(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request on its own connection (the kernel picks the process of each new connection)."""
    with httpx.Client(timeout=DEADLINE_SECONDS) as client:
        return client.request(method, url, **kwargs)


def _status(studio: Studio, execution_id: str, wanted: set[str]) -> str:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        answer = _on_a_new_connection(
            "GET", f"{studio.url}/executions/{execution_id}", headers=studio.headers
        )
        status: str = answer.json()["execution"]["status"]
        if status in wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    running = start_studio(tmp_path / "data", free_port(), workers=2)
    yield running
    stop_studio(running)


def test_two_processes_answer_the_port_and_the_main_one_keeps_paused_executions(studio: Studio) -> None:
    # Given the studio in two processes, with a brief flow and one that pauses for an approval
    [worker] = _workers_of(studio)
    create_and_publish(studio, BRIEF_FLOW)
    create_and_publish(studio, ASKING_FLOW)
    worker_ticks = _cpu_ticks(worker)

    # When webhook calls and API calls arrive on new connections
    briefs = [
        _on_a_new_connection(
            "POST", f"{studio.url}/webhooks/local/brief", json={"n": n}, headers={"Idempotency-Key": f"b{n}"}
        )
        for n in range(CALLS)
    ]
    asks = [
        _on_a_new_connection(
            "POST", f"{studio.url}/webhooks/local/ask", json={"n": n}, headers={"Idempotency-Key": f"a{n}"}
        )
        for n in range(ASKS)
    ]
    asked = [answer.json()["execution_id"] for answer in asks]
    waiting = [_status(studio, execution_id, {"waiting"}) for execution_id in asked]
    approvals = [
        _on_a_new_connection(
            "POST",
            f"{studio.url}/executions/{execution_id}/tasks/ask/approve",
            json={"comment": "ok"},
            headers=studio.headers,
        )
        for execution_id in asked
    ]
    finished = [_status(studio, execution_id, {"succeeded", "failed"}) for execution_id in asked]
    listing = _on_a_new_connection(
        "GET", f"{studio.url}/executions", params={"flow_id": "brief", "limit": 200}, headers=studio.headers
    )

    # Then every call was answered, the extra process did part of the work, and every execution ended right
    assert [answer.status_code for answer in briefs] == [202] * CALLS
    assert [answer.status_code for answer in asks] == [202] * ASKS
    assert _cpu_ticks(worker) > worker_ticks
    assert waiting == ["waiting"] * ASKS  # paused in the main process, which answers the approvals
    assert [answer.status_code for answer in approvals] == [200] * ASKS
    assert finished == ["succeeded"] * ASKS
    records = {record["execution_id"]: record for record in listing.json()["items"]}
    assert {answer.json()["execution_id"] for answer in briefs} == set(records)
    assert all(record["status"] == "succeeded" for record in records.values())
    assert sorted(record["output"]["double"]["doubled"] for record in records.values()) == [
        2 * n for n in range(CALLS)
    ]


def test_the_extra_process_ends_with_the_main_one(tmp_path: Path) -> None:
    # Given the studio in two processes
    studio = start_studio(tmp_path / "data", free_port(), workers=2)
    [worker] = _workers_of(studio)

    # When the main process is killed outright
    stop_studio(studio, signal.SIGKILL)

    # Then the extra process stops too (Linux tells it its parent died)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not _gone(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(worker)


def test_ctrl_c_stops_both_processes(tmp_path: Path) -> None:
    studio = start_studio(tmp_path / "data", free_port(), workers=2)
    [worker] = _workers_of(studio)

    stop_studio(studio)

    assert studio.process.returncode == 0
    assert _gone(worker)
