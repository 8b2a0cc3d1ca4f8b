"""Compiled ASL states, one module per state type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import DefinitionError
from statemachines.runtime.states.base import State

if TYPE_CHECKING:
    from statemachines.runtime.program import Program

__all__ = ["State", "build_state"]


def build_state(program: Program, branch: str, name: str, spec: dict[str, Any], query_language: str) -> State:
    """Compile one state of `branch` (Map and Parallel compile their nested branches through `program`)."""
    from statemachines.runtime.states.choice import ChoiceState
    from statemachines.runtime.states.map import MapState
    from statemachines.runtime.states.parallel import ParallelState
    from statemachines.runtime.states.pass_state import PassState
    from statemachines.runtime.states.task import TaskState
    from statemachines.runtime.states.terminal import FailState, SucceedState
    from statemachines.runtime.states.wait import WaitState

    kind = spec.get("Type")
    if kind == "Pass":
        return PassState(name, spec, query_language)
    if kind == "Task":
        return TaskState(name, spec, query_language)
    if kind == "Choice":
        return ChoiceState(name, spec, query_language)
    if kind == "Wait":
        return WaitState(name, spec, query_language)
    if kind == "Succeed":
        return SucceedState(name, spec, query_language)
    if kind == "Fail":
        return FailState(name, spec, query_language)
    if kind == "Parallel":
        return ParallelState(name, spec, query_language, program, branch)
    if kind == "Map":
        return MapState(name, spec, query_language, program, branch)
    raise DefinitionError(f"State '{name}': unknown Type '{kind}'", state=name, field="Type")
