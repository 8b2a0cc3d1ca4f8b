"""Large node outputs go to the object store by reference and come back whole in the next node."""

from __future__ import annotations

import json
from typing import Any

import pytest

from deca.local.node_tasks import local_context, node_task_registry
from deca.nodes import handlers
from deca.nodes.payloads import PAYLOAD_STORE_SERVICE, offload_large_output, resolve_refs
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.tasks.object_store import MemoryObjectStore
from statemachines.compiler import compile_checked, validate_document
from statemachines.runtime import FakeClock, Runtime

BIG = "x" * 300_000  # over Step Functions' 256 KiB state limit


def _task(threshold: int = 1000, workspace: str = "ws-a", iteration: list[int] | None = None) -> NodeTask:
    return NodeTask(
        execution=ExecutionInfo(id="arn:exec:1"),
        workspace_id=workspace,
        flow_id="f",
        node_id="fetch",
        node_type="http_request",
        output_ref_threshold=threshold,
        iteration=iteration or [],
    )


def test_an_output_under_the_threshold_is_unchanged() -> None:
    output = {"status": 200, "body": "small"}
    assert offload_large_output(output, _task(), MemoryObjectStore()) == output


def test_the_largest_fields_go_by_reference_until_the_output_fits() -> None:
    store = MemoryObjectStore()
    output = {"status": 200, "body": "y" * 5000, "headers": {"a": "b"}}

    slim = offload_large_output(output, _task(threshold=1000), store)

    assert slim["status"] == 200 and slim["headers"] == {"a": "b"}
    assert set(slim["body"]) == {"$ref"} and slim["body"]["$ref"].startswith("payloads/ws-a/")
    assert len(json.dumps(slim)) <= 1000
    assert resolve_refs(slim, "ws-a", store) == output


def test_a_large_non_object_output_is_stored_whole() -> None:
    store = MemoryObjectStore()
    slim = offload_large_output(["z" * 3000], _task(threshold=100), store)
    assert resolve_refs(slim, "ws-a", store) == ["z" * 3000]


def test_loop_iterations_store_their_outputs_apart() -> None:
    store = MemoryObjectStore()
    first = offload_large_output("a" * 500, _task(threshold=10, iteration=[0]), store)
    second = offload_large_output("b" * 500, _task(threshold=10, iteration=[1]), store)
    assert first != second
    assert resolve_refs([first, second], "ws-a", store) == ["a" * 500, "b" * 500]


def test_a_reference_into_another_workspace_stays_a_literal() -> None:
    store = MemoryObjectStore()
    stolen = offload_large_output("secret" * 100, _task(threshold=10, workspace="ws-other"), store)
    # A `$ref` smuggled in trigger data of workspace ws-a does not read ws-other's object
    assert resolve_refs({"data": stolen}, "ws-a", store) == {"data": stolen}


FLOW: dict[str, Any] = {
    "id": "big",
    "name": "Big payload",
    "nodes": [
        {
            "id": "fetch",
            "type": "http_request",
            "config": {"method": "GET", "url": "https://api.example.com/export"},
        },
        {
            "id": "count",
            "type": "code",
            "config": {"language": "python", "source": "def main(x): ...", "input": "{{ fetch.body }}"},
        },
    ],
    "connections": [{"from": "fetch", "to": "count"}],
}


def test_a_large_output_crosses_the_state_limit_and_arrives_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given node logic where `fetch` returns 300 KB and `count` measures what it receives
    def logic(node_type: str) -> Any:
        if node_type == "http_request":
            return lambda config, task, ctx: {"status": 200, "headers": {}, "body": BIG}
        if node_type == "code":
            return lambda config, task, ctx: {"result": len(config.input)}
        return None

    monkeypatch.setattr(handlers, "node_logic", logic)
    ctx = local_context()
    asl = compile_checked(validate_document(FLOW))

    # When the compiled flow runs on the runtime (which enforces the 256 KiB state limit)
    result = Runtime(tasks=node_task_registry(context=ctx), clock=FakeClock()).start(asl, {})

    # Then it succeeds, the state carried a reference, and the next node got every byte
    assert result.status == "SUCCEEDED", result.to_dict()
    assert set(result.output["fetch"]["body"]) == {"$ref"}
    assert result.output["count"]["result"] == len(BIG)
    assert ctx.services[PAYLOAD_STORE_SERVICE].list("payloads/local/")


def test_without_a_payload_store_the_limit_is_a_named_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        handlers,
        "node_logic",
        lambda t: (lambda c, task, ctx: {"status": 200, "body": BIG}) if t == "http_request" else None,
    )
    ctx = local_context()
    del ctx.services[PAYLOAD_STORE_SERVICE]
    asl = compile_checked(validate_document(FLOW))

    result = Runtime(tasks=node_task_registry(context=ctx), clock=FakeClock()).start(asl, {})

    assert (result.status, result.error) == ("FAILED", "States.DataLimitExceeded")
