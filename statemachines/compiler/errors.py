"""Compile errors: the typed errors of `deca.errors` and the translation of pydantic errors to them."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from deca.errors import CompileError, CompileErrors

__all__ = ["CompileError", "CompileErrors", "errors_from_validation", "raw_graph_errors"]

# pydantic inserts union members into `loc` (the discriminator tag, or `str`, `list[any]`, ...).
_UNION_MEMBER = re.compile(r"^[a-z_]+\[.*\]$|^(str|int|float|bool|none|list|dict|constrained-str)$")
_MODEL_PROBLEM = re.compile(
    r"^(?P<where>(nodes|connections)\[(?P<index>\d+)\][\w.\[\]]*|settings\.\w+): (?P<msg>.+)$"
)


def _node_id(raw: Any, index: int) -> str | None:
    try:
        value = raw["nodes"][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _path(loc: tuple[Any, ...], raw: Any) -> tuple[str, str | None]:
    parts: list[str] = []
    node_id: str | None = None
    tags = {"nodes": 2, "triggers": 2}
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts.append(f"[{part}]")
            if i == 1 and loc[0] == "nodes":
                node_id = _node_id(raw, part)
            continue
        text = str(part)
        if i == tags.get(str(loc[0]), -1) and isinstance(loc[1], int):
            continue  # the discriminator tag of the node / trigger union
        if _UNION_MEMBER.match(text) or text.startswith(("function-", "tagged-union[")):
            continue
        parts.append(text if not parts else f".{text}")
    return "".join(parts), node_id


def _message(error: Any, raw: Any, loc: tuple[Any, ...]) -> str:
    kind = error.get("type")
    if kind == "union_tag_invalid":
        tag = error.get("input", {}).get("type") if isinstance(error.get("input"), dict) else None
        where = str(loc[0]) if loc else ""
        if where == "nodes":
            return f"unknown node type '{tag}' (see `deca nodes`)"
        return f"unknown {where.rstrip('s')} type '{tag}'"
    if kind == "union_tag_not_found":
        return "Field required"
    if kind == "string_pattern_mismatch" and "\\{\\{" in str(error.get("ctx", {}).get("pattern", "")):
        return "should be a `{{ template }}`"
    if kind == "extra_forbidden":
        return f"unknown field '{loc[-1]}'" if loc else "unknown field"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def errors_from_validation(exc: ValidationError, raw: Any) -> list[CompileError]:
    """One readable CompileError per distinct problem of a pydantic ValidationError of a Flow."""
    grouped: dict[tuple[str, str | None], list[str]] = {}
    model_level: list[CompileError] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        position, node_id = _path(loc, raw)
        if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
            position += ".type"
        message = _message(error, raw, loc)
        if not position and error.get("type") == "value_error":
            model_level.extend(_model_problem(problem, raw) for problem in message.split("; "))
            continue
        messages = grouped.setdefault((position, node_id), [])
        if message not in messages:
            messages.append(message)
    result = [
        CompileError(" or ".join(messages), node_id=node_id, position=position or None)
        for (position, node_id), messages in grouped.items()
    ]
    return result + model_level


def _model_problem(problem: str, raw: Any) -> CompileError:
    """A problem of the Flow model validator (`nodes[1].id: duplicate node id 'x'`) as a CompileError."""
    match = _MODEL_PROBLEM.match(problem)
    if match is None:
        return CompileError(problem)
    index = match.group("index")
    node_id = _node_id(raw, int(index)) if index is not None and problem.startswith("nodes") else None
    return CompileError(match.group("msg"), node_id=node_id, position=match.group("where"))


def raw_graph_errors(raw: Any) -> list[CompileError]:
    """Duplicate ids and dangling connections found on the raw document (when pydantic stopped early)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("nodes"), list):
        return []
    errors: list[CompileError] = []
    seen: set[str] = set()
    for index, node in enumerate(raw["nodes"]):
        node_id = node.get("id") if isinstance(node, dict) else None
        if not isinstance(node_id, str):
            continue
        if node_id in seen:
            errors.append(
                CompileError(f"duplicate node id '{node_id}'", node_id=node_id, position=f"nodes[{index}].id")
            )
        seen.add(node_id)
    connections = raw.get("connections")
    for index, conn in enumerate(connections if isinstance(connections, list) else []):
        if not isinstance(conn, dict):
            continue
        for end in ("from", "to"):
            ref = conn.get(end)
            if isinstance(ref, str) and ref not in seen:
                errors.append(CompileError(f"unknown node '{ref}'", position=f"connections[{index}].{end}"))
    return errors
