"""JSONPath-mode Choice rules compiled once into closures `Resolver -> bool`, with AWS semantics.

`compile_rule(rule)` takes one Choice rule without caring about its `Next` (a top-level rule may keep
it, and `Comment`/`Assign`/`Output`, which are ignored here):

- `{"Variable": "$.x", "<Operator>": value}` for the String*, Numeric*, Boolean*, Timestamp*
  comparisons, their `...Path` variants (the value is a path resolved at evaluation),
  `StringMatches`, and the type tests `IsNull`, `IsPresent`, `IsNumeric`, `IsString`,
  `IsBoolean`, `IsTimestamp`;
- `{"And": [rules]}`, `{"Or": [rules]}`, `{"Not": rule}`.

AWS semantics: comparing a value of the wrong type is False, not an error; `IsPresent` is False
for a missing path; any other rule whose `Variable` (or `...Path` value) selects nothing raises
`StatesError("States.Runtime", "Invalid path '<path>': The choice state's condition path
references an invalid value.")` (the interpreter prefixes AWS's "An error occurred while executing
the state ..." sentence). An invalid rule shape raises `DefinitionError`.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import eq, ge, gt, le, lt
from typing import Any, NoReturn

from statemachines.runtime._timestamps import parse_timestamp
from statemachines.runtime.errors import DefinitionError, PathNotFound, StatesError

__all__ = ["COMPARISON_OPERATORS", "Resolver", "Rule", "compile_rule", "parse_timestamp"]

Resolver = Callable[[str], Any]
Rule = Callable[[Resolver], bool]
_Test = Callable[[Any], bool]
_Compare = Callable[[Any, Any], bool]

_IGNORED_KEYS = frozenset({"Next", "Comment", "Assign", "Output"})


def _invalid_path(path: str) -> NoReturn:
    raise StatesError(
        "States.Runtime",
        f"Invalid path '{path}': The choice state's condition path references an invalid value.",
    )


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float


def _java_key(text: str) -> str | bytes:
    """Sort key ordering strings like Java's String.compareTo (UTF-16 code units)."""
    return text if text.isascii() else text.encode("utf-16-be")


# --- operand kinds: how a value is checked and turned into a comparable key -------------------


def _string_key(value: Any) -> Any:
    return _java_key(value) if type(value) is str else None


def _number_key(value: Any) -> Any:
    return value if _is_number(value) else None


def _boolean_key(value: Any) -> Any:
    return value if type(value) is bool else None


def _timestamp_key(value: Any) -> Any:
    return parse_timestamp(value) if type(value) is str else None


_RELATIONS: dict[str, _Compare] = {
    "Equals": eq,
    "LessThan": lt,
    "LessThanEquals": le,
    "GreaterThan": gt,
    "GreaterThanEquals": ge,
}
_KINDS: dict[str, tuple[Callable[[Any], Any], tuple[str, ...]]] = {
    "String": (_string_key, tuple(_RELATIONS)),
    "Numeric": (_number_key, tuple(_RELATIONS)),
    "Boolean": (_boolean_key, ("Equals",)),
    "Timestamp": (_timestamp_key, tuple(_RELATIONS)),
}

#: operator name -> (key function, relation); `...Path` variants are derived from these.
COMPARISON_OPERATORS: dict[str, tuple[Callable[[Any], Any], _Compare]] = {
    f"{kind}{relation}": (key, _RELATIONS[relation])
    for kind, (key, relations) in _KINDS.items()
    for relation in relations
}

_TYPE_TESTS: dict[str, _Test] = {
    "IsNull": lambda value: value is None,
    "IsNumeric": _is_number,
    "IsString": lambda value: type(value) is str,
    "IsBoolean": lambda value: type(value) is bool,
    "IsTimestamp": lambda value: type(value) is str and parse_timestamp(value) is not None,
}


# --- StringMatches ------------------------------------------------------------------------------


def _pattern_segments(pattern: str) -> list[str]:
    """Split a StringMatches pattern on unescaped `*`; `\\*` is a literal star, `\\\\` a backslash."""
    segments: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and pattern[index + 1] in "*\\":
            current.append(pattern[index + 1])
            index += 2
            continue
        if char == "*":
            segments.append("".join(current))
            current.clear()
        else:
            current.append(char)
        index += 1
    segments.append("".join(current))
    return segments


def _compile_matcher(pattern: str) -> _Test:
    segments = _pattern_segments(pattern)
    if len(segments) == 1:
        (literal,) = segments
        return lambda value: type(value) is str and value == literal
    head, middle, tail = segments[0], segments[1:-1], segments[-1]
    fixed = len(head) + len(tail)

    def matches(value: Any) -> bool:
        if (
            type(value) is not str
            or len(value) < fixed
            or not value.startswith(head)
            or not value.endswith(tail)
        ):
            return False
        position, end = len(head), len(value) - len(tail)
        for segment in middle:
            found = value.find(segment, position, end)
            if found < 0:
                return False
            position = found + len(segment)
        return True

    return matches


# --- compilation ----------------------------------------------------------------------------------


def _resolver_of(variable: str) -> Callable[[Resolver], Any]:
    def value_of(resolve: Resolver) -> Any:
        try:
            return resolve(variable)
        except PathNotFound:
            _invalid_path(variable)

    return value_of


def _compile_comparison(variable: str, operator: str, operand: Any) -> Rule:
    by_path = operator.endswith("Path")
    base = operator[:-4] if by_path else operator
    key, relation = COMPARISON_OPERATORS[base]
    value_of = _resolver_of(variable)
    if by_path:
        if not isinstance(operand, str) or not operand.startswith("$"):
            raise DefinitionError(
                f"The value of '{operator}' must be a path, got {operand!r}", field=operator
            )
        operand_of = _resolver_of(operand)

        def compare_paths(resolve: Resolver) -> bool:
            left = key(value_of(resolve))
            right = key(operand_of(resolve))
            return left is not None and right is not None and relation(left, right)

        return compare_paths
    expected = key(operand)
    if expected is None:
        raise DefinitionError(f"The value of '{operator}' has the wrong type: {operand!r}", field=operator)
    if key is _number_key:
        # The hot path of most workflows: no per-call key function.
        def compare_number(resolve: Resolver) -> bool:
            try:
                actual = resolve(variable)
            except PathNotFound:
                _invalid_path(variable)
            kind = type(actual)
            return (kind is int or kind is float) and relation(actual, expected)

        return compare_number

    def compare(resolve: Resolver) -> bool:
        actual = key(value_of(resolve))
        return actual is not None and relation(actual, expected)

    return compare


def _compile_test(variable: str, operator: str, operand: Any) -> Rule:
    if type(operand) is not bool:
        raise DefinitionError(f"The value of '{operator}' must be a boolean, got {operand!r}", field=operator)
    if operator == "IsPresent":

        def is_present(resolve: Resolver) -> bool:
            try:
                resolve(variable)
            except PathNotFound:
                return not operand
            return operand

        return is_present
    test = _TYPE_TESTS[operator]
    value_of = _resolver_of(variable)
    if operand:
        return lambda resolve: test(value_of(resolve))
    return lambda resolve: not test(value_of(resolve))


def _compile_variable_rule(rule: dict[str, Any]) -> Rule:
    variable = rule.get("Variable")
    if not isinstance(variable, str) or not variable.startswith("$"):
        raise DefinitionError(f"A Choice rule needs a 'Variable' path, got {variable!r}", field="Variable")
    operators = [key for key in rule if key != "Variable" and key not in _IGNORED_KEYS]
    if len(operators) != 1:
        raise DefinitionError(
            f"A Choice rule needs exactly one comparison operator, got {operators or 'none'}",
            field="Variable",
        )
    (operator,) = operators
    operand = rule[operator]
    if operator in _TYPE_TESTS or operator == "IsPresent":
        return _compile_test(variable, operator, operand)
    if operator == "StringMatches":
        if not isinstance(operand, str):
            raise DefinitionError(
                f"The value of 'StringMatches' must be a string, got {operand!r}", field=operator
            )
        matcher = _compile_matcher(operand)
        value_of = _resolver_of(variable)
        return lambda resolve: matcher(value_of(resolve))
    base = operator[:-4] if operator.endswith("Path") else operator
    if base not in COMPARISON_OPERATORS:
        raise DefinitionError(f"Unknown Choice rule operator '{operator}'", field=operator)
    return _compile_comparison(variable, operator, operand)


def _compile_all(rules: Any, operator: str) -> list[Rule]:
    if not isinstance(rules, list) or not rules:
        raise DefinitionError(f"'{operator}' needs a non-empty list of Choice rules", field=operator)
    return [_compile_nested(rule) for rule in rules]


def _compile_nested(rule: Any) -> Rule:
    if not isinstance(rule, dict):
        raise DefinitionError(f"A Choice rule must be an object, got {rule!r}")
    if "Next" in rule:
        raise DefinitionError("A nested Choice rule must not have 'Next'", field="Next")
    return compile_rule(rule)


def compile_rule(rule: dict[str, Any]) -> Rule:
    """Compile one JSONPath Choice rule into a predicate over a resolver; DefinitionError if invalid."""
    if not isinstance(rule, dict):
        raise DefinitionError(f"A Choice rule must be an object, got {rule!r}")
    combinators = [key for key in ("And", "Or", "Not") if key in rule]
    if not combinators:
        return _compile_variable_rule(rule)
    extra = [key for key in rule if key not in _IGNORED_KEYS and key not in combinators]
    if len(combinators) != 1 or extra:
        raise DefinitionError(f"A Choice rule must have exactly one of And, Or, Not, got {sorted(rule)}")
    (combinator,) = combinators
    if combinator == "Not":
        inner = _compile_nested(rule["Not"])
        return lambda resolve: not inner(resolve)
    parts = _compile_all(rule[combinator], combinator)
    if combinator == "And":

        def all_true(resolve: Resolver) -> bool:
            return all(part(resolve) for part in parts)

        return all_true

    def any_true(resolve: Resolver) -> bool:
        return any(part(resolve) for part in parts)

    return any_true
