"""The execution engine port: deploy a compiled flow version, start, describe, stop, redrive, callbacks.

Two adapters implement it: `LocalEngine` (the in-process runtime, checkpointed) and
`StepFunctionsEngine` (boto3). Both keep the `ExecutionRecord` of each execution in the stores, so the
API lists executions the same way whichever engine ran them.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field, JsonValue

from deca.engines.naming import state_machine_name
from deca.errors import ConflictError, DecaError, NotFoundError
from deca.stores.models import (
    ExecutionRecord,
    ExecutionStatus,
    FlowRecord,
    FlowVersion,
    HistoryEvent,
    Trigger,
)
from statemachines.compiler import CompileOptions

__all__ = [
    "TERMINAL_STATUSES",
    "EngineError",
    "ExecutionEngine",
    "ExecutionNotRedrivable",
    "NotRunHere",
    "PendingTask",
    "TaskNotFound",
    "state_machine_name",
]

TERMINAL_STATUSES: frozenset[ExecutionStatus] = frozenset({"succeeded", "failed", "cancelled", "timed_out"})
"""Statuses an execution never leaves (except through a redrive of a failed, timed-out or cancelled one)."""


class EngineError(DecaError):
    """The engine refused or failed an operation."""

    code = "engine_error"


class ExecutionNotRedrivable(ConflictError):
    """Only a failed, timed-out or cancelled execution can be redriven."""

    def __init__(self, execution_id: str, status: str) -> None:
        super().__init__(
            f"execution {execution_id!r} is {status}: only failed, timed-out or cancelled ones can be redriven",
            resource="execution",
            resource_id=execution_id,
        )


class TaskNotFound(NotFoundError):
    """No paused step waits on this task token (it was answered already, or never existed)."""

    def __init__(self, task_token: str) -> None:
        super().__init__(
            "no paused step waits on this task token (answered already, or unknown)",
            resource="task",
            resource_id=task_token[:16],
        )


class NotRunHere(Exception):
    """This engine does not run the flow version asked for (an extra process of `deca dev --workers` runs
    brief flows only); nothing was recorded, so the caller hands the start to the main process."""


class PendingTask(BaseModel):
    """A paused step (approval, form, any callback task) waiting to be answered with its token."""

    execution_id: str
    node_id: str
    node_type: str
    task_token: str
    config: dict[str, JsonValue] = Field(default_factory=dict, description="The node's resolved config")


class ExecutionEngine(Protocol):
    """Runs published flow versions; every method is scoped to the caller's workspace."""

    name: str

    def compile_options(self, workspace_id: str) -> CompileOptions:
        """How flows of the workspace are compiled for this engine (function names, workspace id)."""
        ...

    def deploy(self, record: FlowRecord, version: FlowVersion, asl: dict[str, Any]) -> str:
        """Make `asl` (the compiled `version`) startable; returns the engine's reference to it."""
        ...

    def undeploy(self, workspace_id: str, flow_id: str, version: int) -> None:
        """Forget a deployed version (running executions finish)."""
        ...

    def start(
        self,
        workspace_id: str,
        flow_id: str,
        version: int,
        input: JsonValue,
        *,
        name: str | None = None,
        trigger: Trigger | None = None,
    ) -> str:
        """Start an execution of a deployed version; the same `name` gives the same execution id."""
        ...

    def wait(self, workspace_id: str, execution_id: str, timeout_seconds: float) -> ExecutionRecord:
        """The execution once it ended or paused, or as it is after `timeout_seconds`."""
        ...

    def describe(self, workspace_id: str, execution_id: str) -> ExecutionRecord:
        """The execution's current record."""
        ...

    def history(self, workspace_id: str, execution_id: str) -> list[HistoryEvent]:
        """Every history event of the execution, oldest first."""
        ...

    def stop(
        self, workspace_id: str, execution_id: str, *, error: str | None = None, cause: str | None = None
    ) -> ExecutionRecord:
        """Cancel a running execution (a finished one is returned unchanged)."""
        ...

    def redrive(self, workspace_id: str, execution_id: str) -> ExecutionRecord:
        """Restart a failed, timed-out or cancelled execution from the step that did not finish."""
        ...

    def pending_tasks(self, workspace_id: str, execution_id: str) -> list[PendingTask]:
        """The paused steps of the execution waiting for an answer."""
        ...

    def send_task_success(self, workspace_id: str, task_token: str, output: JsonValue) -> None:
        """Answer a paused step with its output; the execution continues."""
        ...

    def send_task_failure(self, workspace_id: str, task_token: str, *, error: str, cause: str = "") -> None:
        """Fail a paused step (its Retry/Catch apply)."""
        ...

    def send_task_heartbeat(self, workspace_id: str, task_token: str) -> None:
        """Tell the engine a paused step's worker is alive."""
        ...

    def close(self) -> None:
        """Stop taking work; running executions stay checkpointed (local) or keep running (AWS)."""
        ...
