"""Node tasks inside loops carry their iteration, so concurrent Map iterations are distinct side effects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deca.nodes.context import NodeContext
from deca.nodes.task import NodeTask
from statemachines.compiler import compile_checked, validate_document
from statemachines.runtime import FakeClock, TaskRegistry, run_definition

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _loop_flow(nested: bool) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = [
        {"id": "rows", "type": "loop", "config": {"items": "{{ input.rows }}"}},
        {
            "id": "call",
            "type": "http_request",
            "config": {"method": "POST", "url": "https://api.example.com/x"},
        },
    ]
    connections = [
        {"from": "rows", "to": "call", "label": "body"},
        {"from": "call", "to": "rows"},
    ]
    if nested:
        nodes.insert(1, {"id": "cells", "type": "loop", "config": {"items": "{{ item }}"}})
        connections = [
            {"from": "rows", "to": "cells", "label": "body"},
            {"from": "cells", "to": "call", "label": "body"},
            {"from": "call", "to": "cells"},
            {"from": "cells", "to": "rows", "label": "done"},
        ]
    return {"id": "loops", "name": "Loops", "nodes": nodes, "connections": connections}


def _run(flow: dict[str, Any], flow_input: Any) -> list[NodeTask]:
    seen: list[NodeTask] = []

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        task = NodeTask.model_validate(event)
        seen.append(task)
        return {"status": 200, "body": task.iteration}

    tasks = TaskRegistry()
    tasks.register_lambda("deca-node-http_request", handler)
    asl = compile_checked(validate_document(flow))
    result = run_definition(asl, flow_input, tasks=tasks, clock=FakeClock())
    assert result.status == "SUCCEEDED", result.to_dict()
    return seen


def test_each_iteration_of_a_loop_is_a_distinct_task() -> None:
    # Given a loop over three rows with a task in its body
    seen = _run(_loop_flow(nested=False), {"rows": ["a", "b", "c"]})
    # Then each task event names its own iteration
    assert sorted(t.iteration for t in seen) == [[0], [1], [2]]


def test_nested_loops_give_outermost_first_indices() -> None:
    seen = _run(_loop_flow(nested=True), {"rows": [[1, 2], [3]]})
    assert sorted(t.iteration for t in seen) == [[0, 0], [0, 1], [1, 0]]


def test_tasks_outside_loops_have_no_iteration() -> None:
    flow = json.loads((EXAMPLES / "customer-onboarding.json").read_text())
    asl = compile_checked(validate_document(flow))
    payload = asl["States"]["validate-input"]["Arguments"]["Payload"]
    assert "iteration" not in payload


def test_idempotency_keys_differ_per_iteration_only() -> None:
    ctx = NodeContext.__new__(NodeContext)  # the key needs no dependencies
    assert ctx.idempotency_key("ex", "call") == "ex:call"
    assert ctx.idempotency_key("ex", "call", [0, 2]) == "ex:call:0.2"
    assert ctx.idempotency_key("ex", "call", [1]) != ctx.idempotency_key("ex", "call", [2])


def test_indices_reach_tasks_through_distributed_maps() -> None:
    # Given nested loops whose inner one runs as a DISTRIBUTED Map (outer variables are not visible there)
    flow = _loop_flow(nested=True)
    flow["nodes"][1]["config"]["max_concurrency"] = 50
    asl = compile_checked(validate_document(flow))
    assert "DISTRIBUTED" in json.dumps(asl)
    # Then the outer loop's index is imported and every task still knows its iteration
    seen = _run(flow, {"rows": [[1, 2], [3]]})
    assert sorted(t.iteration for t in seen) == [[0, 0], [0, 1], [1, 0]]
