"""The sweep escalates and expires requests when their time comes (fake clock); the loop runs it with the app."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from deca.hitl import HumanTaskService, memory_human_tasks
from deca.hitl.setup import attach_human_tasks, human_task_service
from deca.hitl.sweeper import SweepLoop, attach_sweep_loop, sweep
from deca.settings import Settings
from tests.fakes.clock import FakeClock
from tests.layers.hitl.conftest import Harness, approval_flow

ESCALATION = {"after_seconds": 600, "to": ["boss@example.com"]}


def test_one_pass_escalates_then_expires_as_time_passes(harness: Harness) -> None:
    # Given a request that escalates after 10 minutes and expires after an hour
    harness.start(approval_flow(escalation=ESCALATION, timeout_seconds=3600), {"amount": 300})
    [request] = harness.pending()

    # Then nothing happens before its escalation time
    assert sweep(harness.service).model_dump() == {"escalated": [], "expired": []}

    # When its escalation time comes, it escalates once
    harness.clock.advance(600)
    assert sweep(harness.service).escalated == [request.request_id]
    assert sweep(harness.service).escalated == []

    # and when its expiry comes, it is closed as expired
    harness.clock.advance(3000)
    assert sweep(harness.service).expired == [request.request_id]
    assert harness.service.store.get(request.workspace_id, request.request_id).status == "expired"


def _service() -> HumanTaskService:
    return HumanTaskService(memory_human_tasks(), None, clock=FakeClock())


def test_the_loop_runs_a_pass_at_once_and_stops_when_asked() -> None:
    passes = threading.Event()
    loop = SweepLoop(passes.set, interval_seconds=3600)

    loop.start()
    ran = passes.wait(10)
    loop.stop()

    assert ran
    assert not loop.running


def test_a_failing_pass_does_not_end_the_loop() -> None:
    calls: list[int] = []
    second = threading.Event()

    def run() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("store unavailable")
        second.set()

    loop = SweepLoop(run, interval_seconds=0)
    loop.start()
    ran_again = second.wait(10)
    loop.stop()

    assert ran_again


def test_the_app_lifespan_starts_and_stops_the_loop() -> None:
    app = FastAPI()
    loop = attach_sweep_loop(app, _service(), interval_seconds=3600)

    with TestClient(app):
        running = loop.running

    assert running
    assert not loop.running


def test_the_studio_service_is_on_the_app_for_the_routes(tmp_path: Path) -> None:
    app = FastAPI()
    service = human_task_service(Settings(data_dir=tmp_path))

    attach_human_tasks(app, service)

    assert app.state.human_tasks is service
    assert service.signer is not None
    assert (tmp_path / "keys" / "hitl-links.key").exists()
