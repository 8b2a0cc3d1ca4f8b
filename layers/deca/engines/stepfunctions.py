"""The AWS engine: one Step Functions state machine per published flow version, driven through boto3.

State machines are named `deca-<env>-flow-<workspace>-<flow>-v<version>` (`deca.engines.naming`) and
tagged with the workspace, flow and version; they log errors (without execution data) to the configured
log group and are traced with X-Ray. A `sub_flow` node's ASL points at its child's state machine: the
pinned version, else the child's published one when the parent is published. Executions are named by their execution id, so a start
with the same name is the same execution (AWS answers `ExecutionAlreadyExists` for a repeat). The
`ExecutionRecord` in the stores is refreshed from `DescribeExecution` whenever it is read while running.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import JsonValue

from deca.clock import Clock, SystemClock
from deca.engines.base import (
    TERMINAL_STATUSES,
    EngineError,
    ExecutionNotRedrivable,
    PendingTask,
    TaskNotFound,
)
from deca.engines.error_details import error_details, without_stack_trace
from deca.engines.naming import TAG_FLOW, TAG_VERSION, TAG_WORKSPACE, StateMachineNames, child_version
from deca.errors import NotFoundError
from deca.stores import Stores
from deca.stores.models import (
    ExecutionMetrics,
    ExecutionRecord,
    ExecutionStatus,
    FlowRecord,
    FlowVersion,
    HistoryEvent,
    Trigger,
)
from statemachines.compiler import CompileOptions, dumps_asl

__all__ = ["StepFunctionsEngine", "execution_status"]

_STATUSES: dict[str, ExecutionStatus] = {
    "RUNNING": "running",
    "PENDING_REDRIVE": "running",
    "SUCCEEDED": "succeeded",
    "FAILED": "failed",
    "TIMED_OUT": "timed_out",
    "ABORTED": "cancelled",
}
_REDRIVABLE: frozenset[ExecutionStatus] = frozenset({"failed", "timed_out", "cancelled"})


def execution_status(aws_status: str) -> ExecutionStatus:
    """The record status of a Step Functions execution status."""
    return _STATUSES.get(aws_status, "running")


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _parse(text: Any) -> Any:
    if isinstance(text, str):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _details(event: dict[str, Any]) -> dict[str, Any]:
    """The `…EventDetails` object of an AWS history event, JSON-safe."""
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            safe: dict[str, Any] = json.loads(json.dumps(value, default=str))
            return safe
    return {}


class StepFunctionsEngine:
    """`ExecutionEngine` over AWS Step Functions (a boto3 `stepfunctions` client)."""

    name = "stepfunctions"

    def __init__(
        self,
        stores: Stores,
        client: Any,
        *,
        role_arn: str,
        environment: str = "dev",
        function_prefix: str | None = None,
        clock: Clock | None = None,
        poll_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        names: StateMachineNames | None = None,
        log_group_arn: str | None = None,
    ) -> None:
        """`names` (with the account's ARN prefix) spares listing state machines to find their ARNs;
        `log_group_arn` is where state machines log their errors."""
        self.stores = stores
        self._sfn = client
        self._role_arn = role_arn
        self._names = names or StateMachineNames(environment)
        self._computed_arns = names is not None
        self._log_group_arn = log_group_arn
        self._function_prefix = function_prefix or f"deca-{environment}-node-"
        self._clock = clock or SystemClock()
        self._poll = poll_seconds
        self._sleep = sleep
        self._arns: dict[str, str] = {}

    # ---- state machines ------------------------------------------------------------------------

    def compile_options(self, workspace_id: str) -> CompileOptions:
        """Task nodes invoke the environment's node Lambdas (`deca-<env>-node-<type>`); sub-flows start
        their child's deployed state machine."""
        return CompileOptions(
            workspace_id=workspace_id,
            function_prefix=self._function_prefix,
            sub_flow_arn=lambda flow_id, pinned: self._child_arn(workspace_id, flow_id, pinned),
        )

    def _child_arn(self, workspace_id: str, flow_id: str, pinned: int | None) -> str | None:
        version = child_version(self.stores.flows, workspace_id, flow_id, pinned)
        if version is None:
            return None
        return self._machine_arn(self.machine_name(workspace_id, flow_id, version))

    def machine_name(self, workspace_id: str, flow_id: str, version: int) -> str:
        """The state machine name of a flow version."""
        return self._names.name(workspace_id, flow_id, version)

    def _machine_arn(self, name: str) -> str | None:
        if name in self._arns:
            return self._arns[name]
        if self._computed_arns:
            return self._names.arn_prefix + name
        for page in self._sfn.get_paginator("list_state_machines").paginate():
            for machine in page["stateMachines"]:
                if machine["name"] == name:
                    self._arns[name] = str(machine["stateMachineArn"])
                    return self._arns[name]
        return None

    def deploy(self, record: FlowRecord, version: FlowVersion, asl: dict[str, Any]) -> str:
        """Create the version's state machine, or update its definition if it exists; returns its ARN."""
        name = self.machine_name(record.workspace_id, record.flow_id, version.version)
        definition = dumps_asl(asl)
        existing = self._existing_arn(name)
        if existing is not None:
            self._sfn.update_state_machine(
                stateMachineArn=existing,
                definition=definition,
                roleArn=self._role_arn,
                **self._observability(),
            )
            return existing
        created = self._sfn.create_state_machine(
            name=name,
            definition=definition,
            roleArn=self._role_arn,
            type="STANDARD",
            **self._observability(),
            tags=[
                {"key": TAG_WORKSPACE, "value": record.workspace_id},
                {"key": TAG_FLOW, "value": record.flow_id},
                {"key": TAG_VERSION, "value": str(version.version)},
            ],
        )
        arn = str(created["stateMachineArn"])
        self._arns[name] = arn
        return arn

    def _existing_arn(self, name: str) -> str | None:
        """The ARN of a deployed state machine (asked of AWS when ARNs are computed), or None."""
        arn = self._machine_arn(name)
        if arn is None or not self._computed_arns or name in self._arns:
            return arn
        try:
            self._sfn.describe_state_machine(stateMachineArn=arn)
        except Exception as exc:
            if _error_code(exc) == "StateMachineDoesNotExist":
                return None
            raise
        self._arns[name] = arn
        return arn

    def _observability(self) -> dict[str, Any]:
        """Errors logged without execution data (to the log group, when one is configured); X-Ray tracing."""
        settings: dict[str, Any] = {"tracingConfiguration": {"enabled": True}}
        if self._log_group_arn:
            arn = self._log_group_arn if self._log_group_arn.endswith(":*") else self._log_group_arn + ":*"
            settings["loggingConfiguration"] = {
                "level": "ERROR",
                "includeExecutionData": False,
                "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}],
            }
        return settings

    def undeploy(self, workspace_id: str, flow_id: str, version: int) -> None:
        """Delete the version's state machine (AWS lets running executions finish)."""
        name = self.machine_name(workspace_id, flow_id, version)
        arn = self._existing_arn(name)
        if arn is not None:
            self._sfn.delete_state_machine(stateMachineArn=arn)
            self._arns.pop(name, None)

    # ---- executions ----------------------------------------------------------------------------

    def _execution_arn(self, record: ExecutionRecord) -> str:
        name = self.machine_name(record.workspace_id, record.flow_id, record.flow_version)
        machine = self._machine_arn(name)
        if machine is None:
            raise EngineError(f"state machine {name!r} is not deployed")
        return f"{machine.replace(':stateMachine:', ':execution:', 1)}:{record.execution_id}"

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
        """Start an execution named by its id; a repeated `name` returns the first execution's id."""
        machine_name = self.machine_name(workspace_id, flow_id, version)
        machine = self._machine_arn(machine_name)
        if machine is None:
            raise NotFoundError(
                f"flow {flow_id!r} version {version} is not deployed",
                resource="state_machine",
                resource_id=machine_name,
            )
        execution_id = uuid.uuid4().hex
        record = self.stores.executions.create(
            workspace_id,
            ExecutionRecord(
                workspace_id=workspace_id,
                execution_id=execution_id,
                flow_id=flow_id,
                flow_version=version,
                start_time=self._clock.now(),
                trigger=trigger or Trigger(),
                input={} if input is None else input,
                name=name,
            ),
        )
        try:
            self._sfn.start_execution(
                stateMachineArn=machine, name=record.execution_id, input=json.dumps(record.input)
            )
        except Exception as exc:
            code = _error_code(exc)
            if code == "ExecutionAlreadyExists":
                return record.execution_id
            self.stores.executions.update_status(
                workspace_id,
                record.execution_id,
                "failed",
                end_time=self._clock.now(),
                error_details={"error": code or "StartExecutionFailed", "cause": str(exc)},
            )
            if code == "StateMachineDoesNotExist":
                raise NotFoundError(
                    f"flow {flow_id!r} version {version} is not deployed",
                    resource="state_machine",
                    resource_id=machine_name,
                ) from exc
            raise EngineError(f"StartExecution failed: {code or exc}") from exc
        return record.execution_id

    def describe(self, workspace_id: str, execution_id: str) -> ExecutionRecord:
        """The record, refreshed from AWS while the execution is not finished."""
        record = self.stores.executions.get(workspace_id, execution_id)
        if record.status in TERMINAL_STATUSES:
            return record
        described = self._sfn.describe_execution(executionArn=self._execution_arn(record))
        status = execution_status(str(described["status"]))
        if status == "running" and self.pending_tasks(workspace_id, execution_id, record=record):
            status = "waiting"
        if status == record.status:
            return record
        end: datetime | None = described.get("stopDate")
        error: dict[str, JsonValue] | None = None
        if status in ("failed", "timed_out", "cancelled"):
            error = error_details(described.get("error"), described.get("cause"))
        duration = None
        if end is not None:
            end = end.astimezone(UTC)
            duration = max(int((end - record.start_time).total_seconds() * 1000), 0)
        return self.stores.executions.update_status(
            workspace_id,
            execution_id,
            status,
            end_time=end,
            output=_parse(described.get("output")) if status == "succeeded" else None,
            error_details=error,
            metrics=ExecutionMetrics(duration_ms=duration) if duration is not None else None,
        )

    def wait(self, workspace_id: str, execution_id: str, timeout_seconds: float) -> ExecutionRecord:
        """Poll `DescribeExecution` until the execution ends or pauses, or `timeout_seconds` pass."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            record = self.describe(workspace_id, execution_id)
            if record.status != "running" or time.monotonic() >= deadline:
                return record
            self._sleep(min(self._poll, max(deadline - time.monotonic(), 0.0)))

    def _aws_history(self, record: ExecutionRecord) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        paginator = self._sfn.get_paginator("get_execution_history")
        for page in paginator.paginate(executionArn=self._execution_arn(record)):
            events += page["events"]
        return events

    def history(self, workspace_id: str, execution_id: str) -> list[HistoryEvent]:
        """The execution's AWS history as history events (ids and details as AWS gives them)."""
        record = self.stores.executions.get(workspace_id, execution_id)
        return [
            HistoryEvent(
                workspace_id=workspace_id,
                execution_id=execution_id,
                event_id=int(event["id"]),
                previous_event_id=event.get("previousEventId"),
                type=str(event["type"]),
                timestamp=event["timestamp"],
                details=without_stack_trace(_details(event)),
            )
            for event in self._aws_history(record)
        ]

    def stop(
        self, workspace_id: str, execution_id: str, *, error: str | None = None, cause: str | None = None
    ) -> ExecutionRecord:
        """`StopExecution`; the record becomes cancelled."""
        record = self.stores.executions.get(workspace_id, execution_id)
        if record.status in TERMINAL_STATUSES:
            return record
        arguments: dict[str, str] = {"executionArn": self._execution_arn(record)}
        if error:
            arguments["error"] = error
        if cause:
            arguments["cause"] = cause
        self._sfn.stop_execution(**arguments)
        return self.describe(workspace_id, execution_id)

    def redrive(self, workspace_id: str, execution_id: str) -> ExecutionRecord:
        """`RedriveExecution` of a failed, timed-out or cancelled execution."""
        record = self.describe(workspace_id, execution_id)
        if record.status not in _REDRIVABLE:
            raise ExecutionNotRedrivable(execution_id, record.status)
        try:
            self._sfn.redrive_execution(
                executionArn=self._execution_arn(record), clientToken=uuid.uuid4().hex
            )
        except Exception as exc:
            if _error_code(exc) == "ExecutionNotRedrivable":
                raise ExecutionNotRedrivable(execution_id, record.status) from exc
            raise EngineError(f"RedriveExecution failed: {_error_code(exc) or exc}") from exc
        return self.stores.executions.update_status(
            workspace_id, execution_id, "running", expected_status=record.status
        )

    # ---- paused steps --------------------------------------------------------------------------

    def pending_tasks(
        self, workspace_id: str, execution_id: str, *, record: ExecutionRecord | None = None
    ) -> list[PendingTask]:
        """Callback tasks scheduled with a token (in their resolved payload) that have not ended yet."""
        record = record or self.stores.executions.get(workspace_id, execution_id)
        if record.status in TERMINAL_STATUSES:
            return []
        open_tasks: dict[str, PendingTask] = {}
        for event in self._aws_history(record):
            details = _details(event)
            if event["type"] == "TaskScheduled":
                parameters = _parse(details.get("parameters"))
                payload = parameters.get("Payload") if isinstance(parameters, dict) else None
                if isinstance(payload, dict) and isinstance(payload.get("task_token"), str):
                    config = payload.get("config")
                    node_id = str(payload.get("node_id", ""))
                    open_tasks[node_id] = PendingTask(
                        execution_id=execution_id,
                        node_id=node_id,
                        node_type=str(payload.get("node_type", "")),
                        task_token=payload["task_token"],
                        config=config if isinstance(config, dict) else {},
                    )
            elif event["type"] == "TaskStateExited":  # state names are node ids
                open_tasks.pop(str(details.get("name", "")), None)
        return list(open_tasks.values())

    def send_task_success(self, workspace_id: str, task_token: str, output: JsonValue) -> None:
        """`SendTaskSuccess` with the output as JSON."""
        self._task_call("send_task_success", taskToken=task_token, output=json.dumps(output))

    def send_task_failure(self, workspace_id: str, task_token: str, *, error: str, cause: str = "") -> None:
        """`SendTaskFailure`."""
        self._task_call("send_task_failure", taskToken=task_token, error=error, cause=cause)

    def send_task_heartbeat(self, workspace_id: str, task_token: str) -> None:
        """`SendTaskHeartbeat`."""
        self._task_call("send_task_heartbeat", taskToken=task_token)

    def _task_call(self, operation: str, **arguments: str) -> None:
        try:
            getattr(self._sfn, operation)(**arguments)
        except Exception as exc:
            if _error_code(exc) in ("TaskDoesNotExist", "TaskTimedOut", "InvalidToken"):
                raise TaskNotFound(arguments["taskToken"]) from exc
            raise

    def close(self) -> None:
        """Nothing to release (executions keep running on AWS)."""
