"""Scopes (Step Functions variable visibility), regions (one `States` map) and ASL text helpers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from deca.errors import CompileErrors
from statemachines.compiler.emitters import States
from statemachines.compiler.graph import variable_name

__all__ = ["Region", "Scope", "Unstructured", "field_name", "literal", "null_if_missing", "reachable"]

_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Unstructured(CompileErrors):
    """Paths cross fan-out branches: no Parallel layout exists (the region may run as a sequence)."""


def field_name(name: str) -> str:
    """A JSONata field name (backticked unless it is a plain identifier)."""
    return name if _SAFE_NAME.match(name) else "`" + name.replace("`", "") + "`"


def literal(value: Any) -> str:
    """A JSON value as JSONata literal text."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def null_if_missing(expression: str) -> str:
    """JSONata giving null instead of nothing: Step Functions fails a field that evaluates to nothing."""
    return f"($v := {expression}; $exists($v) ? $v : null)"


def reachable(states: States, start: str) -> States:
    """The states reachable from `start` (AWS rejects a definition with unreachable states)."""
    seen = {start}
    stack = [start]
    while stack:
        state = states[stack.pop()]
        targets = [state.get("Next"), state.get("Default")]
        targets += [rule.get("Next") for rule in state.get("Choices", [])]
        targets += [catcher.get("Next") for catcher in state.get("Catch", [])]
        for target in targets:
            if isinstance(target, str) and target not in seen and target in states:
                seen.add(target)
                stack.append(target)
    return {name: state for name, state in states.items() if name in seen}


@dataclass
class Scope:
    """A variable scope: the top level, a Parallel branch or a Map iteration (`depth` levels down)."""

    depth: int
    parent: Scope | None
    distributed: bool = False
    assigned: set[str] = field(default_factory=set)
    imports: dict[str, str] = field(default_factory=dict)  # local variable -> outer JSONata
    item: str | None = None
    error: str | None = None

    def var(self, node_id: str) -> str:
        """The variable of a node's output in this scope (importing through a distributed Map)."""
        scope: Scope | None = self
        while scope is not None:
            if node_id in scope.assigned:
                return variable_name(node_id, scope.depth)
            if scope.distributed:
                local = variable_name(node_id, scope.depth)
                if local not in scope.imports:
                    assert scope.parent is not None
                    scope.imports[local] = "$" + scope.parent.var(node_id)
                return local
            scope = scope.parent
        raise KeyError(node_id)

    def input_expression(self) -> str:
        """The execution input as seen from this scope."""
        scope: Scope | None = self
        while scope is not None:
            if scope.distributed:
                local = f"input{scope.depth}"
                if local not in scope.imports:
                    assert scope.parent is not None
                    scope.imports[local] = scope.parent.input_expression()
                return "$" + local
            scope = scope.parent
        return "$states.context.Execution.Input"

    def iteration_expression(self) -> str | None:
        """A JSONata array of the enclosing loops' item indices, outermost first (None outside loops).

        Node tasks inside a loop carry it, so a side effect is keyed per iteration: Map iterations run
        concurrently and share the execution id and the node id.
        """
        owners: list[Scope] = []
        scope: Scope | None = self
        while scope is not None:
            if scope.item is not None:
                owners.append(scope)
            scope = scope.parent
        if not owners:
            return None
        names = [self._index_visible(owner) for owner in reversed(owners)]
        return "[" + ", ".join("$" + name for name in names) + "]"

    def _index_visible(self, owner: Scope) -> str:
        """The name of `owner`'s index variable here, imported through distributed Maps in between."""
        name = f"index{owner.item}"
        scope: Scope | None = self
        while scope is not None and scope is not owner:
            if scope.distributed:
                scope.imports.setdefault(name, "$" + name)
            scope = scope.parent
        return name

    def lookup(self, attribute: str) -> str | None:
        """The nearest value of `item` or `error` set on this scope or an enclosing one."""
        scope: Scope | None = self
        while scope is not None:
            value = getattr(scope, attribute)
            if value is not None:
                return str(value)
            scope = scope.parent
        return None


@dataclass
class Region:
    """Nodes compiled into one `States` map, with its exit state and post-dominator data."""

    scope: Scope
    members: set[str]
    exit_state: str
    ipdom: dict[str, str]
    lca: Any
    states: States = field(default_factory=dict)
    queue: list[tuple[int, str]] = field(default_factory=list)
    scheduled: set[str] = field(default_factory=set)
    claimed: dict[str, str] = field(default_factory=dict)  # node -> the fan-out whose branch runs it
