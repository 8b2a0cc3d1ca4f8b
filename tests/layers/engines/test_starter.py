"""Trigger starts go through the engine: the published version runs, named starts are idempotent."""

from __future__ import annotations

import pytest

from deca.engines.local import LocalEngine
from deca.engines.starter import EngineFlowStarter
from deca.errors import ConflictError
from deca.stores import Stores
from deca.triggers.starter import StartRequest
from tests.layers.engines.conftest import WORKSPACE


def _publish(stores: Stores, flow_id: str) -> None:
    record = stores.flows.get(WORKSPACE, flow_id)
    stores.flows.update(WORKSPACE, record.model_copy(update={"published_version": 1}))


def _request(flow_id: str, *, wait: int = 0, name: str = "run-1") -> StartRequest:
    return StartRequest(
        workspace_id=WORKSPACE,
        flow_id=flow_id,
        name=name,
        input={"name": "Ada"},
        trigger="webhook",
        wait_seconds=wait,
    )


def test_sync_start_returns_the_output(engine: LocalEngine, stores: Stores) -> None:
    _publish(stores, "greeting")

    started = EngineFlowStarter(engine, stores.flows).start(_request("greeting", wait=10))

    assert started.status == "succeeded"
    assert started.output == {
        "greet": {"greeting": "hello"},
        "pause": {"waited_seconds": 5},
        "say": {"msg": "hello Ada"},
    }
    assert engine.describe(WORKSPACE, started.execution_id).trigger.type == "webhook"


def test_a_repeated_delivery_is_the_same_execution(engine: LocalEngine, stores: Stores) -> None:
    _publish(stores, "greeting")
    starter = EngineFlowStarter(engine, stores.flows)

    first = starter.start(_request("greeting"))
    second = starter.start(_request("greeting"))

    assert first.execution_id == second.execution_id


def test_an_unpublished_flow_is_not_started(engine: LocalEngine, stores: Stores) -> None:
    with pytest.raises(ConflictError):
        EngineFlowStarter(engine, stores.flows).start(_request("greeting"))
