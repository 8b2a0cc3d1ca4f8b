"""Payload templates compiled once: JSONPath (`Parameters`, `ResultSelector`, `Assign`, `.$` keys)
and JSONata (`Arguments`, `Output`, `Assign`, `{% %}` strings anywhere in a value)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from statemachines.runtime.errors import PathNotFound, RuntimeFailure
from statemachines.runtime.jsonata import compile_jsonata, expression_text, is_jsonata
from statemachines.runtime.jsonpath import JsonPath, compile_path

__all__ = [
    "Env",
    "JsonataTemplate",
    "Payload",
    "compile_jsonata_template",
    "compile_payload",
    "compile_value_expr",
    "path_error",
]


class Env(Protocol):
    """What templates need from the interpreter: path resolution against `$$` and variables."""

    def resolve(self, path: JsonPath, data: Any) -> Any:
        """Select `path` from `data`, the context object or a variable; raises PathNotFound."""
        ...


Payload = Callable[[Any, Env], Any]
JsonataTemplate = Callable[[Mapping[str, Any]], Any]


def path_error(path: str, field: str, data: Any) -> RuntimeFailure:
    """AWS's States.Runtime error for a `.$` path that selects nothing."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return RuntimeFailure(
        f"The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{text}'"
    )


def compile_value_expr(text: str, field: str) -> Payload:
    """Compile the string of a `.$` key: a path (`$.a`, `$$.x`, `$var`) or an intrinsic function."""
    if text.startswith("$"):
        try:
            path = compile_path(text)
        except ValueError as exc:
            raise ValueError(f"invalid JSONPath '{text}' in field '{field}': {exc}") from None

        def get(data: Any, env: Env) -> Any:
            try:
                return env.resolve(path, data)
            except PathNotFound:
                raise path_error(text, field, data) from None

        return get
    from statemachines.runtime.intrinsics import compile_intrinsic

    fn = compile_intrinsic(text)

    def call(data: Any, env: Env) -> Any:
        def resolver(arg: str) -> Any:
            return env.resolve(compile_path(arg), data)

        try:
            return fn(resolver)
        except PathNotFound as exc:
            raise path_error(exc.path, field, data) from None

    return call


def compile_payload(template: Any) -> Payload:
    """Compile a JSONPath-mode payload template (keys ending in `.$` are evaluated)."""
    if not _has_dynamic(template):
        return lambda data, env: template
    if isinstance(template, list):
        parts_list = [compile_payload(v) for v in template]
        return lambda data, env: [p(data, env) for p in parts_list]
    entries: list[tuple[str, Payload]] = []
    for key, value in template.items():
        if key.endswith(".$") and isinstance(value, str):
            entries.append((key[:-2], compile_value_expr(value, key)))
        else:
            entries.append((key, compile_payload(value)))

    def build(data: Any, env: Env) -> Any:
        return {k: p(data, env) for k, p in entries}

    return build


def _has_dynamic(template: Any) -> bool:
    if isinstance(template, dict):
        return any((k.endswith(".$") and isinstance(v, str)) or _has_dynamic(v) for k, v in template.items())
    if isinstance(template, list):
        return any(_has_dynamic(v) for v in template)
    return False


def compile_jsonata_template(template: Any, field: str) -> JsonataTemplate:
    """Compile a JSONata-mode value: `{% expr %}` strings are evaluated, everything else is literal."""
    if is_jsonata(template):
        expr = compile_jsonata(expression_text(template))
        return lambda bindings: expr.evaluate(bindings, field)
    if isinstance(template, dict) and _has_jsonata(template):
        entries = [(k, compile_jsonata_template(v, f"{field}/{k}")) for k, v in template.items()]
        return lambda bindings: {k: t(bindings) for k, t in entries}
    if isinstance(template, list) and _has_jsonata(template):
        items = [compile_jsonata_template(v, f"{field}[{i}]") for i, v in enumerate(template)]
        return lambda bindings: [t(bindings) for t in items]
    return lambda bindings: template


def _has_jsonata(template: Any) -> bool:
    if is_jsonata(template):
        return True
    if isinstance(template, dict):
        return any(_has_jsonata(v) for v in template.values())
    if isinstance(template, list):
        return any(_has_jsonata(v) for v in template)
    return False


def uses_context(template: Any) -> bool:
    """True when a JSONata template mentions `context` (so `$states.context` must be bound)."""
    if is_jsonata(template):
        return "context" in template
    if isinstance(template, dict):
        return any(uses_context(v) for v in template.values())
    if isinstance(template, list):
        return any(uses_context(v) for v in template)
    return False
