"""Static checks of every template of a flow: syntax, roots, upstream-ness and output-schema fields."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from deca.errors import CompileError
from statemachines.compiler.graph import FlowGraph
from statemachines.compiler.templates import (
    Expr,
    Template,
    TemplateSyntaxError,
    parse_condition,
    parse_string,
)

__all__ = [
    "CONTEXT_ROOTS",
    "ITEM_CONDITIONS",
    "FlowTemplates",
    "clear_template_cache",
    "condition_paths",
    "missing_field",
    "walk_strings",
]

CONTEXT_ROOTS = frozenset({"input", "vars", "execution", "item", "index", "error"})
_EXECUTION_FIELDS = {"id", "name", "start_time", "flow_id"}
_ERROR_FIELDS = {"error", "cause", "node_id"}
_OPEN: dict[str, Any] = {}


ITEM_CONDITIONS = {"filter": "condition"}
"""Per-type config fields holding a condition evaluated per element (`item`, `index` available)."""


def condition_paths(kind: str, node_type: str = "") -> tuple[str, ...]:
    """Config paths (dotted, `*` for list items) holding boolean conditions written as JSONata code."""
    if node_type in ITEM_CONDITIONS:
        return (ITEM_CONDITIONS[node_type],)
    if kind == "condition":
        return ("condition",)
    if kind == "switch":
        return ("cases.*.condition",)
    return ()


def walk_strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string inside a JSON value with its path (keys and list indexes)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_strings(item, (*path, index))


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out.lstrip(".")


def _pattern(path: tuple[str | int, ...]) -> str:
    return ".".join("*" if isinstance(p, int) else p for p in path)


@functools.cache
def _model_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 32:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        schema = root.get("$defs", {}).get(name, _OPEN)
        seen += 1
    return schema


def missing_field(schema: dict[str, Any], fields: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """The first field not allowed by a JSON Schema and the fields it has, or None when all exist."""
    root = schema
    current = schema
    for name in fields:
        current = _resolve(current, root)
        for _ in range(8):  # arrays: JSONata maps a path over the items
            if current.get("type") == "array" or ("items" in current and "properties" not in current):
                current = _resolve(current.get("items", _OPEN), root)
            else:
                break
        variants = current.get("anyOf") or current.get("oneOf")
        if variants:
            objects = [_resolve(v, root) for v in variants]
            with_field = [v for v in objects if name in v.get("properties", {})]
            if with_field:
                current = with_field[0]["properties"][name]
                continue
            if any(
                v.get("additionalProperties") is not False and v.get("type") in (None, "object")
                for v in objects
            ):
                return None
            return name, sorted({k for v in objects for k in v.get("properties", {})})
        properties = current.get("properties")
        if properties is not None and name in properties:
            current = properties[name]
            continue
        if current.get("additionalProperties") is False:
            return name, sorted(properties or {})
        if current.get("type") in ("string", "number", "integer", "boolean", "null"):
            return name, []
        return None
    return None


_PARSED: dict[tuple[str, frozenset[str]], Template | None] = {}
_PARSED_MAX = 65_536
_DASHED_SETS: dict[frozenset[str], frozenset[str]] = {}


def clear_template_cache() -> None:
    """Forget every parsed template (the benchmark measures a cold start with it)."""
    _PARSED.clear()
    _DASHED_SETS.clear()


@dataclass
class FlowTemplates:
    """Parsed templates of a flow (by text) and the problems found in them."""

    graph: FlowGraph
    problems: list[CompileError] = field(default_factory=list)
    _conditions: dict[str, Expr] = field(default_factory=dict)

    @property
    def dashed(self) -> frozenset[str]:
        """Node ids containing '-' (they become backtick names in JSONata)."""
        return self._dashed

    def __post_init__(self) -> None:
        dashed = frozenset(n for n in self.graph.nodes if "-" in n)
        if len(_DASHED_SETS) > 1024:
            _DASHED_SETS.clear()
            _PARSED.clear()
        # one shared instance per distinct id set, so cache keys compare by identity, not content
        self._dashed = _DASHED_SETS.setdefault(dashed, dashed)

    def string(self, text: str) -> Template | None:
        """The parsed template of a config string (None without templates); raises TemplateSyntaxError."""
        key = (text, self._dashed)
        if key not in _PARSED:
            if len(_PARSED) > _PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = parse_string(text, self._dashed)
        return _PARSED[key]

    def condition(self, text: str) -> Expr:
        """The parsed boolean condition; raises TemplateSyntaxError."""
        if text not in self._conditions:
            self._conditions[text] = parse_condition(text, self._dashed)
        return self._conditions[text]

    def check_all(self) -> None:
        """Parse and check every template of the flow, collecting problems."""
        graph = self.graph
        for node_id, node in graph.nodes.items():
            config = getattr(node, "config", None)
            if not isinstance(config, BaseModel):
                continue
            dumped = graph.config_json(node_id)
            node_type = graph.spec(node_id).type
            conditions = condition_paths(graph.kind(node_id), node_type)
            for path, text in walk_strings(dumped):
                position = graph.where(node_id, "config." + _dotted(path))
                is_condition = bool(conditions) and _pattern(path) in conditions
                if not is_condition and "{{" not in text and "}}" not in text:
                    continue
                per_item = is_condition and ITEM_CONDITIONS.get(node_type) == _pattern(path)
                self._check_text(
                    node_id, node_id, text, position, is_condition, self_allowed=False, per_item=per_item
                )
            for index, ref in enumerate(getattr(config, "inputs", None) or []):
                if node_type == "merge" and isinstance(ref, str):
                    message = self._reference_problem(node_id, ref, (), self_allowed=False, per_item=False)
                    if ref not in graph.nodes:
                        message = f"unknown node '{ref}'"
                    if message:
                        position = graph.where(node_id, f"config.inputs[{index}]")
                        self.problems.append(CompileError(message, node_id=node_id, position=position))
        for node_id in graph.nodes:
            for edge in graph.out_edges[node_id]:
                if edge.condition is not None:
                    position = f"connections[{edge.index}].condition"
                    self._check_text(
                        node_id, node_id, edge.condition, position, True, self_allowed=True, per_item=False
                    )

    def _check_text(
        self,
        owner: str,
        context: str,
        text: str,
        position: str,
        is_condition: bool,
        *,
        self_allowed: bool,
        per_item: bool,
    ) -> None:
        try:
            exprs = (self.condition(text),) if is_condition else (self.string(text) or Template(())).exprs
        except TemplateSyntaxError as exc:
            at = f" (at character {exc.offset})" if exc.offset is not None else ""
            self.problems.append(
                CompileError(f"template syntax error: {exc.message}{at}", node_id=owner, position=position)
            )
            return
        for expr in exprs:
            for ref in expr.refs:
                message = self._reference_problem(
                    context, ref.root, ref.fields, self_allowed=self_allowed, per_item=per_item
                )
                if message and not any(
                    p.message == message and p.position == position for p in self.problems[-4:]
                ):
                    self.problems.append(CompileError(message, node_id=owner, position=position))

    def _reference_problem(
        self, context: str, root: str, fields: tuple[str, ...], *, self_allowed: bool, per_item: bool
    ) -> str | None:
        graph = self.graph
        shown = ".".join((root, *fields))
        if root in graph.nodes:
            if root == context and not self_allowed:
                return f"'{shown}' refers to the node itself"
            if root != context and not graph.has_certainly_run(root, context):
                loop = graph.region.get(root)
                if loop is not None and context not in graph.loop_body[loop]:
                    return (
                        f"'{shown}' refers to node '{root}', which runs inside the body of loop '{loop}': "
                        f"read its outputs from '{loop}.results'"
                    )
                if graph.is_upstream(context, root):
                    return f"'{shown}' refers to node '{root}', which runs after this node (downstream)"
                if graph.is_upstream(root, context):
                    return (
                        f"'{shown}' refers to node '{root}', which may not have run before this node "
                        "(it is on a conditional path or an error path)"
                    )
                return f"'{shown}' refers to node '{root}', which is not upstream of this node"
            spec = graph.spec(root)
            schema = _model_schema(spec.output)
            on_error = graph.nodes[root].on_error
            if (
                fields
                and fields[0] in ("error", "cause")
                and (on_error is not None or graph.flow.settings.error_strategy != "stop_on_error")
            ):
                return None
            missing = missing_field(schema, fields)
            if missing is not None:
                name, known = missing
                has = f" (fields: {', '.join(known)})" if known else ""
                return f"'{shown}': the output of node '{root}' ({spec.type}) has no field '{name}'{has}"
            return None
        if root == "input":
            if graph.flow.input_schema and fields:
                missing = missing_field(graph.flow.input_schema, fields)
                if missing is not None:
                    return f"'{shown}': the flow's input_schema has no field '{missing[0]}'"
            return None
        if root == "execution":
            if fields and fields[0] not in _EXECUTION_FIELDS:
                return f"'{shown}': execution has no field '{fields[0]}' (fields: {', '.join(sorted(_EXECUTION_FIELDS))})"
            return None
        if root in ("item", "index"):
            if graph.region.get(context) is None and not per_item:
                return f"'{root}' is only available inside a loop body"
            return None
        if root == "error":
            if context not in graph.error_path_nodes:
                return "'error' is only available in an error path (on_error.route_to, settings.error_path)"
            if fields and fields[0] not in _ERROR_FIELDS:
                return f"'{shown}': error has no field '{fields[0]}' (fields: {', '.join(sorted(_ERROR_FIELDS))})"
            return None
        if root == "vars":
            if not self.set_nodes_upstream(context):
                return "'vars' is used but no set node runs before this node"
            return None
        return f"unknown reference '{root}': not a node id nor one of {', '.join(sorted(CONTEXT_ROOTS))}"

    def set_nodes_upstream(self, context: str) -> list[str]:
        """Set-kind nodes upstream of a node, in topological order (later ones win in `vars`)."""
        graph = self.graph
        found = [n for n in graph.order if graph.kind(n) == "set" and graph.is_upstream(n, context)]
        return found
