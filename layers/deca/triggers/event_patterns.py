"""EventBridge event patterns: validation and matching, with the same semantics as AWS.

A pattern is a JSON object whose keys name event fields. A value is either a nested object
(matched against the nested event object) or an array of matchers, any of which may match.
`$or` holds a list of sub-patterns, any of which may match. A matcher is a literal (string,
number, boolean or null: exact match, numbers compared numerically) or one operator object:
`prefix`, `suffix`, `anything-but`, `numeric`, `exists`, `equals-ignore-case`, `wildcard`, `cidr`.
When the event field holds an array, the matchers apply to each element (any element may match).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from deca.errors import InputError

__all__ = ["MISSING", "matches", "validate_pattern"]


class _Missing:
    """The value of an event field that is absent (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

_NUMERIC_OPS = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_STRING_OPERATORS = {"prefix", "suffix", "equals-ignore-case", "wildcard"}
_OPERATORS = _STRING_OPERATORS | {"anything-but", "numeric", "exists", "cidr"}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fail(path: str, message: str) -> InputError:
    return InputError(f"event pattern {path}: {message}")


# ---------------------------------------------------------------- validation


def validate_pattern(pattern: object, path: str = "$") -> None:
    """Raise `InputError` (naming the position) unless `pattern` is a valid EventBridge event pattern."""
    if not isinstance(pattern, Mapping) or not pattern:
        raise _fail(path, "must be a non-empty object")
    for key, value in pattern.items():
        where = f"{path}.{key}"
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise _fail(where, "$or needs a list of at least two patterns")
            for index, branch in enumerate(value):
                validate_pattern(branch, f"{where}[{index}]")
        elif isinstance(value, Mapping):
            validate_pattern(value, where)
        elif isinstance(value, list):
            if not value:
                raise _fail(where, "a list of matchers must not be empty")
            for index, matcher in enumerate(value):
                _validate_matcher(matcher, f"{where}[{index}]")
        else:
            raise _fail(where, "must be an object or a list of matchers")


def _validate_matcher(matcher: object, path: str) -> None:
    if matcher is None or isinstance(matcher, str | bool) or _is_number(matcher):
        return
    if not isinstance(matcher, Mapping) or len(matcher) != 1:
        raise _fail(path, "a matcher is a literal or an object with exactly one operator")
    ((operator, operand),) = matcher.items()
    if operator not in _OPERATORS:
        raise _fail(path, f"unknown operator {operator!r}")
    if operator in ("prefix", "suffix"):
        if isinstance(operand, Mapping) and set(operand) == {"equals-ignore-case"}:
            operand = operand["equals-ignore-case"]
        if not isinstance(operand, str):
            raise _fail(path, f"{operator} takes a string (or an equals-ignore-case object)")
    elif operator in ("equals-ignore-case", "wildcard"):
        if not isinstance(operand, str):
            raise _fail(path, f"{operator} takes a string")
    elif operator == "exists":
        if not isinstance(operand, bool):
            raise _fail(path, "exists takes true or false")
    elif operator == "numeric":
        _validate_numeric(operand, path)
    elif operator == "cidr":
        try:
            ipaddress.ip_network(operand, strict=False)
        except (TypeError, ValueError) as exc:
            raise _fail(path, f"cidr takes an IP network, got {operand!r}") from exc
    else:
        _validate_anything_but(operand, path)


def _validate_numeric(operand: object, path: str) -> None:
    if not isinstance(operand, list) or not operand or len(operand) % 2:
        raise _fail(path, "numeric takes [operator, number, ...] pairs")
    for op, number in zip(operand[::2], operand[1::2], strict=True):
        if op not in _NUMERIC_OPS or not _is_number(number):
            raise _fail(path, f"numeric pair ({op!r}, {number!r}) is not an operator and a number")
    if len(operand) > 4 or (len(operand) == 4 and "=" in operand[::2]):
        raise _fail(path, "numeric takes one comparison or one range")


def _validate_anything_but(operand: object, path: str) -> None:
    if isinstance(operand, Mapping):
        if len(operand) != 1:
            raise _fail(path, "anything-but takes one operator object")
        ((operator, inner),) = operand.items()
        if operator not in _STRING_OPERATORS:
            raise _fail(path, f"anything-but does not take {operator!r}")
        values = inner if isinstance(inner, list) else [inner]
        if not values or not all(isinstance(v, str) for v in values):
            raise _fail(path, f"anything-but {operator} takes a string or a list of strings")
        return
    values = operand if isinstance(operand, list) else [operand]
    if not values or not all(isinstance(v, str) or _is_number(v) for v in values):
        raise _fail(path, "anything-but takes a string, a number, or a list of them")


# ------------------------------------------------------------------ matching


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether `event` matches the (valid) EventBridge `pattern`."""
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(branch, event) for branch in expected):
                return False
            continue
        actual = event.get(key, MISSING) if isinstance(event, Mapping) else MISSING
        if isinstance(expected, Mapping):
            if not _matches_nested(expected, actual):
                return False
        elif not _matches_field(expected, actual):
            return False
    return True


def _matches_nested(pattern: Mapping[str, Any], actual: Any) -> bool:
    if isinstance(actual, list):
        return any(_matches_nested(pattern, item) for item in actual)
    # An absent or non-object value acts as an empty object: only `exists: false` can match in it.
    return matches(pattern, actual if isinstance(actual, Mapping) else {})


def _matches_field(matchers: Sequence[Any], actual: Any) -> bool:
    values = actual if isinstance(actual, list) else [actual]
    if actual is not MISSING and isinstance(actual, list) and not actual:
        values = [MISSING]  # an empty array holds no value to match, like an absent one
    return any(_matches_value(matcher, value) for matcher in matchers for value in values)


def _matches_value(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, Mapping):
        return value is not MISSING and _equal_literal(matcher, value)
    ((operator, operand),) = matcher.items()
    if operator == "exists":
        return (value is not MISSING) is operand
    if value is MISSING:
        return False
    if operator == "numeric":
        return _is_number(value) and _numeric(operand, value)
    if operator == "anything-but":
        return _anything_but(operand, value)
    if not isinstance(value, str):
        return False
    return _string_operator(operator, operand, value)


def _equal_literal(literal: Any, value: Any) -> bool:
    if _is_number(literal) and _is_number(value):
        return bool(float(literal) == float(value))
    return type(literal) is type(value) and bool(literal == value)


def _numeric(operand: Sequence[Any], value: float) -> bool:
    return all(_NUMERIC_OPS[op](value, n) for op, n in zip(operand[::2], operand[1::2], strict=True))


def _string_operator(operator: str, operand: Any, value: str) -> bool:
    if operator == "prefix":
        if isinstance(operand, Mapping):
            return value.casefold().startswith(operand["equals-ignore-case"].casefold())
        return value.startswith(operand)
    if operator == "suffix":
        if isinstance(operand, Mapping):
            return value.casefold().endswith(operand["equals-ignore-case"].casefold())
        return value.endswith(operand)
    if operator == "equals-ignore-case":
        return value.casefold() == str(operand).casefold()
    if operator == "wildcard":
        return _wildcard_regex(operand).fullmatch(value) is not None
    return _in_cidr(operand, value)


def _anything_but(operand: Any, value: Any) -> bool:
    if isinstance(operand, Mapping):
        ((operator, inner),) = operand.items()
        if not isinstance(value, str):
            return False
        candidates = inner if isinstance(inner, list) else [inner]
        return not any(_string_operator(operator, c, value) for c in candidates)
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_equal_literal(e, value) for e in excluded)


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    # `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash.
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def _in_cidr(network: str, value: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False
