"""The service answers steps paused in the local execution engine (the API's path), with its checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deca.engines.local import LocalEngine
from deca.hitl import HumanTaskService, NotAssignee, memory_human_tasks, request_for_pending
from deca.stores import Stores, memory_stores
from deca.stores.models import FlowRecord, FlowVersion
from statemachines.runtime import FakeClock
from tests.fakes.clock import FakeClock as StoreClock

WS = "ws-engine"
TIMEOUT = 30.0
FLOW: dict[str, Any] = {
    "id": "refund",
    "name": "Refund",
    "version": 1,
    "nodes": [
        {"id": "ask", "type": "approval", "config": {"title": "Refund?", "approvers": ["role:finance"]}},
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
    "settings": {"timeout": 86_400},
}


@pytest.fixture
def stores() -> Stores:
    """Memory stores holding the refund flow."""
    built = memory_stores()
    built.flows.create(WS, FlowRecord(workspace_id=WS, flow_id="refund", name="Refund"))
    built.flows.add_version(WS, FlowVersion(workspace_id=WS, flow_id="refund", version=1, definition=FLOW))
    return built


@pytest.fixture
def engine(stores: Stores) -> Iterator[LocalEngine]:
    """A local engine on a fake clock whose long waits (the approval's timeout) park."""
    built = LocalEngine(stores, clock=FakeClock(), park_after_seconds=60, max_workers=2)
    yield built
    built.close()


def _paused(engine: LocalEngine, service: HumanTaskService) -> tuple[str, str]:
    execution_id = engine.start(WS, "refund", 1, {"amount": 300})
    engine.wait(WS, execution_id, TIMEOUT)
    [pending] = engine.pending_tasks(WS, execution_id)
    request = request_for_pending(
        service,
        WS,
        execution_id=pending.execution_id,
        node_id=pending.node_id,
        node_type=pending.node_type,
        task_token=pending.task_token,
        config=pending.config,
    )
    return execution_id, request.request_id


def test_approving_a_step_paused_in_the_engine_resumes_it_to_completion(engine: LocalEngine) -> None:
    service = HumanTaskService(memory_human_tasks(), engine, clock=StoreClock())
    execution_id, request_id = _paused(engine, service)

    service.approve(WS, request_id, "fin@example.com", roles=["finance"])

    record = engine.wait(WS, execution_id, TIMEOUT)
    assert record.status == "succeeded"
    assert record.output is not None and record.output["done"] == {"approved": True}  # type: ignore[index,call-overload]


def test_rejecting_a_step_paused_in_the_engine_continues_with_approved_false(engine: LocalEngine) -> None:
    service = HumanTaskService(memory_human_tasks(), engine, clock=StoreClock())
    execution_id, request_id = _paused(engine, service)

    service.reject(WS, request_id, "fin@example.com", "no", roles=["finance"])

    record = engine.wait(WS, execution_id, TIMEOUT)
    assert record.output is not None and record.output["done"] == {"approved": False}  # type: ignore[index,call-overload]


def test_the_engine_path_keeps_the_assignee_check(engine: LocalEngine) -> None:
    service = HumanTaskService(memory_human_tasks(), engine, clock=StoreClock())
    _, request_id = _paused(engine, service)

    with pytest.raises(NotAssignee):
        service.approve(WS, request_id, "eve@example.com")
