"""Fixtures of the human task tests: a service over a memory store, wired to an in-process ASL runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from deca.hitl import HumanTaskService, LinkSigner, RuntimeCallbacks, memory_human_tasks
from deca.local.node_tasks import node_task_registry
from deca.nodes.context import NodeContext
from deca.stores import memory_stores
from statemachines.compiler import compile_checked, validate_document
from statemachines.runtime import ExecutionResult, FakeClock, Runtime
from tests.fakes.clock import FakeClock as StoreClock

WS = "ws-hitl"
LINK_KEY = b"k" * 32


@dataclass
class Harness:
    """A runtime whose approval/form nodes open requests in `service`, which answers through the runtime."""

    runtime: Runtime
    service: HumanTaskService
    clock: StoreClock
    asl_clock: FakeClock

    def start(self, flow: dict[str, Any], data: Any = None, *, wait: bool = False) -> ExecutionResult:
        """Compile and start the flow; by default returns once it pauses."""
        asl = compile_checked(validate_document(flow))
        return self.runtime.start(asl, data or {}, state_machine_name=flow["id"], wait=wait)

    def pending(self) -> list[Any]:
        """The workspace's open requests, oldest first."""
        return list(reversed(self.service.store.list(WS, status="pending").items))


@pytest.fixture
def harness() -> Harness:
    """A fresh harness on a fake clock (the runtime's clock and the store's clock are separate)."""
    clock = StoreClock()
    ctx = NodeContext(workspace_id=WS, stores=memory_stores(), clock=clock)
    asl_clock = FakeClock()
    runtime = Runtime(tasks=node_task_registry(context=ctx), clock=asl_clock)
    service = HumanTaskService(
        memory_human_tasks(),
        RuntimeCallbacks(runtime),
        clock=clock,
        signer=LinkSigner(LINK_KEY, clock),
    )
    # RuntimeCallbacks does not wait: an answer runs the execution until it blocks (waiting would let
    # the fake clock jump to the next pending step's timeout).
    ctx.services["human_tasks"] = service
    return Harness(runtime=runtime, service=service, clock=clock, asl_clock=asl_clock)


def approval_flow(*, on_error: dict[str, Any] | None = None, **config: Any) -> dict[str, Any]:
    """approve → (approved) done | (else) declined, with the approval's config and on_error."""
    approve: dict[str, Any] = {
        "id": "approve",
        "type": "approval",
        "config": {"title": "Refund {{ input.amount }}", "approvers": ["ann@example.com"], **config},
    }
    if on_error is not None:
        approve["on_error"] = on_error
    return {
        "id": "refund",
        "name": "Refund",
        "version": 1,
        "nodes": [
            approve,
            {"id": "done", "type": "set", "config": {"values": {"paid": True}}},
            {"id": "declined", "type": "set", "config": {"values": {"paid": False}}},
        ],
        "connections": [
            {"from": "approve", "to": "done", "condition": "{{ approve.approved }}"},
            {"from": "approve", "to": "declined"},
        ],
        "settings": {"timeout": 86_400},
    }
