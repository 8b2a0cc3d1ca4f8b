"""Execution engines behind one interface: the in-process runtime (`local`) and AWS Step Functions."""

from __future__ import annotations

from deca.engines.base import (
    TERMINAL_STATUSES,
    EngineError,
    ExecutionEngine,
    ExecutionNotRedrivable,
    PendingTask,
    TaskNotFound,
    state_machine_name,
)

__all__ = [
    "TERMINAL_STATUSES",
    "EngineError",
    "ExecutionEngine",
    "ExecutionNotRedrivable",
    "PendingTask",
    "TaskNotFound",
    "state_machine_name",
]
