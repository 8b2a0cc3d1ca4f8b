"""A `sub_flow` node runs another published flow of the workspace on the local engine and waits for it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from deca.engines.local import LocalEngine
from deca.errors import CompileErrors
from deca.stores import Stores
from deca.stores.models import FlowVersion
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


def test_sub_flow_of_an_unpublished_flow_is_a_compile_error_naming_the_node(
    engine: LocalEngine, stores: Stores
) -> None:
    store_flow(stores, CHILD)  # stored, never published
    _publish(stores, PARENT)

    with pytest.raises(CompileErrors) as raised:
        engine.start(WORKSPACE, "parent", 1, {"n": 1})

    (error,) = raised.value.errors
    assert error.node_id == "run-child"
    assert error.position == "nodes[0].config.flow_id"
    assert "not published" in error.message


def _add_version(stores: Stores, document: dict[str, Any], version: int) -> None:
    stores.flows.add_version(
        WORKSPACE,
        FlowVersion(
            workspace_id=WORKSPACE,
            flow_id=document["id"],
            version=version,
            definition={**document, "version": version},
        ),
    )


def test_a_pinned_version_runs_instead_of_the_published_one(engine: LocalEngine, stores: Stores) -> None:
    # Given a child whose version 1 doubles and whose published version 2 triples
    _publish(stores, CHILD)
    tripling = {
        **CHILD,
        "nodes": [
            {"id": "double", "type": "transform", "config": {"output": {"twice": "{{ input.n * 3 }}"}}}
        ],
    }
    _add_version(stores, tripling, 2)
    child = stores.flows.get(WORKSPACE, "child")
    stores.flows.update(WORKSPACE, child.model_copy(update={"published_version": 2}))
    # and a parent pinning version 1
    pinned = copy.deepcopy(PARENT)
    pinned["nodes"][0]["config"]["version"] = 1
    _publish(stores, pinned)

    record = engine.wait(WORKSPACE, engine.start(WORKSPACE, "parent", 1, {"n": 5}), TIMEOUT)

    # Then the pinned version 1 ran
    assert record.status == "succeeded", record.error_details
    assert record.output["run-child"]["output"] == {"double": {"twice": 10}}


def test_without_a_pin_the_published_version_runs(engine: LocalEngine, stores: Stores) -> None:
    _publish(stores, CHILD)
    tripling = {
        **CHILD,
        "nodes": [
            {"id": "double", "type": "transform", "config": {"output": {"twice": "{{ input.n * 3 }}"}}}
        ],
    }
    _add_version(stores, tripling, 2)
    child = stores.flows.get(WORKSPACE, "child")
    stores.flows.update(WORKSPACE, child.model_copy(update={"published_version": 2}))
    _publish(stores, PARENT)

    record = engine.wait(WORKSPACE, engine.start(WORKSPACE, "parent", 1, {"n": 5}), TIMEOUT)

    assert record.status == "succeeded", record.error_details
    assert record.output["run-child"]["output"] == {"double": {"twice": 15}}


def test_a_pinned_version_that_does_not_exist_is_a_compile_error(engine: LocalEngine, stores: Stores) -> None:
    _publish(stores, CHILD)
    pinned = copy.deepcopy(PARENT)
    pinned["nodes"][0]["config"]["version"] = 7
    _publish(stores, pinned)

    with pytest.raises(CompileErrors, match="version 7 of flow 'child'"):
        engine.start(WORKSPACE, "parent", 1, {"n": 1})
