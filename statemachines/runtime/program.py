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


def _next_states(spec: dict[str, Any]) -> list[str]:
    """The states a state can go to (its `Next`, a Choice's rules' `Next` and its `Default`)."""
    targets = [spec[field] for field in ("Next", "Default") if isinstance(spec.get(field), str)]
    for rule in spec.get("Choices") or []:
        if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
            targets.append(rule["Next"])
    return targets


def _has_cycle(definition: dict[str, Any]) -> bool:
    """Whether a state of the definition's top-level list can be reached from itself."""
    states: dict[str, Any] = definition.get("States") or {}
    done: set[str] = set()
    for start in states:
        if start in done:
            continue
        path: set[str] = set()
        stack: list[tuple[str, list[str]]] = [(start, _next_states(states[start]))]
        path.add(start)
        while stack:
            name, targets = stack[-1]
            if not targets:
                stack.pop()
                path.discard(name)
                done.add(name)
                continue
            target = targets.pop()
            if target in path:
                return True
            if target in done or target not in states:
                continue
            path.add(target)
            stack.append((target, _next_states(states[target])))
    return False


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
        self.brief = self.replayable and not _has_cycle(definition)
        """Replayable, and no state can be reached again (no loop): a run takes at most one step per state,
        so it ends in moments and may run to its end on its caller's thread."""

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
