"""Fixtures of the engine tests: memory stores holding a few flows, and a local engine on a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deca.engines.local import LocalEngine
from deca.stores import Stores, memory_stores
from deca.stores.models import FlowRecord, FlowVersion
from statemachines.runtime import FakeClock

WORKSPACE = "ws-1"

GREETING_FLOW: dict[str, Any] = {
    "id": "greeting",
    "name": "Greeting",
    "nodes": [
        {"id": "greet", "type": "set", "config": {"values": {"greeting": "hello"}}},
        {"id": "pause", "type": "wait", "config": {"seconds": 5}},
        {
            "id": "say",
            "type": "transform",
            "config": {"output": {"msg": "{{ greet.greeting }} {{ input.name }}"}},
        },
    ],
    "connections": [{"from": "greet", "to": "pause"}, {"from": "pause", "to": "say"}],
}

APPROVAL_FLOW: dict[str, Any] = {
    "id": "approval",
    "name": "Approval",
    "nodes": [
        {"id": "ask", "type": "approval", "config": {"title": "Refund?", "approvers": ["role:finance"]}},
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
}

FAILING_FLOW: dict[str, Any] = {
    "id": "failing",
    "name": "Failing",
    "nodes": [
        {"id": "first", "type": "set", "config": {"values": {"step": 1}}},
        {"id": "boom", "type": "stop_and_error", "config": {"error": "Boom", "message": "it broke"}},
    ],
    "connections": [{"from": "first", "to": "boom"}],
}


def store_flow(stores: Stores, document: dict[str, Any], workspace_id: str = WORKSPACE) -> None:
    """Store `document` as version 1 of its flow."""
    stores.flows.create(
        workspace_id,
        FlowRecord(workspace_id=workspace_id, flow_id=document["id"], name=document["name"]),
    )
    stores.flows.add_version(
        workspace_id,
        FlowVersion(
            workspace_id=workspace_id,
            flow_id=document["id"],
            version=1,
            definition={**document, "version": 1},
        ),
    )


@pytest.fixture
def stores() -> Stores:
    """Memory stores holding the greeting, approval and failing flows."""
    built = memory_stores()
    for document in (GREETING_FLOW, APPROVAL_FLOW, FAILING_FLOW):
        store_flow(built, document)
    return built


@pytest.fixture
def engine(stores: Stores) -> Iterator[LocalEngine]:
    """A local engine on a fake clock (waits are instant), never parking."""
    built = LocalEngine(stores, clock=FakeClock(), park_after_seconds=None, max_workers=2)
    yield built
    built.close()


@pytest.fixture
def parking_engine(stores: Stores) -> Iterator[LocalEngine]:
    """A local engine on a fake clock whose waits over a minute (e.g. an approval's timeout) park."""
    built = LocalEngine(stores, clock=FakeClock(), park_after_seconds=60, max_workers=2)
    yield built
    built.close()
