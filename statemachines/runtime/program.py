"""A definition compiled once into branches of compiled states (the interpreter's program)."""

from __future__ import annotations

from typing import Any

from statemachines.runtime.errors import DefinitionError
from statemachines.runtime.states.base import State
from statemachines.runtime.validation import validate_definition

__all__ = ["Branch", "Program"]


class Branch:
    """One state list: the machine itself, a Parallel branch or a Map's processor."""

    __slots__ = ("key", "query_language", "start_at", "states")

    def __init__(self, key: str, start_at: str, states: dict[str, State], query_language: str) -> None:
        self.key = key
        self.start_at = start_at
        self.states = states
        self.query_language = query_language


class Program:
    """A validated, compiled state machine definition."""

    def __init__(self, definition: dict[str, Any]) -> None:
        validate_definition(definition)
        self.definition = definition
        self.branches: dict[str, Branch] = {}
        self.query_language: str = definition.get("QueryLanguage", "JSONPath")
        timeout = definition.get("TimeoutSeconds")
        self.timeout: float | None = float(timeout) if timeout is not None else None
        self.uses_jsonata = False
        self.root = self.add_branch("", definition, self.query_language)
        self.replayable = all(
            state.pure for branch in self.branches.values() for state in branch.states.values()
        )
        """Only pure states (Pass, Choice, Succeed, Fail): running it again from its input gives the same
        run, with nothing done outside in between, so it need not be checkpointed to survive a crash."""

    def add_branch(self, key: str, spec: dict[str, Any], query_language: str) -> Branch:
        """Compile a nested state list under `key` (e.g. `Par/0`, `Loop`)."""
        from statemachines.runtime.states import build_state

        states: dict[str, State] = {}
        for name, state_spec in spec["States"].items():
            ql = state_spec.get("QueryLanguage", query_language)
            if ql == "JSONata":
                self.uses_jsonata = True
            try:
                states[name] = build_state(self, key, name, state_spec, ql)
            except DefinitionError as exc:
                if exc.state is None:  # e.g. from an intrinsic or a Choice rule: say which state
                    raise DefinitionError(
                        f"State '{name}': {exc.message}", state=name, field=exc.field
                    ) from None
                raise
            except ValueError as exc:
                raise DefinitionError(f"State '{name}': {exc}", state=name) from None
        branch = Branch(key, spec["StartAt"], states, query_language)
        self.branches[key] = branch
        return branch
