"""Execution status changes become flow.state / flow.complete; flow.execute starts an execution."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from deca.bus import (
    Delivery,
    ExecutionContext,
    ExecutionStatusChange,
    FlowComplete,
    FlowExecute,
    FlowState,
    InMemoryBus,
    PoisonMessage,
    flow_execute_handler,
    from_stepfunctions_event,
    status_messages,
)
from deca.bus.status_bridge import flow_of_state_machine
from deca.errors import InputError, NotFoundError
from tests.fakes.clock import FakeClock


def _sfn_event(status: str, **detail: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "315c1398-40ff-a850-213b-158f73e60175",
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": "123456789012",
        "time": "2024-02-26T19:42:21Z",
        "region": "us-east-1",
        "resources": ["arn:aws:states:us-east-1:123456789012:execution:ws-1--onboarding--v3:exec-9"],
        "detail": {
            "executionArn": "arn:aws:states:us-east-1:123456789012:execution:ws-1--onboarding--v3:exec-9",
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:ws-1--onboarding--v3",
            "name": "exec-9",
            "status": status,
            "startDate": 1708976541000,
            "stopDate": 1708976543500 if status != "RUNNING" else None,
            "input": "{}",
            "output": None,
            **detail,
        },
    }


def test_succeeded_event_becomes_state_and_complete() -> None:
    change = from_stepfunctions_event(_sfn_event("SUCCEEDED", output=json.dumps({"welcome": True})))
    state, complete = status_messages(change)
    assert isinstance(state, FlowState) and isinstance(complete, FlowComplete)
    assert (state.workspace_id, state.flow_id, state.execution_id, state.status) == (
        "ws-1",
        "onboarding",
        "exec-9",
        "succeeded",
    )
    assert (complete.output, complete.duration_ms) == ({"welcome": True}, 2500)


def test_running_event_is_state_only() -> None:
    assert [m.type for m in status_messages(from_stepfunctions_event(_sfn_event("RUNNING")))] == [
        "flow.state"
    ]


@pytest.mark.parametrize(
    ("aws", "status"), [("FAILED", "failed"), ("TIMED_OUT", "timed_out"), ("ABORTED", "cancelled")]
)
def test_failed_statuses_carry_the_error(aws: str, status: str) -> None:
    change = from_stepfunctions_event(_sfn_event(aws, error="States.TaskFailed", cause="boom"))
    assert (change.status, change.error) == (status, {"error": "States.TaskFailed", "cause": "boom"})


def test_state_machine_not_named_for_a_flow_is_input_error() -> None:
    with pytest.raises(InputError):
        flow_of_state_machine("arn:aws:states:us-east-1:1:stateMachine:SomethingElse")


def test_local_engine_change_publishes_once_per_status() -> None:
    bus = InMemoryBus(FakeClock())
    change = ExecutionStatusChange(workspace_id="w", flow_id="f", execution_id="e", status="failed")

    async def scenario() -> list[bool]:
        return [(await bus.publish(m)).duplicate for _ in range(2) for m in status_messages(change)]

    assert asyncio.run(scenario()) == [False, False, True, True]


EXECUTE = FlowExecute(flow_id="f", execution_id="e", context=ExecutionContext(workspace_id="w"))
DELIVERY = Delivery("deca.flow.execute", "flow.execute:e", 1, 1)


def test_flow_execute_starts_the_execution() -> None:
    started: list[FlowExecute] = []
    asyncio.run(flow_execute_handler(started.append)(EXECUTE, DELIVERY))
    assert started == [EXECUTE]


def test_flow_execute_of_missing_flow_is_poison() -> None:
    def missing(message: FlowExecute) -> None:
        raise NotFoundError("no flow", resource="flow", resource_id=message.flow_id)

    with pytest.raises(PoisonMessage):
        asyncio.run(flow_execute_handler(missing)(EXECUTE, DELIVERY))
