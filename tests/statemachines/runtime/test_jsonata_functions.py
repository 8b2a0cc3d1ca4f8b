"""AWS's extra JSONata functions ($partition, $range, $hash, $random, $uuid, $parse) and the corpus."""

from __future__ import annotations

from typing import Any

import jsonata
import pytest
from jsonata.utils import Utils

from statemachines.runtime.intrinsics import SeededEntropy, use_entropy
from statemachines.runtime.jsonata_functions import FUNCTIONS, JsonataFunctionError, register_functions
from tests.statemachines.runtime._corpus import load_cases, only_state, same_json

_UNDEFINED = object()


def _to_jsonata(value: Any) -> Any:
    if value is None:
        return Utils.NULL_VALUE
    if isinstance(value, dict):
        return {key: _to_jsonata(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_jsonata(item) for item in value]
    return value


def run(expression: str, states_input: Any = None) -> Any:
    """Evaluate `expression` as the runtime does: nulls kept, `$states.input` bound."""
    compiled = jsonata.Jsonata(expression)
    compiled.set_output_convert_nulls(False)
    register_functions(compiled)
    result = compiled.evaluate(None, {"states": {"input": _to_jsonata(states_input)}})
    return _UNDEFINED if result is None else Utils.convert_nulls(result)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("$partition([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]], id="partition"),
        pytest.param("$partition([0], 1)", [[0]], id="partition-single-chunk-stays-nested"),
        pytest.param("$partition([null, 1], 1)", [[None], [1]], id="partition-keeps-nulls"),
        pytest.param("$range(0, 10, 3)", [0, 3, 6, 9], id="range"),
        pytest.param("$range(1, 9, 9)", 1, id="range-single-item-is-the-item"),
        pytest.param("$range(3, 1, -1)", [3, 2, 1], id="range-descending"),
        pytest.param("$count($range(1, 1000, 1))", 1000, id="range-1000"),
        pytest.param("$hash('input data', 'MD5')", "812f45842bc6d66ee14572ce20db8e86", id="hash-md5"),
        pytest.param(
            "$hash('input data', 'SHA-256')",
            "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
            id="hash-sha256",
        ),
        pytest.param("$parse('{\"a\": [1, null]}')", {"a": [1, None]}, id="parse-object"),
        pytest.param("$parse('-0')", 0, id="parse-negative-zero"),
        pytest.param("$parse('null')", None, id="parse-null"),
        pytest.param("$parse('\"x\"') & 'y'", "xy", id="parse-string"),
        pytest.param("$random(42)", 0.7275636800328681, id="random-seed-is-java-util-random"),
        pytest.param("$random() >= 0 and $random() < 1", True, id="random-in-unit-interval"),
    ],
)
def test_function_result(expression: str, expected: Any) -> None:
    assert same_json(run(expression), expected)


def test_partition_of_empty_array_is_undefined() -> None:
    assert run("$partition([], 2)") is _UNDEFINED


def test_range_in_wrong_direction_is_undefined() -> None:
    assert run("$range(5, 1, 1)") is _UNDEFINED


def test_uuid_comes_from_the_current_entropy() -> None:
    with use_entropy(SeededEntropy("x")):
        first = run("$uuid()")
    with use_entropy(SeededEntropy("x")):
        again = run("$uuid()")
    assert first == again and len(first) == 36 and first[14] == "4"


def test_functions_see_states_input() -> None:
    assert run("$partition($states.input.items, 2)", {"items": [1, 2, 3]}) == [[1, 2], [3]]


@pytest.mark.parametrize(
    ("expression", "function"),
    [
        pytest.param("$partition([1], 0)", "$partition", id="partition-chunk-zero"),
        pytest.param("$partition('abc', 1)", "$partition", id="partition-not-array"),
        pytest.param("$partition([1])", "$partition", id="partition-one-argument"),
        pytest.param("$range(1, 1001, 1)", "$range", id="range-over-1000"),
        pytest.param("$range(1, 5, 0)", "$range", id="range-step-zero"),
        pytest.param("$range(1, 5)", "$range", id="range-two-arguments"),
        pytest.param("$hash('x', 'SHA-3')", "$hash", id="hash-unknown-algorithm"),
        pytest.param("$hash(1, 'MD5')", "$hash", id="hash-not-string"),
        pytest.param("$hash(null, 'MD5')", "$hash", id="hash-null"),
        pytest.param("$parse('{bad')", "$parse", id="parse-invalid-json"),
        pytest.param("$parse(1)", "$parse", id="parse-not-string"),
        pytest.param("$random({})", "$random", id="random-object-seed"),
        pytest.param("$random('42')", "$random", id="random-string-seed"),
        pytest.param("$uuid(1)", "$uuid", id="uuid-with-argument"),
    ],
)
def test_invalid_arguments_raise_function_error(expression: str, function: str) -> None:
    with pytest.raises(JsonataFunctionError) as caught:
        run(expression)
    assert caught.value.function == function
    assert str(caught.value).startswith(f"{function}: ")
    assert "NullValue" not in str(caught.value)


def test_eval_is_not_available_as_on_aws() -> None:
    with pytest.raises(jsonata.JException) as caught:
        run("$eval('1+1')")
    assert caught.value.error == "T1006"


def test_all_aws_functions_are_registered() -> None:
    assert set(FUNCTIONS) == {"partition", "range", "hash", "random", "uuid", "parse"}


# --- the AWS-recorded corpus ----------------------------------------------------------------------


def _jsonata_cases() -> list[Any]:
    cases = []
    for case in load_cases("intrinsic_functions"):
        state = only_state(case)
        if state is not None and state.get("QueryLanguage") == "JSONata" and state["Type"] == "Pass":
            cases.append(pytest.param(case, id=case["name"]))
    return cases


CORPUS_CASES = _jsonata_cases()


def _evaluate_output(template: Any, states_input: Any) -> Any:
    if isinstance(template, dict):
        return {key: _evaluate_output(value, states_input) for key, value in template.items()}
    return run(template.removeprefix("{%").removesuffix("%}").strip(), states_input)


@pytest.mark.conformance
@pytest.mark.skipif(not CORPUS_CASES, reason="conformance corpus not available")
@pytest.mark.parametrize("case", CORPUS_CASES)
def test_corpus_jsonata_output_matches_aws(case: dict[str, Any]) -> None:
    # Given a one-state JSONata Pass whose Output calls AWS's functions
    state = only_state(case)
    assert state is not None
    expected = case["expected"]
    if expected["status"] == "FAILED":
        # Then AWS's evaluation error carries the same JSONata error code and message
        with pytest.raises(jsonata.JException) as caught:
            _evaluate_output(state["Output"], case["input"])
        assert expected["cause"].endswith(f"{caught.value.error}: {caught.value}")
        return
    # When the Output is evaluated, Then it is what AWS recorded
    assert same_json(_evaluate_output(state["Output"], case["input"]), expected["output"])


def test_corpus_jsonata_cases_are_found() -> None:
    if not CORPUS_CASES:
        pytest.skip("conformance corpus not available")
    assert len(CORPUS_CASES) == 32
