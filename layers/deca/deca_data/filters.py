"""A small filter language over records: `{"field": value}`, operators and `$and`/`$or`, checked before use.

    {"status": "open"}                                  equal
    {"amount": {"$gte": 10, "$lt": 100}}                 operators on one field are ANDed
    {"tags": {"$contains": "vip"}}                       substring of a text, or element of a list
    {"$or": [{"country": {"$in": ["FR", "DE"]}}, {"vip": true}]}

Operators: `$eq $ne $gt $gte $lt $lte $in $contains`. Fields may be dotted paths into nested objects.
With `columns` (a typed table) every field must be a column and every value must fit the column's type;
problems raise the caller's error class with a message naming the place (`where.amount.$gt`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from deca.deca_data.columns import ColumnType
from deca.errors import DecaError

__all__ = [
    "OPERATORS",
    "Predicate",
    "compile_filter",
    "lookup",
    "order_by",
    "parse_order",
    "value_fits",
    "with_article",
]

T = TypeVar("T")

Predicate = Callable[[Mapping[str, Any]], bool]
OPERATORS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$contains")
_ORDERED: frozenset[ColumnType] = frozenset({"string", "number", "integer", "date", "datetime"})
_MISSING = object()


def lookup(values: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or a private sentinel when a step is missing."""
    current: Any = values
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def with_article(kind: str) -> str:
    """`a string`, `an integer`: for messages."""
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def value_fits(kind: ColumnType, value: Any) -> bool:
    """Whether a JSON value has the column type (dates and datetimes are ISO-8601 text)."""
    if kind == "json":
        return True
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in ("date", "datetime"):
        return isinstance(value, str) and _iso(value, date_only=kind == "date")
    return isinstance(value, str)


def _iso(text: str, *, date_only: bool) -> bool:
    from datetime import date, datetime

    try:
        if date_only:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "$ne":
        return actual is _MISSING or actual != expected
    if actual is _MISSING or actual is None:
        return False
    try:
        if op == "$eq":
            return bool(actual == expected)
        if op == "$gt":
            return bool(actual > expected)
        if op == "$gte":
            return bool(actual >= expected)
        if op == "$lt":
            return bool(actual < expected)
        if op == "$lte":
            return bool(actual <= expected)
    except TypeError:
        return False
    if op == "$in":
        return actual in expected
    if isinstance(actual, str):
        return isinstance(expected, str) and expected.lower() in actual.lower()
    return isinstance(actual, list) and expected in actual


class _Compiler:
    def __init__(self, columns: Mapping[str, ColumnType] | None, error: type[DecaError]) -> None:
        self.columns = columns
        self.error = error

    def fail(self, where: str, message: str) -> DecaError:
        return self.error(f"{where}: {message}")

    def node(self, spec: Any, where: str) -> Predicate:
        if not isinstance(spec, Mapping):
            raise self.fail(where, f"a filter is an object, got {type(spec).__name__}")
        parts: list[Predicate] = []
        for key, value in spec.items():
            if key in ("$and", "$or"):
                parts.append(self.group(key, value, f"{where}.{key}"))
            elif isinstance(key, str) and key.startswith("$"):
                raise self.fail(f"{where}.{key}", "unknown operator here (use $and or $or, or a field name)")
            else:
                parts.append(self.field(str(key), value, f"{where}.{key}"))
        return lambda values: all(p(values) for p in parts)

    def group(self, key: str, items: Any, where: str) -> Predicate:
        if not isinstance(items, list) or not items:
            raise self.fail(where, "expects a non-empty list of filters")
        parts = [self.node(item, f"{where}[{i}]") for i, item in enumerate(items)]
        if key == "$and":
            return lambda values: all(p(values) for p in parts)
        return lambda values: any(p(values) for p in parts)

    def field(self, name: str, spec: Any, where: str) -> Predicate:
        kind = self.kind(name, where)
        if isinstance(spec, Mapping) and spec and all(isinstance(k, str) and k.startswith("$") for k in spec):
            checks = [(op, self.operand(op, kind, value, f"{where}.{op}")) for op, value in spec.items()]
        else:
            checks = [("$eq", self.operand("$eq", kind, spec, where))]
        return lambda values: all(_compare(op, lookup(values, name), v) for op, v in checks)

    def kind(self, name: str, where: str) -> ColumnType | None:
        if self.columns is None:
            return None
        head = name.split(".", 1)[0]
        if head not in self.columns:
            known = ", ".join(sorted(self.columns)) or "none"
            raise self.fail(where, f"unknown column '{head}' (columns: {known})")
        kind = self.columns[head]
        if "." in name and kind != "json":
            raise self.fail(where, f"column '{head}' is {kind}, only json columns have nested fields")
        return None if "." in name else kind

    def operand(self, op: str, kind: ColumnType | None, value: Any, where: str) -> Any:
        if op not in OPERATORS:
            raise self.fail(where, f"unknown operator (use one of {', '.join(OPERATORS)})")
        if op == "$in":
            if not isinstance(value, list):
                raise self.fail(where, "$in expects a list")
            for i, item in enumerate(value):
                self.typed(kind, item, f"{where}[{i}]")
            return value
        if op == "$contains":
            if kind is not None and kind not in ("string", "json"):
                raise self.fail(where, f"$contains needs a string or json column, not {kind}")
            if kind == "string" and not isinstance(value, str):
                raise self.fail(where, "$contains on a string column expects a string")
            return value
        if op in ("$gt", "$gte", "$lt", "$lte"):
            if kind is not None and kind not in _ORDERED:
                raise self.fail(where, f"{op} cannot compare a {kind} column")
            if value is None or isinstance(value, (bool, dict, list)):
                raise self.fail(where, f"{op} expects a number, text or date")
        if value is not None:
            self.typed(kind, value, where)
        return value

    def typed(self, kind: ColumnType | None, value: Any, where: str) -> None:
        if kind is not None and not value_fits(kind, value):
            raise self.fail(where, f"expects {with_article(kind)} value, got {value!r}")


def compile_filter(
    spec: Mapping[str, Any] | None,
    *,
    error: type[DecaError],
    columns: Mapping[str, ColumnType] | None = None,
    where: str = "where",
) -> Predicate:
    """A predicate for `spec` (None matches everything); a bad filter raises `error` naming the place."""
    if spec is None:
        return lambda _values: True
    return _Compiler(columns, error).node(spec, where)


def parse_order(order: Sequence[str]) -> list[tuple[str, bool]]:
    """`field` / `-field` entries as (path, descending)."""
    return [(item[1:], True) if item.startswith("-") else (item, False) for item in order]


def order_by(
    items: Sequence[T], order: Sequence[tuple[str, bool]], values: Callable[[T], Mapping[str, Any]]
) -> list[T]:
    """The items sorted by the paths in `order` (most significant first); missing values come last."""
    result = list(items)
    for path, descending in reversed(order):
        present = [i for i in result if lookup(values(i), path) not in (_MISSING, None)]
        absent = [i for i in result if lookup(values(i), path) in (_MISSING, None)]
        present.sort(key=lambda i: _sortable(lookup(values(i), path)), reverse=descending)
        result = present + absent
    return result


def _sortable(value: Any) -> tuple[int, Any]:
    """Numbers before text before anything else, so mixed columns never raise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (2, repr(value))
