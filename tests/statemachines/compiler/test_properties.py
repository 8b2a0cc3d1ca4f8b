"""Property tests: random valid flows always compile (deterministically, to ASL moto and the runtime accept);
random broken flows always raise CompileErrors, never another exception."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from deca.errors import CompileErrors
from deca.nodes.registry import NODE_TYPES
from statemachines.compiler import compile_checked, dumps_asl, validate_document
from tests.statemachines.compiler._generate import (
    JSON_VALUES,
    MUTATIONS,
    json_paths,
    mutate,
    random_dags,
    replaced,
    valid_flows,
)
from tests.statemachines.compiler._semantics import nodes_that_run

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _runtime_validator() -> Any:
    try:
        from statemachines.runtime import validate_definition
    except ImportError:
        return None
    return validate_definition


@_SETTINGS
@given(valid_flows())
def test_valid_flows_compile_deterministically(document: dict[str, Any]) -> None:
    first = dumps_asl(compile_checked(validate_document(document)))
    second = dumps_asl(compile_checked(validate_document(json.loads(json.dumps(document)))))
    assert first == second
    asl = json.loads(first)
    assert asl["QueryLanguage"] == "JSONata"
    assert {n["id"] for n in document["nodes"]} <= _state_names(asl["States"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_flows())
def test_valid_flows_compile_to_asl_moto_and_the_runtime_accept(document: dict[str, Any]) -> None:
    asl = compile_checked(validate_document(document))
    validator = _runtime_validator()
    if validator is not None:
        validator(asl)
    with mock_aws():
        client = boto3.client("stepfunctions", region_name="us-east-1")
        client.create_state_machine(
            name="generated", definition=dumps_asl(asl), roleArn="arn:aws:iam::123456789012:role/x"
        )


@_SETTINGS
@given(valid_flows(max_depth=2), st.sampled_from(MUTATIONS), st.integers(0, 50))
def test_broken_flows_raise_compile_errors_only(document: dict[str, Any], mutation: str, index: int) -> None:
    broken = mutate(document, mutation, index)
    with pytest.raises(CompileErrors) as caught:
        compile_checked(validate_document(broken))
    assert caught.value.errors
    assert all(e.render() for e in caught.value.errors)


def _state_names(states: dict[str, Any]) -> set[str]:
    names = set(states)
    for state in states.values():
        for branch in state.get("Branches", []):
            names |= _state_names(branch["States"])
        if "ItemProcessor" in state:
            names |= _state_names(state["ItemProcessor"]["States"])
    return names


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_flows())
def test_valid_flows_run_on_the_runtime_without_evaluation_errors(document: dict[str, Any]) -> None:
    runtime = pytest.importorskip("statemachines.runtime")
    if not hasattr(runtime, "run_definition"):
        pytest.skip("statemachines.runtime.run_definition is not available")
    tasks = runtime.TaskRegistry()
    for node_type in NODE_TYPES:
        tasks.register_lambda(f"deca-node-{node_type}", lambda event: {"ok": True})
    sub_flow = {
        "ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:x:1",
        "Status": "SUCCEEDED",
        "Output": {},
    }
    for resource in (
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::states:startExecution",
    ):
        tasks.register_service(resource, lambda parameters: sub_flow)
    asl = compile_checked(validate_document(document))
    result = runtime.run_definition(
        asl, {"value": 5, "items": [1, 2]}, tasks=tasks, clock=runtime.FakeClock()
    )
    # callbacks (approval, form) wait for a person: the flow may time out on the fake clock, nothing else
    assert result.status in ("SUCCEEDED", "TIMED_OUT"), (result.error, result.cause)


@_SETTINGS
@given(valid_flows(max_depth=2), st.data())
def test_any_value_replaced_anywhere_gives_compile_errors_or_asl(
    document: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(json_paths(document)))
    broken = replaced(document, path, data.draw(JSON_VALUES))
    try:
        asl = compile_checked(validate_document(broken))
    except CompileErrors as errors:
        assert errors.errors
    else:
        assert asl["QueryLanguage"] == "JSONata"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_dags(), st.integers(0, 9), st.integers(0, 9))
def test_arbitrary_dags_compile_to_asl_that_runs_the_nodes_the_semantics_say(
    document: dict[str, Any], x: int, y: int
) -> None:
    runtime = pytest.importorskip("statemachines.runtime")
    try:
        asl = compile_checked(validate_document(document))
    except CompileErrors as errors:
        assert errors.errors
        return
    runtime.validate_definition(asl)
    tasks = runtime.TaskRegistry()
    tasks.register_lambda(
        "deca-node-function", lambda event: {"success": True, "result": event["config"].get("input")}
    )
    result = runtime.run_definition(asl, {"x": x, "y": y}, tasks=tasks, clock=runtime.FakeClock())
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    # the compiled state machine runs exactly the nodes the flow semantics say
    assert sorted(result.output, key=lambda n: int(n[1:])) == nodes_that_run(document, {"x": x, "y": y})
