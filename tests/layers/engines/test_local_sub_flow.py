"""A `sub_flow` node runs another published flow of the workspace on the local engine and waits for it."""

from __future__ import annotations

from typing import Any

from deca.engines.local import LocalEngine
from deca.stores import Stores
from tests.layers.engines.conftest import WORKSPACE, store_flow

TIMEOUT = 20

CHILD: dict[str, Any] = {
    "id": "child",
    "name": "Child",
    "nodes": [{"id": "double", "type": "transform", "config": {"output": {"twice": "{{ input.n * 2 }}"}}}],
}

PARENT: dict[str, Any] = {
    "id": "parent",
    "name": "Parent",
    "nodes": [
        {
            "id": "run-child",
            "type": "sub_flow",
            "config": {"flow_id": "child", "input": {"n": "{{ input.n }}"}},
        },
        {
            "id": "report",
            "type": "transform",
            "config": {"output": {"result": "{{ run-child.output.double }}"}},
        },
    ],
    "connections": [{"from": "run-child", "to": "report"}],
}


def _publish(stores: Stores, document: dict[str, Any]) -> None:
    store_flow(stores, document)
    record = stores.flows.get(WORKSPACE, document["id"])
    stores.flows.update(WORKSPACE, record.model_copy(update={"published_version": 1}))


def test_sub_flow_runs_the_published_child_and_returns_its_output(
    engine: LocalEngine, stores: Stores
) -> None:
    # Given a published child flow and a parent that runs it as a sub-flow
    _publish(stores, CHILD)
    _publish(stores, PARENT)

    # When the parent runs
    record = engine.wait(WORKSPACE, engine.start(WORKSPACE, "parent", 1, {"n": 21}), TIMEOUT)

    # Then the child ran and its output came back to the parent
    assert record.status == "succeeded", record.error_details
    assert record.output["run-child"]["status"] == "SUCCEEDED"
    assert record.output["run-child"]["output"] == {"double": {"twice": 42}}
    assert record.output["report"] == {"result": {"twice": 42}}


def test_sub_flow_of_an_unpublished_flow_fails_the_parent(engine: LocalEngine, stores: Stores) -> None:
    store_flow(stores, CHILD)  # stored, never published
    _publish(stores, PARENT)

    record = engine.wait(WORKSPACE, engine.start(WORKSPACE, "parent", 1, {"n": 1}), TIMEOUT)

    assert record.status == "failed"
