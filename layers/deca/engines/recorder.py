"""A runtime listener that writes an execution's history and per-node results into the stores as it runs.

Writes are batched: the events and node results of a stretch of steps go to the store together (one
transaction on SQLite) when a task is about to run, when the status changes and when the engine's job
ends, so a flow of quick steps costs one write per job instead of several per step.

State names are node ids (the compiler keeps them), so a state event of a known node id opens, updates
or closes that node's `NodeResult`. Task events carry the resolved node task (its input) and the
handler's output; the outputs of Pass-like nodes are taken from the execution's final output, which
maps node ids to outputs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import JsonValue

from deca.engines.base import TERMINAL_STATUSES, PendingTask
from deca.engines.error_details import error_details, without_stack_trace
from deca.errors import ConflictError
from deca.stores.base import ExecutionRepository
from deca.stores.models import (
    ExecutionMetrics,
    ExecutionRecord,
    ExecutionStatus,
    HistoryEvent,
    NodeResult,
    NodeStatus,
    to_utc_millis,
    unchecked,
)
from statemachines.compiler.graph import variable_name
from statemachines.runtime import json_text

__all__ = ["ExecutionRecorder", "StatusListener", "paused_steps"]

StatusListener = Callable[[ExecutionRecord], None]
"""Told each new status of an execution (the stored record); must return quickly and never raise."""

_CLOSING: dict[str, NodeStatus] = {"ABORTED": "cancelled", "TIMED_OUT": "timed_out"}
"""How nodes still running end when the execution ends with this runtime status (else: failed)."""
_TASK_SCHEDULED = ("TaskScheduled", "LambdaFunctionScheduled")
_FLUSH_EVENTS = 64  # history events held before they are written anyway
_TASK_SUCCEEDED = ("TaskSucceeded", "LambdaFunctionSucceeded")
_TASK_FAILED = ("TaskFailed", "LambdaFunctionFailed", "TaskTimedOut", "LambdaFunctionTimedOut")


def _parse(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _assigned_output(node_id: str, assigned: Any) -> Any:
    """The node's output from the variables its state assigned (`n_<id>`, `n1_<id>` in a loop, ...).

    Outputs are known as each node ends, so a failed execution still shows what its earlier nodes produced.
    """
    if not isinstance(assigned, dict):
        return None
    for depth in range(4):
        value = assigned.get(variable_name(node_id, depth))
        if value is not None:
            return value
    return None


def _json(value: Any) -> Any:
    """A JSON-safe copy (the runtime's details may hold non-JSON leaves such as floats of timestamps)."""
    try:
        return json_text.loads(json_text.dumps(value))
    except TypeError:
        return json.loads(json.dumps(value, default=str))


class ExecutionRecorder:
    """Listener for one execution: history events and node results go to `executions`, a batch at a time."""

    def __init__(
        self,
        executions: ExecutionRepository,
        workspace_id: str,
        execution_id: str,
        node_types: dict[str, str],
        now: Callable[[], datetime],
        on_status: StatusListener | None = None,
        *,
        fresh: bool = False,
        known: ExecutionRecord | None = None,
    ) -> None:
        self._executions = executions
        self._known = known  # the stored record as last written or seen here (None: read it when needed)
        self._on_status = on_status
        self._ws = workspace_id
        self._id = execution_id
        self._types = node_types
        self._now = now
        self._lock = threading.Lock()
        self._open: dict[str, NodeResult] = {}
        self._attempts: dict[str, int] = {}
        self._current: str | None = None
        self._tasks: list[str] = []  # nodes with a task out, oldest first
        self._latest: dict[str, NodeResult] = {}  # each node's latest attempt
        self._events: list[HistoryEvent] = []  # not written yet, oldest first
        self._results: dict[
            tuple[str, int], NodeResult
        ] = {}  # not written yet: the last state of each attempt
        # A resumed execution continues its numbering (a fresh one has nothing stored yet).
        for stored in [] if fresh else self._stored_results():
            self._attempts[stored.node_id] = max(self._attempts.get(stored.node_id, 0), stored.attempt)
            if stored.attempt >= self._latest.get(stored.node_id, stored).attempt:
                self._latest[stored.node_id] = stored
            if stored.status == "running":
                self._open[stored.node_id] = stored
                self._current = stored.node_id

    def _stored_results(self) -> list[NodeResult]:
        results: list[NodeResult] = []
        cursor: str | None = None
        while True:
            page = self._executions.list_node_results(self._ws, self._id, cursor=cursor)
            results += page.items
            if page.next_cursor is None:
                return results
            cursor = page.next_cursor

    def __call__(self, event_type: str, details: dict[str, Any]) -> None:
        """Receive one history event of the execution (written with the next `flush`)."""
        with self._lock:
            safe = _json(without_stack_trace(details))
            if not isinstance(safe, dict):
                safe = {}
            # Built without validation: every field is known to be valid (`safe` is a JSON copy), and
            # validating each event's details cost more than the rest of the step.
            self._events.append(
                unchecked(
                    HistoryEvent,
                    {
                        "workspace_id": self._ws,
                        "execution_id": self._id,
                        "event_id": 0,
                        "previous_event_id": None,
                        "type": event_type,
                        "timestamp": to_utc_millis(self._now()),
                        "details": safe,
                    },
                )
            )
            self._on_node_event(event_type, safe)
            # A task may run long or pause for an answer: what led to it is readable meanwhile.
            if event_type in _TASK_SCHEDULED or len(self._events) >= _FLUSH_EVENTS:
                self._flush()

    def flush(self) -> None:
        """Write the history events and node results received since the last write, together.

        Called when the job stepping the execution ends (the engine does), before a task runs, on every
        status change and every `_FLUSH_EVENTS` events; a killed process loses at most those unwritten
        (the execution's progress itself is in the runtime's checkpoints).
        """
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        if not (self._events or self._results):
            return
        events, results = self._events, list(self._results.values())
        self._events, self._results = [], {}
        self._executions.record_progress(self._ws, self._id, events, results)

    def _on_node_event(self, event_type: str, details: dict[str, Any]) -> None:
        name = details.get("name")
        if event_type.endswith("StateEntered") and name in self._types:
            self._enter(str(name), _parse(details.get("input")))
        elif event_type in _TASK_SCHEDULED and self._current in self._open:
            self._tasks.append(self._current)
            self._task_scheduled(self._current, details)
        elif event_type in _TASK_SUCCEEDED and (node_id := self._task_ended()) is not None:
            result = _parse(details.get("output"))
            if isinstance(result, dict) and "Payload" in result:
                result = result["Payload"]
            self._put(self._open[node_id].model_copy(update={"output": result}))
        elif event_type in _TASK_FAILED and (node_id := self._task_ended()) is not None:
            error = error_details(details.get("error"), _parse(details.get("cause")))
            self._put(self._open[node_id].model_copy(update={"error": error}))
        elif event_type == "ExecutionFailed" and self._current in self._open:
            node = self._open[self._current]  # a Fail state (stop_and_error) or a failing template
            if node.error is None:
                error = error_details(details.get("error"), _parse(details.get("cause")))
                self._put(node.model_copy(update={"error": error}))
        elif event_type.endswith("StateExited") and name in self._open:
            self._close(str(name), "succeeded", _assigned_output(str(name), details.get("assignedVariables")))

    def _task_ended(self) -> str | None:
        """The node whose task just ended: the current one if it has a task out, else the oldest.

        Task events do not name their state; with parallel branches this is a best guess, and the final
        output (keyed by node id) corrects every output when the execution succeeds.
        """
        self._tasks = [node for node in self._tasks if node in self._open]
        if not self._tasks:
            return None
        node_id = self._current if self._current in self._tasks else self._tasks[0]
        self._tasks.remove(node_id)
        return node_id

    def _enter(self, node_id: str, state_input: Any) -> None:
        attempt = self._attempts.get(node_id, 0) + 1
        self._attempts[node_id] = attempt
        self._current = node_id
        self._put(  # unchecked: the input is a JSON copy (see `__call__`)
            unchecked(
                NodeResult,
                {
                    "workspace_id": self._ws,
                    "execution_id": self._id,
                    "node_id": node_id,
                    "attempt": attempt,
                    "status": "running",
                    "input": state_input,
                    "output": None,
                    "error": None,
                    "started_at": to_utc_millis(self._now()),
                    "ended_at": None,
                    "duration_ms": None,
                },
            )
        )

    def _task_scheduled(self, node_id: str, details: dict[str, Any]) -> None:
        parameters = _parse(details.get("parameters", details.get("input")))
        payload = parameters.get("Payload", parameters) if isinstance(parameters, dict) else parameters
        self._put(self._open[node_id].model_copy(update={"input": payload}))

    def _put(self, result: NodeResult) -> None:
        self._results[(result.node_id, result.attempt)] = result
        if result.attempt >= self._latest.get(result.node_id, result).attempt:
            self._latest[result.node_id] = result
        if result.status == "running":
            self._open[result.node_id] = result
        else:
            self._open.pop(result.node_id, None)

    def _close(self, node_id: str, status: NodeStatus, output: JsonValue = None) -> None:
        result = self._open[node_id]
        ended = self._now()
        update: dict[str, Any] = {
            "status": "failed" if status == "succeeded" and result.error else status,
            "ended_at": ended,
            "duration_ms": max(int((ended - result.started_at).total_seconds() * 1000), 0),
        }
        if output is not None:
            update["output"] = output
        self._put(result.model_copy(update=update))

    def finish(self, status: str, output: Any) -> None:
        """Close the execution: fill node outputs from the final output; nodes still open failed or stopped."""
        with self._lock:
            closing = _CLOSING.get(status, "failed")
            for node_id in list(self._open):
                self._close(node_id, closing)
            if status == "SUCCEEDED" and isinstance(output, dict):
                for node_id, latest in list(self._latest.items()):  # the final output is authoritative
                    value = output.get(node_id)
                    if value is not None and latest.status == "succeeded" and latest.output != value:
                        self._put(latest.model_copy(update={"output": value}))
            self._flush()

    def seen(self, record: ExecutionRecord) -> None:
        """Tell the recorder the execution's record changed elsewhere (e.g. a redrive set it running)."""
        self._known = record

    def status(self) -> ExecutionStatus:
        """The execution's stored status (read from the store unless this recorder wrote or saw it last)."""
        return (self._known or self._read()).status

    def _read(self) -> ExecutionRecord:
        self._known = self._executions.get(self._ws, self._id)
        return self._known

    def set_status(
        self, status: ExecutionStatus, *, output: JsonValue = None, error: dict[str, JsonValue] | None = None
    ) -> ExecutionRecord:
        """Update the execution record (end time and metrics when it ends); a finished one is never revived.

        What was received before is written first, so a reader who sees the new status sees it too. The
        record this recorder knows is the expected one; if another writer changed it meanwhile, the write
        is decided again on the stored record.
        """
        self.flush()
        current = self._known or self._read()
        for attempt in range(2):
            if current.status in TERMINAL_STATUSES and (
                status not in TERMINAL_STATUSES or status == current.status
            ):
                return current  # stopped meanwhile: a late "still running" must not revive it
            end = self._now() if status in TERMINAL_STATUSES else None
            metrics = ExecutionMetrics(
                duration_ms=max(int((end - current.start_time).total_seconds() * 1000), 0) if end else None,
                nodes_executed=self.node_count(),
            )
            try:
                updated = self._executions.update_status(
                    self._ws,
                    self._id,
                    status,
                    end_time=end,
                    output=output,
                    error_details=error,
                    metrics=metrics,
                    expected_status=current.status,
                )
            except ConflictError:  # changed since it was read: decide on the stored record
                current = self._read()
                if attempt == 0:
                    continue
                return current  # changed again meanwhile (a stop): the other writer wins
            self._known = updated
            if self._on_status is not None and status != current.status:
                self._on_status(updated)
            return updated
        return current

    def node_count(self) -> int:
        """How many node attempts ran."""
        with self._lock:
            return sum(self._attempts.values())


def paused_steps(execution_id: str, results: list[NodeResult], tokens: set[str]) -> list[PendingTask]:
    """The running node results whose recorded node task carries one of the execution's open `tokens`."""
    found: list[PendingTask] = []
    for result in results:
        task = result.input if isinstance(result.input, dict) else {}
        token = task.get("task_token")
        if result.status == "running" and isinstance(token, str) and token in tokens:
            config = task.get("config")
            found.append(
                PendingTask(
                    execution_id=execution_id,
                    node_id=result.node_id,
                    node_type=str(task.get("node_type", "")),
                    task_token=token,
                    config=config if isinstance(config, dict) else {},
                )
            )
    return found
