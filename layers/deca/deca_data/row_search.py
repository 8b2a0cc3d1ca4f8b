"""Where the rows a table query looks at come from: every row (scanned), or MongoDB with the filter pushed down.

The filter language is always evaluated in process afterwards (`deca.deca_data.filters`), so a source only
has to return a superset of the matching rows. `MongoRows` pushes the parts MongoDB answers the same way
(equality on scalars, `$in`, ranges, `$and`, `$or` of pushable branches) into the query on `values.<column>`
so large tables are not read whole; `$ne` and `$contains` stay in process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from deca.deca_data.models import TableRow
from deca.deca_data.records import scan
from deca.stores.collection import Collection

__all__ = ["MongoRows", "RowSource", "ScanRows", "pushdown"]

_ORDER = (("created_at", False), ("row_id", False))
_RANGES = {"$gt", "$gte", "$lt", "$lte"}


class RowSource(Protocol):
    """Rows of a table that may match a filter (a superset), in insertion order."""

    def rows(self, workspace_id: str, table_id: str, where: Mapping[str, Any] | None) -> Iterator[TableRow]:
        """Candidate rows, oldest first."""
        ...


class ScanRows:
    """Every row of the table, read in keyset batches (any backend)."""

    def __init__(self, rows: Collection[TableRow]) -> None:
        self._rows = rows

    def rows(self, workspace_id: str, table_id: str, where: Mapping[str, Any] | None) -> Iterator[TableRow]:
        """All the table's rows, oldest first."""
        return scan(self._rows, {"workspace_id": workspace_id, "table_id": table_id}, _ORDER)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _field(name: str, spec: Any) -> dict[str, Any] | None:
    path = f"values.{name}"
    if not (isinstance(spec, Mapping) and spec and all(str(k).startswith("$") for k in spec)):
        return {path: spec} if _scalar(spec) and spec is not None else None
    pushed: dict[str, Any] = {}
    for op, value in spec.items():
        if op == "$eq" and _scalar(value) and value is not None:
            pushed["$eq"] = value
        elif op == "$in" and isinstance(value, list) and all(_scalar(v) and v is not None for v in value):
            pushed["$in"] = value
        elif op in _RANGES and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            pushed[op] = value
    return {path: pushed} if pushed else None


def pushdown(spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """A MongoDB filter every row matching `spec` satisfies (`{}` when nothing can be pushed)."""
    if not spec:
        return {}
    clauses: list[dict[str, Any]] = []
    for key, value in spec.items():
        if key == "$and" and isinstance(value, list):
            clauses.extend(c for c in (pushdown(item) for item in value) if c)
        elif key == "$or" and isinstance(value, list):
            branches = [pushdown(item) for item in value]
            if branches and all(branches):
                clauses.append({"$or": branches})
        elif not str(key).startswith("$"):
            clause = _field(str(key), value)
            if clause is not None:
                clauses.append(clause)
    if not clauses:
        return {}
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class MongoRows:
    """Rows from the MongoDB rows collection with the pushable part of the filter in the query."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def rows(self, workspace_id: str, table_id: str, where: Mapping[str, Any] | None) -> Iterator[TableRow]:
        """Candidate rows, oldest first."""
        query = {"workspace_id": workspace_id, "table_id": table_id}
        pushed = pushdown(where)
        filters = {"$and": [query, pushed]} if pushed else query
        cursor = self._collection.find(filters, {"_id": False}).sort([("created_at", 1), ("row_id", 1)])
        for doc in cursor:
            yield TableRow.model_validate({k: v for k, v in doc.items() if not k.startswith("_")})
