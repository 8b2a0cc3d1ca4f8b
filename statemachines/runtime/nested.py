"""Nested executions: the `arn:aws:states:::states:startExecution` integration (`.sync`, `.sync:2`).

The child state machine is looked up among the definitions registered on the task registry
(`TaskRegistry.register_state_machine`) and runs in-process, to its end, in its own runtime that
shares the parent's task registry and clock. The output has the shape AWS returns.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import StatesError

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter

__all__ = ["START_EXECUTION", "start_execution"]

START_EXECUTION = "arn:aws:states:::states:startExecution"


def _millis(seconds: float | None) -> int | None:
    return int(seconds * 1000) if seconds is not None else None


def start_execution(ex: Interpreter, parameters: Any, pattern: str, sync_v2: bool) -> Any:
    """Start the child execution described by `parameters` (StateMachineArn, Input, Name).

    Without `.sync` it returns `{ExecutionArn, StartDate}` once the child has run until it ends or
    blocks; with `.sync` it returns the child's description and fails when the child does not succeed.
    """
    from statemachines.runtime.engine import Runtime

    if not isinstance(parameters, dict) or not isinstance(parameters.get("StateMachineArn"), str):
        raise StatesError(
            "States.Runtime", "states:startExecution needs a 'StateMachineArn' string parameter"
        )
    arn: str = parameters["StateMachineArn"]
    definition = ex.tasks.state_machine(arn)
    if definition is None:
        raise StatesError(
            "StepFunctions.StateMachineDoesNotExistException", f"State Machine Does Not Exist: '{arn}'"
        )
    child_input = parameters.get("Input", {})
    if isinstance(child_input, str):
        try:
            child_input = json.loads(child_input)
        except ValueError:
            raise StatesError(
                "StepFunctions.InvalidExecutionInputException", "Invalid execution input"
            ) from None
    name = parameters.get("Name") or ex.ids()
    machine_name = arn.split(":stateMachine:")[-1].split(":")[0]
    runtime = Runtime(
        tasks=ex.tasks,
        clock=ex.clock,
        ids=ex.ids,
        rng=ex.rng,
        account=ex.tasks.account,
        region=ex.tasks.region,
    )
    result = runtime.start(definition, child_input, name=name, state_machine_name=machine_name)
    if pattern != "sync":
        return {"ExecutionArn": result.execution_arn, "StartDate": _millis(result.start_time)}
    description: dict[str, Any] = {
        "ExecutionArn": result.execution_arn,
        "Input": child_input if sync_v2 else json.dumps(child_input),
        "InputDetails": {"Included": True},
        "Name": name,
        "StartDate": _millis(result.start_time),
        "StateMachineArn": arn,
        "Status": result.status,
        "StopDate": _millis(result.stop_time),
    }
    if result.status == "SUCCEEDED":
        description["Output"] = result.output if sync_v2 else json.dumps(result.output)
        description["OutputDetails"] = {"Included": True}
        return description
    if result.error is not None:
        description["Error"] = result.error
    if result.cause is not None:
        description["Cause"] = result.cause
    raise StatesError("States.TaskFailed", json.dumps(description, separators=(",", ":")))
