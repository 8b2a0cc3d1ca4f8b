"""Object constructors, `?:`, `$merge` and `$sift` on the JSONata fast path agree with jsonata-python.

Every case compares the fast closure with the library on the same bindings: same value (compared
as JSON text, so key order, `true` against `1` and `1.0` against `1` count), same undefined, and
where the library raises an error the closure must have fallen back to it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statemachines.runtime.errors import QueryEvaluationError
from statemachines.runtime.jsonata import Bindings, compile_jsonata, from_jsonata, to_jsonata
from statemachines.runtime.jsonata_fast import UNDEFINED, Fallback, compile_fast

Outcome = tuple[str, str]

BINDINGS: dict[str, Any] = {
    "i": 2,
    "s": "ab",
    "t": True,
    "f": False,
    "n": None,
    "d": {"a": 1, "b": [1, 2]},
    "e": {},
    "l": [1, {"x": 2}],
    "el": [],
    "n_parse": {"n": 21},
    "n_double": {"doubled": -4},
    "n_tag": {"sign": "negative"},
    "n_check": {"result": False},
    "states": {"input": {"a": 1}, "context": {"Execution": {"Input": {"body": {"n": 21}}}}},
}

# The expressions the flow compiler writes for its nodes.
COMPILER = [
    '{"n": ($states.context.Execution.Input.body.n)}',
    '{"doubled": ($n_parse.n * 2)}',
    '{"result": ($n_double.doubled >= 0) ? true : false}',
    '{"sign": "non-negative"}',
    '{"n": ($n_parse.n), "doubled": ($n_double.doubled), "sign": ($n_tag.sign)}',
    '$merge([{}, $sift({"parse": $n_parse, "double": $n_double, "check": $n_check}, function($v) { $v != null })])',
]

FAST = [
    *COMPILER,
    # object constructors
    "{}",
    '{"a": $nope}',
    "{'a': 1, \"b\": 'x'}",
    '{"list": $l, "empty list": $el, "object": $d, "empty": $e, "null": $n, "gone": $d.zz}',
    '{"a": {"b": {}, "c": {"d": $i + 1}}}',
    '{"b": 1, "a": 2}',
    '{"x": 1.0, "y": 1.5, "z": 1e2}',
    "$exists({})",
    '{"a": 1} = null',
    # the conditional
    "$t ? 1 : 2",
    "$f ? 1 : 2",
    "$f ? 1",
    "$t ? 1",
    "$t ? false ? 1 : 2 : 3",
    "false ? 1 : true ? 2 : 3",
    "$t ? 1 : 2 ? 3 : 4",
    "$t or false ? 1 : 2",
    "$f and $t ? 1 : 2",
    "$f ? 1 : 2 + 3",
    "$t ? 1 + 1 : 2",
    "1 + 1 = 2 ? 'y' : 'n'",
    "$i > 1 ? $s & 'c' : $s",
    "'a' & ($t ? 'b' : 'c')",
    '{"a": $f ? 1, "b": $t ? 2}',
    "$t ? {'a': 1} : {}",
    "($t ? 1 : 2) * 10",
    "$exists($f ? 1)",
    # $merge
    "$merge([])",
    "$merge([{}])",
    "$merge([{}, {}])",
    "$merge([$nope])",
    "$merge([{}, $nope, $d.zz])",
    '$merge([$d, {"a": 2, "z": 3}, $e])',
    '$merge([{"a": 1}, $f ? {"b": 2}])',
    # $sift
    '$sift({"a": 1, "b": null}, function($v) { $v != null })',
    '$sift({"b": null}, function($v) { $v != null })',
    "$sift({}, function($v) { $v != null })",
    '$sift({"a": 1, "b": 2}, function($v) { $v = $i - 1 })',
    '$sift({"a": $d, "b": $l, "c": $el, "e": $e}, function($v) { null != $v })',
    '$sift({"a": {"x": 1}, "b": {"x": 2}}, function($v) { $v.x = 2 })',
    '$sift({"a": 1, "b": 2}, function($i) { $i > 1 })',
    '$sift({"a": 1}, function($v) { $string($v) = "1" })',
    '$merge([$sift({"a": null}, function($v) { $v != null })])',
    # = and != between an object or an array and null
    "$d != null",
    "$d = null",
    "null = $l",
    "$el != null",
    "$e = null",
]

FALLBACK = [
    # non-boolean conditions
    "$i ? 1 : 2",
    "$nope ? 1 : 2",
    "$n ? 1 : 2",
    "$el ? 1 : 2",
    "$s ? 1",
    "$d ? 1 : 2",
    # $merge members that are not objects: arrays are flattened, anything else is an error
    "$merge([$d, $l])",
    "$merge([$el])",
    "$merge([$d, 1])",
    "$merge([$d, $n])",
    # $sift on other values, or with a body that is not boolean
    "$sift($l, function($v) { true })",
    "$sift($nope, function($v) { true })",
    "$sift($i, function($v) { true })",
    "$sift($d, function($v) { $v })",
    "$sift($d, function($v) { $nope })",
    "$sift($d, function($v) { 1 })",
    # deep equality stays with the library
    "$d = $d",
    "$l != $e",
    # objects where the fast operators have no rule
    "{} + 1",
    "$string({})",
    "$count({'a': 1})",
]

NOT_COMPILED = [
    '{"a": 1, "a": 2}',
    "{'a': 1, \"a\": 2}",
    "{a: 1}",
    "{$s: 1}",
    '{"a": 1,}',
    '{"a" 1}',
    '{"a": 1}.a',
    '$d{"a": 1}',
    "($t ? 1 : 2).a",
    "[1, 2]",
    "[{}]",
    "$merge($d)",
    "$merge([[$d]])",
    "$merge([{}], 1)",
    "$merge([{},])",
    "$sift($d)",
    "$sift($d, $f)",
    "$sift($d, function($v, $k) { true })",
    "$sift($d, function($v)<x:b> { true })",
    "$sift($d, function($v) { true }, 1)",
    "$sift($d, function(v) { true })",
    "function($v) { $v }",
    "$t ?: 1",
    "$t ?? 1",
    "$t ? 1 :",
    "$t ?",
    "$t ? : 1",
    "$x := 1",
    "$t ? $x := 1 : 2",
    "01",
    "1e400",
    "9007199254740993",
    "1e20",
]


def library(text: str, bindings: dict[str, Any]) -> Outcome:
    """What jsonata-python gives: a value (as JSON text), undefined, or an error."""
    import jsonata

    try:
        expr = jsonata.Jsonata(text)
        expr.set_output_convert_nulls(False)
        raw = expr.evaluate(None, to_jsonata(bindings))
    except Exception:  # JException, or an internal error of the library: both fail the state
        return ("error", "")
    if raw is None:
        return ("undefined", "")
    return ("value", json.dumps(from_jsonata(raw)))


def fast(text: str, bindings: dict[str, Any]) -> Outcome:
    """What the fast closure gives: a value (as JSON text), undefined, or a fallback."""
    closure = compile_fast(text)
    assert closure is not None, text
    try:
        value = closure(bindings)
    except Fallback:
        return ("fallback", "")
    if value is UNDEFINED:
        return ("undefined", "")
    return ("value", json.dumps(value))


def end_to_end(text: str, bindings: dict[str, Any]) -> Outcome:
    """What the runtime's expression gives (fast path, then the library on a fallback)."""
    try:
        value = compile_jsonata(text).evaluate(Bindings(bindings), "Output")
    except QueryEvaluationError as exc:
        return ("undefined", "") if "returned nothing" in str(exc) else ("error", "")
    return ("value", json.dumps(value))


@pytest.mark.parametrize("text", FAST)
def test_runs_on_the_fast_path_and_matches_the_library(text: str) -> None:
    outcome = fast(text, BINDINGS)
    assert outcome[0] != "fallback"
    assert outcome == library(text, BINDINGS)


@pytest.mark.parametrize("text", COMPILER)
def test_compiler_expressions_take_the_fast_path_on_plain_values(text: str) -> None:
    plain = {**BINDINGS, "n_double": {"doubled": 42}, "n_check": {"result": True}, "n_tag": {"sign": "x"}}
    outcome = fast(text, plain)
    assert outcome[0] == "value"
    assert outcome == library(text, plain)


@pytest.mark.parametrize("text", FALLBACK)
def test_other_values_fall_back_to_the_library(text: str) -> None:
    assert fast(text, BINDINGS) == ("fallback", "")
    assert end_to_end(text, BINDINGS) == library(text, BINDINGS)


@pytest.mark.parametrize(
    "text",
    [
        "$x + 1",
        "$w + 2",
        "$w * 3",
        "$y - 1",
        "$x = $x2",
        "$x > $x2",
        "$string($x)",
        "$string($q)",
        "$number($s)",
    ],
)
def test_numbers_the_library_rounds_fall_back(text: str) -> None:
    # JSONata computes with doubles: integers past 2**53 are rounded, and $string writes 15 digits
    bindings = {"x": 2**60 + 1, "x2": 2**60, "w": 2**53 - 1, "y": 1e20, "q": 10**15, "s": "1e20"}
    assert fast(text, bindings) == ("fallback", "")
    assert end_to_end(text, bindings) == library(text, bindings)


@pytest.mark.parametrize(
    ("text", "shadowing"),
    [
        ("$merge([{}])", {"merge": 1}),
        ('$sift({"a": 1}, function($v) { true })', {"sift": 1}),
        ('$sift({"a": 1}, function($v) { $string($v) = "1" })', {"string": 1}),
        ('$sift({"a": 1}, function($string) { $string($string) = "1" })', {}),
        ('$sift({"a": 1}, function($v) { $v }) ? 1 : 2', {}),
    ],
)
def test_variables_shadowing_functions_fall_back(text: str, shadowing: dict[str, Any]) -> None:
    bindings = {**BINDINGS, **shadowing}
    assert fast(text, bindings) == ("fallback", "")
    assert end_to_end(text, bindings) == library(text, bindings)


def test_the_lambda_parameter_hides_a_variable_of_the_same_name() -> None:
    text = '$sift({"a": 1, "b": 2}, function($i) { $i = 2 })'
    assert fast(text, BINDINGS) == ("value", '{"b": 2}') == library(text, BINDINGS)


@pytest.mark.parametrize("text", NOT_COMPILED)
def test_other_forms_are_not_compiled(text: str) -> None:
    assert compile_fast(text) is None


def test_results_are_fresh_objects() -> None:
    closure = compile_fast('$merge([{}, {"a": {}}])')
    assert closure is not None
    first = closure(BINDINGS)
    first["b"] = 1
    first["a"]["c"] = 1
    assert closure(BINDINGS) == {"a": {}}


# Random expressions of the subset on random bindings.

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.5, -1.25, 10**15 - 1, 10**15, 2**53 - 1, 2**53, 2**60 + 1, 1e20])
    | st.sampled_from(["", "a", "b"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from("xyz"), children, max_size=3)
    ),
    max_leaves=8,
)
_bindings = st.dictionaries(
    st.sampled_from(["a", "b", "c", "v", "merge", "sift", "string"]), _json, max_size=5
)
_leaves = st.sampled_from(
    [
        "$a",
        "$b",
        "$c",
        "$v",
        "$a.x",
        "$b.y.z",
        "$nope",
        "0",
        "1",
        "2.5",
        "'a'",
        '"b"',
        "true",
        "false",
        "null",
    ]
)
_BINARY_OPS = ["=", "!=", "<", "<=", ">", ">=", "and", "or", "+", "-", "*", "/", "%", "&"]


def _key(name: str, double: bool) -> str:
    return f'"{name}"' if double else f"'{name}'"


@st.composite
def _expressions(draw: st.DrawFn, depth: int = 3) -> str:
    """Random text of the subset, operators unparenthesized so that precedence matters."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(_leaves)

    def sub() -> str:
        return draw(_expressions(depth - 1))

    kind = draw(
        st.sampled_from(["paren", "binary", "if-else", "if", "object", "merge", "sift", "exists", "string"])
    )
    if kind == "paren":
        return f"({sub()})"
    if kind == "binary":
        return f"{sub()} {draw(st.sampled_from(_BINARY_OPS))} {sub()}"
    if kind == "if-else":
        return f"{sub()} ? {sub()} : {sub()}"
    if kind == "if":
        return f"{sub()} ? {sub()}"
    if kind == "object":
        keys = draw(st.lists(st.sampled_from("xyz"), max_size=3, unique=True))
        return "{" + ", ".join(f"{_key(k, draw(st.booleans()))}: {sub()}" for k in keys) + "}"
    if kind == "merge":
        return "$merge([" + ", ".join(sub() for _ in range(draw(st.integers(0, 3)))) + "])"
    if kind == "sift":
        return f"$sift({sub()}, function($v) {{ {sub()} }})"
    return f"${kind}({sub()})"


@settings(max_examples=400, deadline=None)
@given(text=_expressions(), bindings=_bindings)
def test_random_expressions_agree_with_the_library(text: str, bindings: dict[str, Any]) -> None:
    expected = library(text, bindings)
    outcome = fast(text, bindings)
    if outcome[0] == "fallback":
        assert end_to_end(text, bindings) == expected
    else:
        assert outcome == expected


_objects = st.dictionaries(st.sampled_from("pqr"), _json, max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.tuples(st.sampled_from("abcd"), _json), max_size=4, unique_by=lambda p: p[0]),
    objects=st.lists(_objects | st.none(), max_size=3),
)
def test_the_compilers_output_shape_agrees_with_the_library(
    values: list[tuple[str, Any]], objects: list[dict[str, Any] | None]
) -> None:
    # the node outputs the compiler merges: each a variable that may be undefined, null or any value
    bindings = {name: value for name, value in values}
    pairs = ", ".join(f'"k{name}": ${name}' for name in "abcd")
    members = ", ".join(f"$o{i}" if obj is not None else "$nope" for i, obj in enumerate(objects))
    bindings.update({f"o{i}": obj for i, obj in enumerate(objects) if obj is not None})
    text = f"$merge([{{}}, {members + ', ' if members else ''}$sift({{{pairs}}}, function($v) {{ $v != null }})])"
    outcome = fast(text, bindings)
    assert outcome[0] == "value"
    assert outcome == library(text, bindings)
