"""Per-node progress of a running flow, derived from the runtime's history events."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NodeProgress", "NodeRun"]

_ENTERED = "StateEntered"
_EXITED = "StateExited"
_FAILED_TASK = ("TaskFailed", "LambdaFunctionFailed", "TaskTimedOut", "LambdaFunctionTimedOut")


def _parse(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@dataclass
class NodeRun:
    """What one node did during a run."""

    node_id: str
    node_type: str
    status: str = "running"
    output: Any = None
    error: str | None = None
    cause: str | None = None
    duration_ms: float = 0.0
    started: float = field(default=0.0, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: status, duration and the output or the error."""
        out: dict[str, Any] = {
            "type": self.node_type,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
        }
        if self.status == "failed":
            out.update(error=self.error, cause=self.cause)
        else:
            out["output"] = self.output
        return out


class NodeProgress:
    """A runtime listener that tracks node states (state name == node id) and reports changes."""

    def __init__(self, node_types: dict[str, str], report: Callable[[NodeRun], None] | None = None) -> None:
        self.node_types = node_types
        self.report = report
        self.runs: dict[str, NodeRun] = {}
        self._current: str | None = None

    def __call__(self, event_type: str, details: dict[str, Any]) -> None:
        """Receive one history event."""
        name = details.get("name")
        if event_type.endswith(_ENTERED) and name in self.node_types:
            run = NodeRun(name, self.node_types[name], started=time.perf_counter())
            self.runs[name] = run
            self._current = name
            if self.report:
                self.report(run)
        elif event_type in ("TaskSucceeded", "LambdaFunctionSucceeded") and self._current in self.runs:
            result = _parse(details.get("output"))
            if isinstance(result, dict) and "Payload" in result:
                result = result["Payload"]
            self.runs[self._current].output = result
        elif event_type in _FAILED_TASK and self._current in self.runs:
            run = self.runs[self._current]
            run.error, run.cause = details.get("error"), details.get("cause")
        elif event_type.endswith(_EXITED) and name in self.runs:
            run = self.runs[name]
            run.duration_ms = (time.perf_counter() - run.started) * 1000
            run.status = "succeeded"
            if run.output is None and not event_type.startswith("Task"):
                run.output = _parse(details.get("output"))
            if self.report:
                self.report(run)

    def finish(self, status: str, output: Any) -> None:
        """Close the run: nodes still open failed (or were stopped); final outputs win over guesses."""
        if isinstance(output, dict):
            for node_id, value in output.items():
                if node_id in self.runs:
                    self.runs[node_id].output = value
        for run in self.runs.values():
            if run.status == "running":
                run.duration_ms = (time.perf_counter() - run.started) * 1000
                run.status = "failed" if status != "ABORTED" else "cancelled"
                if self.report:
                    self.report(run)
