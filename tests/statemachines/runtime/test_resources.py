"""Task resources: Lambda naming, payload and response shapes, errors as AWS reports them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from statemachines.runtime import FakeClock, StatesError, TaskRegistry, run_definition
from statemachines.runtime.resources import LAMBDA_ARN, LAMBDA_INVOKE, SERVICE, classify_resource


@pytest.mark.parametrize(
    "reference",
    [
        "deca-node-http_request",
        "function:deca-node-http_request",
        "111111111111:function:deca-node-http_request",
        "arn:aws:lambda:us-east-1:111111111111:function:deca-node-http_request",
        "arn:aws:lambda:us-east-1:111111111111:function:deca-node-http_request:$LATEST",
    ],
)
def test_function_references_resolve_to_the_same_handler(reference: str) -> None:
    tasks = TaskRegistry()
    tasks.register_lambda("deca-node-http_request", lambda event: {"got": event})
    assert tasks.invoke_lambda(reference, {"x": 1}, "req") == {"got": {"x": 1}}


def test_handlers_may_take_a_lambda_context() -> None:
    tasks = TaskRegistry()
    tasks.register_lambda("f", lambda event, context: context.aws_request_id)
    assert tasks.invoke_lambda("f", {}, "req-1") == "req-1"


def test_handler_exception_becomes_the_lambda_error() -> None:
    class PaymentDeclined(Exception):
        pass

    def handler(event: Any) -> Any:
        raise PaymentDeclined("card expired")

    tasks = TaskRegistry()
    tasks.register_lambda("pay", handler)
    with pytest.raises(StatesError) as caught:
        tasks.invoke_lambda("pay", {}, "req-2")
    assert caught.value.error == "PaymentDeclined"
    cause = json.loads(caught.value.cause or "")
    assert cause["errorMessage"] == "card expired"
    assert cause["errorType"] == "PaymentDeclined"
    assert cause["requestId"] == "req-2"
    assert isinstance(cause["stackTrace"], list)


def test_unknown_function_is_resource_not_found() -> None:
    with pytest.raises(StatesError) as caught:
        TaskRegistry().invoke_lambda("ghost", {}, "req-3")
    assert caught.value.error == "Lambda.ResourceNotFoundException"
    assert "function:ghost:$LATEST" in (caught.value.cause or "")


def test_lambda_invoke_output_has_the_invoke_response_shape() -> None:
    tasks = TaskRegistry()
    tasks.register_lambda("echo", lambda event: event)
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "echo", "Payload": {"a": 1}},
                "End": True,
            }
        },
    }
    output = run_definition(definition, {}, tasks=tasks, clock=FakeClock()).output
    assert set(output) == {
        "ExecutedVersion",
        "Payload",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
        "StatusCode",
    }
    assert output["Payload"] == {"a": 1}
    assert output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == str(len(json.dumps({"a": 1})))


def test_registered_service_integration_is_called_with_its_parameters() -> None:
    tasks = TaskRegistry()
    tasks.register_service(
        "arn:aws:states:::sqs:sendMessage", lambda params: {"MessageId": params["QueueUrl"]}
    )
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": "q"},
                "End": True,
            }
        },
    }
    result = run_definition(definition, {}, tasks=tasks, clock=FakeClock())
    assert result.output == {"MessageId": "q"}
    assert "TaskScheduled" in result.history_types()


@pytest.mark.parametrize(
    ("resource", "kind", "pattern"),
    [
        ("arn:aws:lambda:us-east-1:1:function:f", LAMBDA_ARN, ""),
        ("arn:aws:states:::lambda:invoke", LAMBDA_INVOKE, ""),
        ("arn:aws:states:::lambda:invoke.waitForTaskToken", LAMBDA_INVOKE, "waitForTaskToken"),
        ("arn:aws:states:::sqs:sendMessage", SERVICE, ""),
    ],
)
def test_resources_are_classified(resource: str, kind: str, pattern: str) -> None:
    classified = classify_resource(resource)
    assert (classified.kind, classified.pattern) == (kind, pattern)


def test_unknown_resource_type_is_rejected_clearly() -> None:
    with pytest.raises(ValueError, match="unsupported Task resource"):
        classify_resource("arn:aws:states:us-east-1:1:activity:act")


CHILD = {
    "StartAt": "Double",
    "States": {"Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.v, $.v)"}, "End": True}},
}


def _parent(resource: str) -> dict[str, Any]:
    return {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": resource,
                "Parameters": {
                    "StateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:child",
                    "Input.$": "$",
                },
                "End": True,
            }
        },
    }


def test_nested_execution_sync2_returns_the_child_output_as_json() -> None:
    tasks = TaskRegistry()
    tasks.register_state_machine("child", CHILD)
    result = run_definition(
        _parent("arn:aws:states:::states:startExecution.sync:2"), {"v": 21}, tasks=tasks, clock=FakeClock()
    )
    assert result.status == "SUCCEEDED"
    assert (result.output["Status"], result.output["Output"]) == ("SUCCEEDED", {"v": 42})


def test_nested_execution_sync_returns_json_text() -> None:
    tasks = TaskRegistry()
    tasks.register_state_machine("arn:aws:states:us-east-1:111111111111:stateMachine:child", CHILD)
    result = run_definition(
        _parent("arn:aws:states:::states:startExecution.sync"), {"v": 1}, tasks=tasks, clock=FakeClock()
    )
    assert json.loads(result.output["Output"]) == {"v": 2}


def test_failed_child_fails_the_task() -> None:
    tasks = TaskRegistry()
    tasks.register_state_machine(
        "child", {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope"}}}
    )
    result = run_definition(
        _parent("arn:aws:states:::states:startExecution.sync:2"), {}, tasks=tasks, clock=FakeClock()
    )
    assert result.error == "States.TaskFailed"
    assert json.loads(result.cause or "{}")["Error"] == "Nope"


def test_unknown_child_state_machine_does_not_exist() -> None:
    result = run_definition(_parent("arn:aws:states:::states:startExecution"), {}, clock=FakeClock())
    assert result.error == "StepFunctions.StateMachineDoesNotExistException"
