"""JSONPath Choice rules: every operator, AWS type and path semantics, rule shapes, and the corpus."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statemachines.runtime.choice_rules import compile_rule, parse_timestamp
from statemachines.runtime.errors import DefinitionError, StatesError
from tests.statemachines.runtime._corpus import load_cases, tiny_resolver

DOC: dict[str, Any] = {
    "s": "HelloWorld",
    "a": "A",
    "ab": "AB",
    "empty": "",
    "astral": "\U0001f600",
    "private": "\ue000",
    "n": 5,
    "f": 5.0,
    "neg": -1.5,
    "t": True,
    "false": False,
    "nil": None,
    "arr": [1],
    "obj": {"k": 1},
    "ts": "2012-10-09T19:00:55Z",
    "ts_later": "2012-10-09T19:00:56Z",
    "ts_offset": "2012-10-09T20:00:55+01:00",
    "ts_bad": "2012-10-09 19:00:55Z",
    "pattern_text": "log-2024.txt",
    "star": "a*b",
}


def check(rule: dict[str, Any], doc: Any = DOC) -> bool:
    """Evaluate a rule against `doc` with the test resolver."""
    return compile_rule(rule)(tiny_resolver(doc, {}))


def _rule(variable: str, operator: str, value: Any, expected: bool, case_id: str) -> Any:
    return pytest.param({"Variable": variable, operator: value}, expected, id=case_id)


COMPARISONS = [
    _rule("$.s", "StringEquals", "HelloWorld", True, "string-equals"),
    _rule("$.s", "StringEquals", "helloworld", False, "string-equals-case-sensitive"),
    _rule("$.n", "StringEquals", "5", False, "string-equals-number-is-false"),
    _rule("$.a", "StringLessThan", "AB", True, "string-less-than-prefix"),
    _rule("$.ab", "StringGreaterThan", "A", True, "string-greater-than"),
    _rule("$.empty", "StringLessThanEquals", "", True, "string-less-equal-empty"),
    _rule("$.a", "StringGreaterThanEquals", "AB", False, "string-greater-equal-false"),
    _rule("$.astral", "StringLessThan", "\ue000", True, "string-order-is-utf16-like-java"),
    _rule("$.nil", "StringLessThan", "A", False, "string-null-is-false"),
    _rule("$.n", "NumericEquals", 5, True, "numeric-equals-int"),
    _rule("$.f", "NumericEquals", 5, True, "numeric-equals-float-by-value"),
    _rule("$.n", "NumericLessThan", 5.5, True, "numeric-less-than"),
    _rule("$.neg", "NumericLessThanEquals", -1.5, True, "numeric-less-equal"),
    _rule("$.n", "NumericGreaterThan", 5, False, "numeric-greater-than-equal-value"),
    _rule("$.n", "NumericGreaterThanEquals", 5, True, "numeric-greater-equal"),
    _rule("$.t", "NumericEquals", 1, False, "numeric-boolean-is-false"),
    _rule("$.s", "NumericLessThan", 10, False, "numeric-string-is-false"),
    _rule("$.t", "BooleanEquals", True, True, "boolean-equals"),
    _rule("$.false", "BooleanEquals", True, False, "boolean-equals-false"),
    _rule("$.n", "BooleanEquals", True, False, "boolean-number-is-false"),
    _rule("$.ts", "TimestampEquals", "2012-10-09T19:00:55Z", True, "timestamp-equals"),
    _rule("$.ts_offset", "TimestampEquals", "2012-10-09T19:00:55Z", True, "timestamp-equals-across-offsets"),
    _rule("$.ts", "TimestampLessThan", "2012-10-09T19:00:55.000000001Z", True, "timestamp-nanoseconds"),
    _rule("$.ts_later", "TimestampGreaterThan", "2012-10-09T19:00:55Z", True, "timestamp-greater-than"),
    _rule("$.ts", "TimestampLessThanEquals", "2012-10-09T19:00:55Z", True, "timestamp-less-equal"),
    _rule(
        "$.ts", "TimestampGreaterThanEquals", "2012-10-09T19:00:56Z", False, "timestamp-greater-equal-false"
    ),
    _rule("$.ts_bad", "TimestampEquals", "2012-10-09T19:00:55Z", False, "timestamp-invalid-is-false"),
    _rule("$.n", "TimestampEquals", "2012-10-09T19:00:55Z", False, "timestamp-number-is-false"),
]


@pytest.mark.parametrize(("rule", "expected"), COMPARISONS)
def test_comparison_operator(rule: dict[str, Any], expected: bool) -> None:
    assert check(rule) is expected


PATH_COMPARISONS = [
    _rule("$.s", "StringEqualsPath", "$.s", True, "string-equals-path"),
    _rule("$.a", "StringLessThanPath", "$.ab", True, "string-less-than-path"),
    _rule("$.ab", "StringGreaterThanPath", "$.a", True, "string-greater-than-path"),
    _rule("$.a", "StringLessThanEqualsPath", "$.a", True, "string-less-equal-path"),
    _rule("$.a", "StringGreaterThanEqualsPath", "$.ab", False, "string-greater-equal-path"),
    _rule("$.s", "StringEqualsPath", "$.n", False, "string-path-wrong-type"),
    _rule("$.n", "NumericEqualsPath", "$.f", True, "numeric-equals-path"),
    _rule("$.neg", "NumericLessThanPath", "$.n", True, "numeric-less-than-path"),
    _rule("$.n", "NumericGreaterThanPath", "$.neg", True, "numeric-greater-than-path"),
    _rule("$.n", "NumericLessThanEqualsPath", "$.f", True, "numeric-less-equal-path"),
    _rule("$.n", "NumericGreaterThanEqualsPath", "$.s", False, "numeric-path-wrong-type"),
    _rule("$.t", "BooleanEqualsPath", "$.t", True, "boolean-equals-path"),
    _rule("$.t", "BooleanEqualsPath", "$.false", False, "boolean-equals-path-false"),
    _rule("$.ts", "TimestampEqualsPath", "$.ts_offset", True, "timestamp-equals-path"),
    _rule("$.ts", "TimestampLessThanPath", "$.ts_later", True, "timestamp-less-than-path"),
    _rule("$.ts_later", "TimestampGreaterThanPath", "$.ts", True, "timestamp-greater-than-path"),
    _rule("$.ts", "TimestampLessThanEqualsPath", "$.ts", True, "timestamp-less-equal-path"),
    _rule("$.ts", "TimestampGreaterThanEqualsPath", "$.ts_bad", False, "timestamp-path-invalid"),
]


@pytest.mark.parametrize(("rule", "expected"), PATH_COMPARISONS)
def test_path_comparison_operator(rule: dict[str, Any], expected: bool) -> None:
    assert check(rule) is expected


TYPE_TESTS = [
    _rule("$.nil", "IsNull", True, True, "is-null"),
    _rule("$.empty", "IsNull", True, False, "is-null-empty-string"),
    _rule("$.nil", "IsNull", False, False, "is-null-false"),
    _rule("$.n", "IsPresent", True, True, "is-present"),
    _rule("$.nil", "IsPresent", True, True, "is-present-null"),
    _rule("$.missing", "IsPresent", True, False, "is-present-missing"),
    _rule("$.missing", "IsPresent", False, True, "is-not-present-missing"),
    _rule("$.arr[3]", "IsPresent", True, False, "is-present-index-out-of-range"),
    _rule("$.f", "IsNumeric", True, True, "is-numeric"),
    _rule("$.t", "IsNumeric", True, False, "is-numeric-boolean"),
    _rule("$.s", "IsString", True, True, "is-string"),
    _rule("$.n", "IsString", False, True, "is-not-string"),
    _rule("$.false", "IsBoolean", True, True, "is-boolean"),
    _rule("$.n", "IsBoolean", True, False, "is-boolean-number"),
    _rule("$.ts", "IsTimestamp", True, True, "is-timestamp"),
    _rule("$.ts_bad", "IsTimestamp", True, False, "is-timestamp-no-t"),
    _rule("$.obj", "IsTimestamp", True, False, "is-timestamp-object"),
]


@pytest.mark.parametrize(("rule", "expected"), TYPE_TESTS)
def test_type_test_operator(rule: dict[str, Any], expected: bool) -> None:
    assert check(rule) is expected


STRING_MATCHES = [
    pytest.param("log-*.txt", "$.pattern_text", True, id="star-in-middle"),
    pytest.param("*", "$.empty", True, id="star-matches-empty"),
    pytest.param("log-*", "$.pattern_text", True, id="trailing-star"),
    pytest.param("*.txt", "$.pattern_text", True, id="leading-star"),
    pytest.param("*-*.*", "$.pattern_text", True, id="several-stars"),
    pytest.param("*.csv", "$.pattern_text", False, id="no-match"),
    pytest.param("log-2024.txt", "$.pattern_text", True, id="no-star-is-equality"),
    pytest.param("a\\*b", "$.star", True, id="escaped-star-is-literal"),
    pytest.param("a\\*b", "$.ab", False, id="escaped-star-not-wildcard"),
    pytest.param("a*b*", "$.star", True, id="star-after-last-char"),
    pytest.param("AB*AB", "$.ab", False, id="overlap-not-allowed"),
    pytest.param("*", "$.n", False, id="number-never-matches"),
]


@pytest.mark.parametrize(("pattern", "variable", "expected"), STRING_MATCHES)
def test_string_matches(pattern: str, variable: str, expected: bool) -> None:
    assert check({"Variable": variable, "StringMatches": pattern}) is expected


@settings(max_examples=300, deadline=None)
@given(pattern=st.text(alphabet="ab*\\", max_size=8), value=st.text(alphabet="ab*\\", max_size=8))
def test_string_matches_agrees_with_a_regular_expression(pattern: str, value: str) -> None:
    # Given the documented rules: `*` matches anything, `\\*` a star, `\\\\` a backslash
    regex = ""
    index = 0
    while index < len(pattern):
        if pattern[index] == "\\" and pattern[index + 1 : index + 2] in ("*", "\\"):
            regex += re.escape(pattern[index + 1])
            index += 2
            continue
        regex += ".*" if pattern[index] == "*" else re.escape(pattern[index])
        index += 1
    # Then the matcher and the reference regular expression agree
    expected = re.fullmatch(regex, value, flags=re.DOTALL) is not None
    assert check({"Variable": "$.v", "StringMatches": pattern}, {"v": value}) is expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param(
            {"And": [{"Variable": "$.n", "NumericEquals": 5}, {"Variable": "$.t", "BooleanEquals": True}]},
            True,
            id="and",
        ),
        pytest.param(
            {"And": [{"Variable": "$.n", "NumericEquals": 5}, {"Variable": "$.t", "BooleanEquals": False}]},
            False,
            id="and-false",
        ),
        pytest.param(
            {"Or": [{"Variable": "$.n", "NumericEquals": 6}, {"Variable": "$.t", "BooleanEquals": True}]},
            True,
            id="or",
        ),
        pytest.param({"Or": [{"Variable": "$.n", "NumericEquals": 6}]}, False, id="or-false"),
        pytest.param({"Not": {"Variable": "$.s", "StringEquals": "x"}}, True, id="not"),
        pytest.param({"Not": {"Not": {"Variable": "$.s", "StringEquals": "x"}}}, False, id="double-not"),
        pytest.param(
            {"And": [{"Or": [{"Not": {"Variable": "$.n", "IsNull": True}}]}]}, True, id="deep-nesting"
        ),
    ],
)
def test_boolean_combinators(rule: dict[str, Any], expected: bool) -> None:
    assert check(rule) is expected


def test_and_stops_at_first_false_rule() -> None:
    # Given a rule whose second part would fail on a missing path
    rule = {"And": [{"Variable": "$.n", "NumericEquals": 0}, {"Variable": "$.missing", "NumericEquals": 0}]}
    # Then the first false part decides without evaluating the second
    assert check(rule) is False


def test_top_level_next_and_comment_are_ignored() -> None:
    assert check({"Variable": "$.n", "NumericEquals": 5, "Next": "X", "Comment": "c"}) is True


# --- missing paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        pytest.param({"Variable": "$.missing", "NumericEquals": 1}, "$.missing", id="variable"),
        pytest.param({"Variable": "$.missing", "IsNull": True}, "$.missing", id="type-test"),
        pytest.param({"Variable": "$.missing", "StringMatches": "*"}, "$.missing", id="string-matches"),
        pytest.param({"Variable": "$.n", "NumericEqualsPath": "$.other"}, "$.other", id="value-path"),
        pytest.param({"Not": {"Variable": "$.missing", "BooleanEquals": True}}, "$.missing", id="inside-not"),
    ],
)
def test_missing_path_is_states_runtime_with_aws_message(rule: dict[str, Any], path: str) -> None:
    with pytest.raises(StatesError) as caught:
        check(rule)
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        f"Invalid path '{path}': The choice state's condition path references an invalid value."
    )


# --- definition errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param({"NumericEquals": 1}, id="no-variable"),
        pytest.param({"Variable": "x", "NumericEquals": 1}, id="variable-not-a-path"),
        pytest.param({"Variable": "$.n"}, id="no-operator"),
        pytest.param({"Variable": "$.n", "NumericEquals": 1, "StringEquals": "a"}, id="two-operators"),
        pytest.param({"Variable": "$.n", "NumberEquals": 1}, id="unknown-operator"),
        pytest.param({"Variable": "$.n", "NumericEquals": "1"}, id="numeric-with-string"),
        pytest.param({"Variable": "$.n", "NumericEquals": True}, id="numeric-with-boolean"),
        pytest.param({"Variable": "$.n", "StringEquals": 1}, id="string-with-number"),
        pytest.param({"Variable": "$.n", "BooleanEquals": "true"}, id="boolean-with-string"),
        pytest.param({"Variable": "$.n", "TimestampEquals": "yesterday"}, id="invalid-timestamp"),
        pytest.param({"Variable": "$.n", "IsNull": "yes"}, id="type-test-not-boolean"),
        pytest.param({"Variable": "$.n", "NumericEqualsPath": 3}, id="path-operand-not-path"),
        pytest.param({"Variable": "$.n", "StringMatches": 3}, id="pattern-not-string"),
        pytest.param({"And": []}, id="empty-and"),
        pytest.param({"Or": {"Variable": "$.n", "IsNull": True}}, id="or-not-a-list"),
        pytest.param({"Not": [{"Variable": "$.n", "IsNull": True}]}, id="not-with-list"),
        pytest.param({"And": [{"Variable": "$.n", "IsNull": True, "Next": "X"}]}, id="nested-next"),
        pytest.param({"And": [], "Or": []}, id="two-combinators"),
        pytest.param(
            {"Not": {"Variable": "$.n", "IsNull": True}, "Variable": "$.n"}, id="combinator-with-variable"
        ),
    ],
)
def test_invalid_rule_is_definition_error(rule: dict[str, Any]) -> None:
    with pytest.raises(DefinitionError):
        compile_rule(rule)


# --- timestamps -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        pytest.param("2016-03-14T01:59:00Z", True, id="seconds"),
        pytest.param("2016-03-05T21:29:29.243167252Z", True, id="nanoseconds"),
        pytest.param("2024-01-01T00:00:00.00Z", True, id="two-digit-fraction"),
        pytest.param("2024-01-01T00:00Z", True, id="no-seconds"),
        pytest.param("2012-10-09T19:00:55+01:00", True, id="offset"),
        pytest.param("2012-10-09t19:00:55Z", False, id="lowercase-t"),
        pytest.param("2012-10-09T19:00:55z", False, id="lowercase-z"),
        pytest.param("2024-02-29T00:00:00Z", True, id="leap-day"),
        pytest.param("2016-12-05T21:29:29", False, id="no-offset"),
        pytest.param("2024-01-01T00:00:00.000000", False, id="fraction-without-offset"),
        pytest.param("2016-12-05 21:29:29Z", False, id="no-t"),
        pytest.param("05-12-2016T21:29:29Z", False, id="not-iso"),
        pytest.param("2016-13-05T21:29:29Z", False, id="month-13"),
        pytest.param("2016-12-05T25:29:29Z", False, id="hour-25"),
        pytest.param("2023-02-29T00:00:00Z", False, id="not-a-leap-year"),
        pytest.param("2023-02-24", False, id="date-only"),
        pytest.param("2024-01-01T00:00:00.1234567890Z", False, id="ten-digit-fraction"),
        pytest.param("2024-01-01T00:00:00+0100", False, id="offset-without-colon"),
        pytest.param("", False, id="empty"),
    ],
)
def test_timestamp_format_aws_accepts(text: str, valid: bool) -> None:
    assert (parse_timestamp(text) is not None) is valid


def test_timestamp_is_an_instant() -> None:
    assert parse_timestamp("1970-01-01T01:00:00.5+01:00") == (0, 500_000_000)


# --- the AWS-recorded corpus ----------------------------------------------------------------------


def _choice_cases() -> list[Any]:
    return [pytest.param(case, id=case["name"]) for case in load_cases("choice_operators")]


CORPUS_CASES = _choice_cases()


@pytest.mark.conformance
@pytest.mark.skipif(not CORPUS_CASES, reason="conformance corpus not available")
@pytest.mark.parametrize("case", CORPUS_CASES)
def test_corpus_choice_picks_the_branch_aws_took(case: dict[str, Any]) -> None:
    # Given a Choice state followed by Pass states ConditionTrue / ConditionFalse
    choice = case["definition"]["States"][case["definition"]["StartAt"]]
    resolve = tiny_resolver(case["input"], {})
    # When its rules are evaluated in order
    chosen = next(
        (rule["Next"] for rule in choice["Choices"] if compile_rule(rule)(resolve)), choice["Default"]
    )
    # Then the branch is the one AWS took
    assert {"TestResult.$": chosen} == case["expected"]["output"]


def test_corpus_choice_cases_are_found() -> None:
    if not CORPUS_CASES:
        pytest.skip("conformance corpus not available")
    assert len(CORPUS_CASES) == 491
