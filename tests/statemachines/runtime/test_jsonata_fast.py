"""The JSONata fast path agrees with jsonata-python, and falls back to it where it must."""

from __future__ import annotations

from typing import Any

import pytest

from statemachines.runtime.jsonata import Bindings, compile_jsonata, from_jsonata, to_jsonata
from statemachines.runtime.jsonata_fast import UNDEFINED, Fallback, compile_fast

BINDINGS: dict[str, Any] = {
    "i": 2,
    "j": 3,
    "s": "ab",
    "ok": True,
    "n": None,
    "states": {"input": {"a": {"b": 5}, "list": [{"x": 1}, {"x": 2}]}},
}
FAST = [
    "$i + 1",
    "$i * 2 + $j",
    "($i + 1) * 2",
    "$i / 4",
    "$i % 3",
    "$s & 'x'",
    "$string($i)",
    "$number('12')",
    "$i < 10 and $ok",
    "$ok or $i",
    "$i = 2",
    "$s != 'ab'",
    "$n = null",
    "$states.input.a.b",
    "$states.input.list",
    "$exists($nope)",
    "$not($ok)",
    "$count($states.input.list)",
    "$uppercase($s)",
]


def library(text: str) -> Any:
    import jsonata

    expr = jsonata.Jsonata(text)
    expr.set_output_convert_nulls(False)
    return from_jsonata(expr.evaluate(None, to_jsonata(BINDINGS)))


@pytest.mark.parametrize("text", FAST)
def test_fast_path_matches_the_library(text: str) -> None:
    fast = compile_fast(text)
    assert fast is not None
    assert fast(BINDINGS) == library(text)


@pytest.mark.parametrize("text", ["$states.input.list.x", "$string(1.5)", "$nope + 1", "$s + 1"])
def test_unusual_values_fall_back_to_the_library(text: str) -> None:
    fast = compile_fast(text)
    assert fast is not None
    with pytest.raises(Fallback):
        fast(BINDINGS)
    # and the expression as a whole still gives the library's answer (or its error)
    expr = compile_jsonata(text)
    try:
        value = expr.evaluate(Bindings(BINDINGS), "Output")
    except Exception as exc:
        assert "States.QueryEvaluationError" in str(exc) or "undefined" in str(exc)
    else:
        assert value == library(text)


@pytest.mark.parametrize("text", ["$map($x, function($v){$v})", "[1, 2]", "-1", "$a ?: 2", "$sum([1])"])
def test_other_expressions_are_not_compiled(text: str) -> None:
    assert compile_fast(text) is None


def test_missing_value_is_undefined() -> None:
    fast = compile_fast("$states.input.missing")
    assert fast is not None
    assert fast(BINDINGS) is UNDEFINED
