"""The local Amazon States Language runtime: an in-process, durable Step Functions interpreter.

Public API: `run_definition`, `Runtime`, `ExecutionResult`, `TaskRegistry`, `FakeClock`,
`WallClock`, the checkpoint stores, `Listener` (called with each history event's type and
details as it is recorded) and `validate_definition`. See docs/asl-runtime.md.
"""

from __future__ import annotations

from statemachines.runtime.checkpoint import CheckpointStore, MemoryCheckpointStore, SqliteCheckpointStore
from statemachines.runtime.clock import Clock, FakeClock, WallClock
from statemachines.runtime.engine import ExecutionResult, Runtime, run_definition
from statemachines.runtime.errors import DefinitionError, StatesError
from statemachines.runtime.interpreter import Listener
from statemachines.runtime.resources import TaskRegistry
from statemachines.runtime.validation import validate_definition

__all__ = [
    "CheckpointStore",
    "Clock",
    "DefinitionError",
    "ExecutionResult",
    "FakeClock",
    "Listener",
    "MemoryCheckpointStore",
    "Runtime",
    "SqliteCheckpointStore",
    "StatesError",
    "TaskRegistry",
    "WallClock",
    "run_definition",
    "validate_definition",
]
