"""JSONata for ASL states through jsonata-python: cached compilation, `$states` and variables bound.

Evaluation problems become `States.QueryEvaluationError` with the messages AWS uses. The
jsonata package is imported only when a definition uses JSONata, to keep start-up fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from statemachines.runtime.errors import QueryEvaluationError

__all__ = [
    "Bindings",
    "JsonataExpression",
    "compile_jsonata",
    "expression_text",
    "is_jsonata",
    "to_json_compact",
]

_cache: dict[str, JsonataExpression] = {}
_UNDEFINED = object()


def is_jsonata(value: Any) -> bool:
    """True for a `{% ... %}` string."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def expression_text(value: str) -> str:
    """The expression inside `{% ... %}`."""
    return value[2:-2].strip()


def to_json_compact(value: Any) -> str:
    """JSON text as AWS prints values in error messages."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Bindings(dict[str, Any]):
    """Raw JSONata bindings (variables and `$states`), converted for jsonata-python on first need.

    `cache` (owned by the interpreter) remembers converted variable values by identity, so large
    variables that do not change are not copied again for every state that needs the library.
    """

    __slots__ = ("cache", "converted")

    def __init__(self, values: dict[str, Any], cache: dict[int, tuple[Any, Any]] | None = None) -> None:
        super().__init__(values)
        self.converted: dict[str, Any] | None = None
        self.cache = cache

    def for_library(self) -> dict[str, Any]:
        """The bindings in jsonata-python's representation (computed once)."""
        if self.converted is None:
            converted = {k: self._convert(v) for k, v in self.items() if k != "states"}
            states = self.get("states")
            if isinstance(states, dict):
                converted["states"] = {k: self._convert(v) for k, v in states.items()}
            self.converted = converted
        return self.converted

    def _convert(self, value: Any) -> Any:
        cache = self.cache
        if cache is None or type(value) not in (dict, list):
            return to_jsonata(value)
        hit = cache.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        if len(cache) > 1024:
            cache.clear()
        converted = to_jsonata(value)
        cache[id(value)] = (value, converted)
        return converted


class JsonataExpression:
    """One compiled JSONata expression (the text between `{%` and `%}`)."""

    __slots__ = ("_compiled", "_error", "_fast", "text", "uses_context")

    def __init__(self, text: str) -> None:
        from statemachines.runtime.jsonata_fast import compile_fast

        self.text = text
        self.uses_context = "context" in text
        self._error: str | None = None
        self._compiled: Any = None
        self._fast = compile_fast(text)
        if self._fast is None:
            self._compile()

    def _compile(self) -> None:
        import jsonata

        from statemachines.runtime.jsonata_functions import register_functions

        text = self.text
        try:
            compiled = jsonata.Jsonata(text)
            compiled.set_output_convert_nulls(False)
            register_functions(compiled)
            self._compiled = compiled
        except jsonata.JException as exc:
            self._compiled = None
            self._error = f"{exc.error}: {_message(exc)}"

    def evaluate(self, bindings: Mapping[str, Any], field: str) -> Any:
        """Evaluate with raw `bindings` (see `Bindings`); `field` names the field in errors."""
        if self._fast is not None:
            from statemachines.runtime.jsonata_fast import UNDEFINED, Fallback

            try:
                value = self._fast(bindings)
            except Fallback:
                pass
            else:
                if value is UNDEFINED:
                    raise QueryEvaluationError(
                        f"The JSONata expression '{self.text}' specified for the field '{field}' "
                        "returned nothing (undefined)."
                    )
                return value
            if self._compiled is None and self._error is None:
                self._compile()
        import jsonata

        library_bindings = (
            bindings.for_library() if isinstance(bindings, Bindings) else to_jsonata(dict(bindings))
        )
        if self._compiled is None:
            raise QueryEvaluationError(
                f"The JSONata expression '{self.text}' specified for the field '{field}' "
                f"threw an error during evaluation. {self._error}"
            )
        try:
            raw = self._compiled.evaluate(None, library_bindings)
        except jsonata.JException as exc:
            raise QueryEvaluationError(
                f"The JSONata expression '{self.text}' specified for the field '{field}' "
                f"threw an error during evaluation. {exc.error}: {_message(exc)}"
            ) from None
        except QueryEvaluationError:
            raise
        except Exception as exc:  # errors raised by registered functions
            error = getattr(exc, "error", None)
            if error is not None and getattr(exc, "cause", None) is not None:
                raise
            raise QueryEvaluationError(
                f"The JSONata expression '{self.text}' specified for the field '{field}' "
                f"threw an error during evaluation. {exc}"
            ) from None
        if raw is None:
            raise QueryEvaluationError(
                f"The JSONata expression '{self.text}' specified for the field '{field}' returned nothing (undefined)."
            )
        value = from_jsonata(raw)
        if value is _UNDEFINED:
            raise QueryEvaluationError(
                f"The JSONata expression '{self.text}' specified for the field '{field}' returned an unsupported result type."
            )
        return value


def _message(exc: Any) -> str:
    text = str(exc)
    # jsonata-python prefixes nothing: the message is the text after the code
    return text


def compile_jsonata(text: str) -> JsonataExpression:
    """Compile (once, cached) the JSONata expression `text`."""
    expr = _cache.get(text)
    if expr is None:
        expr = JsonataExpression(text)
        _cache[text] = expr
    return expr


def to_jsonata(value: Any) -> Any:
    """Copy a JSON value into jsonata-python's representation (null as its NULL_VALUE)."""
    from jsonata.utils import Utils

    null = Utils.NULL_VALUE

    def conv(v: Any) -> Any:
        if v is None:
            return null
        t = type(v)
        if t is dict:
            return {k: conv(x) for k, x in v.items()}
        if t is list:
            return [conv(x) for x in v]
        return v

    return conv(value)


def from_jsonata(value: Any) -> Any:
    """Copy a jsonata-python result back to plain JSON values; `_UNDEFINED` for functions."""
    from jsonata.utils import Utils

    null = Utils.NULL_VALUE
    bad = False

    def conv(v: Any) -> Any:
        nonlocal bad
        if v is None or v is null:
            return None
        if isinstance(v, (bool, str)):
            return v
        if isinstance(v, int):
            return v
        if isinstance(v, float):
            return int(v) if v.is_integer() and abs(v) < 2**53 else v
        if isinstance(v, Mapping):
            return {k: conv(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [conv(x) for x in v if x is not None]
        bad = True
        return None

    out = conv(value)
    return _UNDEFINED if bad else out
