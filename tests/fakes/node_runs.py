"""Run node logic in-process for tests: a context on memory stores (DECA data too) and task builders."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from deca.deca_data.stores import DecaDataStores, memory_deca_data
from deca.nodes.context import NodeContext
from deca.nodes.handlers import run_node
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.stores import memory_stores
from tests.fakes.clock import FakeClock

__all__ = ["data_context", "data_lambda_wiring", "make_task", "run", "run_flow"]


def data_context(workspace_id: str = "ws-1", *, clock: FakeClock | None = None) -> NodeContext:
    """A context with memory stores, memory DECA data stores (ids `<prefix>_0001`, ...) and a fake clock."""
    current = clock or FakeClock()
    numbers = itertools.count(1)
    data: DecaDataStores = memory_deca_data(
        clock=current, new_id=lambda prefix: f"{prefix}_{next(numbers):04d}"
    )
    return NodeContext(
        workspace_id=workspace_id,
        stores=memory_stores(clock=current),
        clock=current,
        services={"deca_data": data},
    )


def make_task(
    node_type: str,
    config: dict[str, Any],
    *,
    execution: str = "exec-1",
    node_id: str = "n1",
    workspace_id: str = "ws-1",
    input: Any = None,
) -> NodeTask:
    """The event of one node run."""
    return NodeTask(
        execution=ExecutionInfo(id=execution, name=execution),
        workspace_id=workspace_id,
        flow_id="flow-1",
        node_id=node_id,
        node_type=node_type,
        config=config,
        input=input,
    )


def run_flow(
    document: dict[str, Any], ctx: NodeContext, flow_input: Any, mocks: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Compile a flow document and run it on the local runtime with node logic in-process; the result dict."""
    from deca.local.node_tasks import node_task_registry
    from statemachines.compiler import compile_checked, validate_document
    from statemachines.runtime import FakeClock as RuntimeClock
    from statemachines.runtime import Runtime

    asl = compile_checked(validate_document(document))
    runtime = Runtime(tasks=node_task_registry(mocks, context=ctx), clock=RuntimeClock())
    result: dict[str, Any] = runtime.start(asl, flow_input, name="run-1").to_dict()
    return result


def run(ctx: NodeContext, node_type: str, config: dict[str, Any], **task: Any) -> Any:
    """`run_node` on a fresh task: the node's JSON output (errors propagate)."""
    return run_node(make_task(node_type, config, **task), ctx)


@contextmanager
def data_lambda_wiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local Lambda wiring (SQLite in `tmp_path`) with the DECA data, embedder and runner factories reset."""
    from deca import wiring
    from tests.layers.integrations.lambda_env import lambda_wiring

    monkeypatch.delenv("DECA_CODE_RUNNER_FUNCTION", raising=False)
    monkeypatch.delenv("DECA_EMBEDDING_MODEL", raising=False)
    factories = (wiring.deca_data, wiring.embedder, wiring.code_runner)
    for factory in factories:
        factory.cache_clear()
    try:
        with lambda_wiring(tmp_path, monkeypatch):
            yield
    finally:
        if wiring.deca_data.cache_info().currsize:
            wiring.deca_data().close()
        for factory in factories:
            factory.cache_clear()
