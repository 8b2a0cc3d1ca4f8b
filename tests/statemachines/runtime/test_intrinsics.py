"""ASL intrinsic functions: parsing, each States.* function, AWS errors, and the recorded corpus."""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statemachines.runtime.errors import DefinitionError, PathNotFound, StatesError
from statemachines.runtime.intrinsics import (
    FUNCTION_NAMES,
    SeededEntropy,
    compile_intrinsic,
    describe_intrinsic,
    evaluate_intrinsic,
    is_intrinsic,
    use_entropy,
)
from tests.statemachines.runtime._corpus import (
    context_object,
    expected_output,
    load_cases,
    only_state,
    same_json,
    tiny_resolver,
)

DOC: dict[str, Any] = {
    "s": "HelloWorld",
    "empty": "",
    "n": 7,
    "f": 1.1,
    "big": 1e20,
    "t": True,
    "nil": None,
    "arr": [1, 2, 3, 4, 5],
    "obj": {"a": 1, "b": [1, 2], "c": None},
    "tmpl": "v={}",
    "nested": {"deep": {"x": "y"}},
    "list": ["a", "b"],
}
CONTEXT = {"Execution": {"Name": "TestExecution"}, "StateMachine": {"Name": "Machine-Name-1"}}


def run(text: str, doc: Any = DOC) -> Any:
    """Evaluate an intrinsic against `doc` with the test resolver."""
    return compile_intrinsic(text)(tiny_resolver(doc, CONTEXT))


def _case(text: str, expected: Any, case_id: str) -> Any:
    return pytest.param(text, expected, id=case_id)


# --- results ------------------------------------------------------------------------------------

FORMAT_CASES = [
    _case("States.Format('plain')", "plain", "literal-only"),
    _case("States.Format('Hi {}!', $.s)", "Hi HelloWorld!", "string"),
    _case("States.Format('{}', $.empty)", "", "empty-string"),
    _case("States.Format('{} {}', $.n, $.f)", "7 1.1", "int-and-float"),
    _case("States.Format('{}', $.big)", "1.0E20", "large-float-like-java"),
    _case(
        "States.Format('{}|{}|{}', 0.00001, 123456789.0, 0.001)",
        "1.0E-5|1.23456789E8|0.001",
        "float-notation-thresholds",
    ),
    _case("States.Format('{}|{}', 2.0, -0.0)", "2.0|-0.0", "integral-floats-keep-decimal"),
    _case("States.Format('{}', 12345678901234567890)", "12345678901234567890", "big-integer"),
    _case("States.Format('{}|{}', $.t, $.nil)", "true|null", "boolean-and-null"),
    _case("States.Format('{}', $.obj)", "{a=1, b=[1, 2], c=null}", "object-like-java-map"),
    _case("States.Format('{}', $.list)", "[a, b]", "array-like-java-list"),
    _case("States.Format('\\{\\} {}', $.n)", "{} 7", "escaped-braces-are-literal"),
    _case("States.Format('it\\'s {}', $.s)", "it's HelloWorld", "escaped-quote"),
    _case("States.Format('a\\\\b')", "a\\b", "escaped-backslash"),
    _case("States.StringSplit('Hello\nWorld', '\n')", ["Hello", "World"], "raw-newline-in-literal"),
    _case("States.Format($.tmpl, 3)", "v=3", "template-from-path"),
    _case("States.Format('{}{}', 'a', States.Format('{}', 1))", "a1", "nested-call"),
    _case("States.Format('{}', $$.Execution.Name)", "TestExecution", "context-path"),
]

JSON_CASES = [
    _case("States.StringToJson('')", None, "blank-is-null"),
    _case("States.StringToJson('  ')", None, "whitespace-is-null"),
    _case("States.StringToJson('-0')", 0, "negative-zero"),
    _case("States.StringToJson('[1, \"a\"]')", [1, "a"], "array"),
    _case('States.StringToJson(\'\\{"a": \\{"b": null\\}\\}\')', {"a": {"b": None}}, "escaped-object"),
    _case("States.StringToJson('{\"a\": 1}')", {"a": 1}, "unescaped-object"),
    _case("States.JsonToString($.obj)", '{"a":1,"b":[1,2],"c":null}', "compact-object"),
    _case("States.JsonToString($.s)", '"HelloWorld"', "string-is-quoted"),
    _case("States.JsonToString($.f)", "1.1", "float"),
    _case("States.JsonToString(States.Array($.big, 'é'))", '[1.0E20,"é"]', "jackson-numbers-and-unicode"),
    _case("States.JsonToString($.nested)", '{"deep":{"x":"y"}}', "nested"),
    _case(
        "States.JsonMerge($.obj, $.nested, false)",
        {"a": 1, "b": [1, 2], "c": None, "deep": {"x": "y"}},
        "merge",
    ),
    _case(
        'States.JsonMerge(States.StringToJson(\'{"a": {"x": 1}}\'), States.StringToJson(\'{"a": {"y": 2}}\'), false)',
        {"a": {"y": 2}},
        "shallow-merge-replaces-objects",
    ),
]

ARRAY_CASES = [
    _case("States.Array()", [], "empty"),
    _case(
        "States.Array(1, 'a', true, null, 1.5, $.arr)", [1, "a", True, None, 1.5, [1, 2, 3, 4, 5]], "mixed"
    ),
    _case("States.ArrayPartition($.arr, 2)", [[1, 2], [3, 4], [5]], "partition-remainder"),
    _case("States.ArrayPartition($.arr, 9)", [[1, 2, 3, 4, 5]], "partition-larger-than-array"),
    _case("States.ArrayPartition(States.Array(), 2)", [], "partition-empty"),
    _case("States.ArrayPartition($.arr, 1.5)", [[1, 2], [3, 4], [5]], "partition-rounds-chunk-size"),
    _case("States.ArrayContains($.arr, 3)", True, "contains"),
    _case("States.ArrayContains($.arr, 3.0)", False, "contains-integer-is-not-double-as-in-java"),
    _case("States.ArrayContains(States.Array(1), true)", False, "boolean-is-not-number"),
    _case("States.ArrayContains(States.Array($.obj), $.obj)", True, "contains-object"),
    _case("States.ArrayRange(1, 9, 2)", [1, 3, 5, 7, 9], "range-inclusive-end"),
    _case("States.ArrayRange(0, 10, 3)", [0, 3, 6, 9], "range-stops-before-end"),
    _case("States.ArrayRange(5, 1, -2)", [5, 3, 1], "range-descending"),
    _case("States.ArrayRange(5, 1, 1)", [], "range-wrong-direction-is-empty"),
    _case("States.ArrayRange(1, 1000, 1)", list(range(1, 1001)), "range-1000-items"),
    _case("States.ArrayRange(0.5, 2.4, 0.6)", [1, 2], "range-rounds-arguments"),
    _case("States.ArrayGetItem($.arr, 4)", 5, "get-item"),
    _case("States.ArrayGetItem($.arr, 1.0)", 2, "get-item-integral-float"),
    _case("States.ArrayLength($.arr)", 5, "length"),
    _case(
        "States.ArrayUnique(States.Array(1, 1.0, true, 'a', 'a', null, null, $.obj, $.obj))",
        [1, 1.0, True, "a", None, {"a": 1, "b": [1, 2], "c": None}],
        "unique-keeps-first-java-equality",
    ),
]

ENCODING_CASES = [
    _case("States.Base64Encode('Data to encode')", "RGF0YSB0byBlbmNvZGU=", "encode"),
    _case("States.Base64Encode('é✓')", "w6ninJM=", "encode-utf8"),
    _case("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "Data to encode", "decode"),
    _case("States.Base64Decode('')", "", "decode-empty"),
    _case("States.Hash('input data', 'MD5')", "812f45842bc6d66ee14572ce20db8e86", "md5"),
    _case("States.Hash('input data', 'SHA-1')", "aaff4a450a104cd177d28d18d74485e8cae074b7", "sha1"),
    *[
        _case(
            f"States.Hash('input data', '{algo}')",
            hashlib.new(name, b"input data").hexdigest(),
            algo.lower(),
        )
        for algo, name in (("SHA-256", "sha256"), ("SHA-384", "sha384"), ("SHA-512", "sha512"))
    ],
]

MATH_STRING_CASES = [
    _case("States.MathAdd($.n, -1)", 6, "add-ints"),
    _case("States.MathAdd(1.49, 1.5)", 3, "rounds-each-argument"),
    _case("States.MathAdd(-1.5, 0)", -1, "half-rounds-up-negative"),
    _case("States.MathAdd(-2.5, 0)", -2, "half-rounds-up-negative-even"),
    _case("States.MathAdd(0.5, 0)", 1, "half-rounds-up-positive"),
    _case("States.MathAdd(2147483647, 0)", 2147483647, "max-int"),
    _case("States.StringSplit('a,b,,c', ',')", ["a", "b", "c"], "split-drops-empty"),
    _case(
        "States.StringSplit('This.is+a,test=string', '.+,=')",
        ["This", "is", "a", "test", "string"],
        "split-any-char",
    ),
    _case("States.StringSplit(',,,', ',')", [], "only-delimiters"),
    _case("States.StringSplit('abc', '')", ["abc"], "empty-delimiter"),
    _case("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 1)", "Name", "nested-context"),
]


@pytest.mark.parametrize(
    ("text", "expected"), FORMAT_CASES + JSON_CASES + ARRAY_CASES + ENCODING_CASES + MATH_STRING_CASES
)
def test_intrinsic_returns_aws_result(text: str, expected: Any) -> None:
    # Given an intrinsic call and the test document
    # When it is evaluated
    result = run(text)
    # Then the value is the one AWS returns, with JSON types exact
    assert same_json(result, expected), result


def test_math_add_of_ints_gives_an_int() -> None:
    assert type(run("States.MathAdd($.n, 1)")) is int


def test_uuid_is_a_version_4_uuid_from_the_current_entropy() -> None:
    with use_entropy(SeededEntropy(1)):
        first = run("States.UUID()")
    with use_entropy(SeededEntropy(1)):
        again = run("States.UUID()")
    assert first == again
    assert first[14] == "4" and len(first) == 36


def test_math_random_draws_from_start_inclusive_to_end_exclusive() -> None:
    with use_entropy(SeededEntropy(7)):
        values = {run("States.MathRandom(1, 4)") for _ in range(100)}
    assert values == {1, 2, 3}


def test_math_random_with_seed_is_java_util_random() -> None:
    # new java.util.Random(42).nextInt(10) == 0 and new Random(0).nextInt(100) == 60
    assert run("States.MathRandom(5, 15, 42)") == 5
    assert run("States.MathRandom(0, 100, 0)") == 60


def test_math_random_rounds_non_integer_bounds() -> None:
    assert run("States.MathRandom(12.5, 14.4, 1)") == 13


# --- runtime errors -------------------------------------------------------------------------------

RUNTIME_ERRORS = [
    _case("States.Format('{} {}', 1)", "States.Format", "format-too-few-arguments"),
    _case("States.Format($.n)", "States.Format", "format-template-not-string"),
    _case("States.StringToJson('{bad')", "States.StringToJson", "invalid-json"),
    _case("States.StringToJson($.n)", "States.StringToJson", "not-a-string"),
    _case("States.ArrayPartition($.arr, 0)", "States.ArrayPartition", "chunk-zero"),
    _case("States.ArrayPartition($.s, 1)", "States.ArrayPartition", "partition-not-array"),
    _case("States.ArrayContains($.obj, 1)", "States.ArrayContains", "contains-not-array"),
    _case("States.ArrayRange(1, 1001, 1)", "States.ArrayRange", "range-over-1000"),
    _case("States.ArrayRange(1, 5, 0)", "States.ArrayRange", "range-step-zero"),
    _case("States.ArrayRange('1', 5, 1)", "States.ArrayRange", "range-not-number"),
    _case("States.ArrayGetItem($.arr, 5)", "States.ArrayGetItem", "index-out-of-bounds"),
    _case("States.ArrayGetItem($.arr, -1)", "States.ArrayGetItem", "negative-index"),
    _case("States.ArrayLength($.s)", "States.ArrayLength", "length-not-array"),
    _case("States.ArrayUnique($.obj)", "States.ArrayUnique", "unique-not-array"),
    _case("States.Base64Decode('@@@')", "States.Base64Decode", "invalid-base64"),
    _case("States.Base64Encode($.n)", "States.Base64Encode", "encode-not-string"),
    _case("States.Hash($.s, 'SHA-3')", "States.Hash", "unknown-algorithm"),
    _case("States.Hash($.n, 'MD5')", "States.Hash", "hash-not-string"),
    _case("States.JsonMerge($.obj, $.obj, true)", "States.JsonMerge", "deep-merge-unsupported"),
    _case("States.JsonMerge($.obj, $.arr, false)", "States.JsonMerge", "merge-not-object"),
    _case("States.MathAdd($.s, 1)", "States.MathAdd", "add-not-number"),
    _case("States.MathAdd($.t, 1)", "States.MathAdd", "add-boolean"),
    _case("States.MathAdd(2147483648, 1)", "States.MathAdd", "add-beyond-int32"),
    _case("States.MathRandom(5, 1)", "States.MathRandom", "random-start-after-end"),
    _case("States.MathRandom(5, 5)", "States.MathRandom", "random-empty-range"),
    _case("States.MathRandom(1, 5, 1.5)", "States.MathRandom", "random-seed-not-integer"),
    _case("States.StringSplit($.n, ',')", "States.StringSplit", "split-not-string"),
    _case("States.Format('a\\nb')", "States.Format", "open-escape-backslash"),
    _case("States.Array(1, States.Format('\\q'))", "States.Format", "open-escape-in-nested-call"),
]


@pytest.mark.parametrize(("text", "function"), RUNTIME_ERRORS)
def test_invalid_argument_is_states_runtime_naming_the_function(text: str, function: str) -> None:
    # Given a call whose argument values AWS rejects
    evaluator = compile_intrinsic(text)
    # When it runs, Then it fails with States.Runtime and a cause naming the function
    with pytest.raises(StatesError) as caught:
        evaluator(tiny_resolver(DOC, CONTEXT))
    assert caught.value.error == "States.Runtime"
    assert function in (caught.value.cause or "")


def test_missing_path_argument_raises_path_not_found() -> None:
    with pytest.raises(PathNotFound) as caught:
        run("States.Format('{}', $.no.such)")
    assert caught.value.path == "$.no.such"


# --- definition errors and parsing ------------------------------------------------------------------

DEFINITION_ERRORS = [
    _case("States.NoSuch(1)", "States.NoSuch", "unknown-function"),
    _case("States.ArrayLength()", "States.ArrayLength", "too-few-arguments"),
    _case("States.UUID(1)", "States.UUID", "too-many-arguments"),
    _case("States.MathRandom(1, 2, 3, 4)", "States.MathRandom", "random-four-arguments"),
    _case("States.Format('x", "unterminated", "unterminated-string"),
    _case("States.Format('x'", "missing ')'", "missing-parenthesis"),
    _case("States.Format('x') extra", "after the closing", "trailing-text"),
    _case("States.Format('x' 'y')", "expected ','", "missing-comma"),
    _case("States.Format(nope)", "invalid argument", "bare-word"),
    _case("States.Format('{}', $.a[0)", "unbalanced", "unbalanced-path"),
    _case("States.(1)", "function name", "no-name"),
    _case("States.Format" + "(States.Format" * 10 + "('x')" + ")" * 10, "nested", "more-than-10-nested"),
]


@pytest.mark.parametrize(("text", "fragment"), DEFINITION_ERRORS)
def test_invalid_call_is_definition_error(text: str, fragment: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        compile_intrinsic(text)
    assert fragment in str(caught.value)


PARSING_CASES = [
    _case(
        "States.Array( 1 ,  -2.5e1 , true,false , null )",
        [1, -25.0, True, False, None],
        "literals-and-spaces",
    ),
    _case("States.Array($.obj['b'][1], $.arr[0])", [2, 1], "bracket-paths"),
    _case("States.Array('a,b)', 'c')", ["a,b)", "c"], "delimiters-inside-strings"),
    _case("States.Array($)", [DOC], "root-path"),
    _case("States.Format('{}', States.Array(States.Array()))", "[[]]", "nested-arrays"),
]


@pytest.mark.parametrize(("text", "expected"), PARSING_CASES)
def test_parser_reads_arguments(text: str, expected: Any) -> None:
    assert same_json(run(text), expected)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="States.FormatArray()'\\{},$.[]-1e0 \n", max_size=40))
def test_any_text_compiles_or_is_a_definition_error(tail: str) -> None:
    # Given arbitrary text after the prefix, Then compilation never fails any other way
    with contextlib.suppress(DefinitionError):
        compile_intrinsic("States." + tail)


def test_nesting_10_levels_is_allowed() -> None:
    text = "States.Array(" * 10 + ")" * 10
    assert run(text) == [[[[[[[[[[]]]]]]]]]]


def test_path_arguments_are_passed_to_the_resolver_as_written() -> None:
    seen: list[str] = []

    def resolver(path: str) -> Any:
        seen.append(path)
        return 1

    compile_intrinsic("States.Array($.a , $$.Execution.Id, $var.x, $['k'])")(resolver)
    assert seen == ["$.a", "$$.Execution.Id", "$var.x", "$['k']"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("States.Format('x')", True, id="call"),
        pytest.param("States.UUID()", True, id="no-args"),
        pytest.param("$.States.x", False, id="path"),
        pytest.param("$", False, id="root"),
        pytest.param("Format('x')", False, id="no-prefix"),
    ],
)
def test_is_intrinsic(text: str, expected: bool) -> None:
    assert is_intrinsic(text) is expected


def test_compilation_is_cached() -> None:
    assert compile_intrinsic("States.MathAdd($.n, 1)") is compile_intrinsic("States.MathAdd($.n, 1)")


def test_evaluate_intrinsic_compiles_and_runs() -> None:
    assert evaluate_intrinsic("States.ArrayLength($.arr)", tiny_resolver(DOC, CONTEXT)) == 5


def test_describe_lists_functions_and_paths() -> None:
    info = describe_intrinsic("States.Format('{} {}', $.a, States.ArrayGetItem($$.Execution.Input.b, 0))")
    assert info.functions == {"States.Format", "States.ArrayGetItem"}
    assert info.paths == ("$.a", "$$.Execution.Input.b")


def test_describe_rejects_invalid_calls() -> None:
    with pytest.raises(DefinitionError):
        describe_intrinsic("States.Nope()")


def test_every_aws_function_is_known() -> None:
    assert len(FUNCTION_NAMES) == 18


# --- the AWS-recorded corpus ----------------------------------------------------------------------


def _simple_pass_cases() -> list[Any]:
    cases = []
    for case in load_cases("intrinsic_functions"):
        state = only_state(case)
        if state is None or state.get("QueryLanguage") == "JSONata" or state["Type"] != "Pass":
            continue
        if set(state) - {"Type", "Parameters", "End", "Comment"}:
            continue
        cases.append(pytest.param(case, id=case["name"]))
    return cases


CORPUS_CASES = _simple_pass_cases()


@pytest.mark.conformance
@pytest.mark.skipif(not CORPUS_CASES, reason="conformance corpus not available")
@pytest.mark.parametrize("case", CORPUS_CASES)
def test_corpus_pass_parameters_match_aws(case: dict[str, Any]) -> None:
    # Given a one-state Pass whose Parameters hold intrinsic calls
    state = only_state(case)
    assert state is not None
    resolve = tiny_resolver(case["input"], context_object(case))
    # When each `.$` value is evaluated
    output = {
        key.removesuffix(".$"): compile_intrinsic(text)(resolve) for key, text in state["Parameters"].items()
    }
    # Then the output is what AWS recorded
    assert case["expected"]["status"] == "SUCCEEDED"
    assert same_json(output, expected_output(case, output)), output


def test_corpus_simple_cases_are_found() -> None:
    if not CORPUS_CASES:
        pytest.skip("conformance corpus not available")
    assert len(CORPUS_CASES) == 131
