"""Typed tables: definitions with typed columns, and rows checked against them (insert, query, update, delete)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from deca.clock import Clock
from deca.deca_data.columns import ColumnType, TableColumn
from deca.deca_data.errors import RowNotFound, TableError, TableNotFound
from deca.deca_data.filters import compile_filter, order_by, parse_order, value_fits, with_article
from deca.deca_data.models import TableDefinition, TableRow
from deca.deca_data.records import IdFactory
from deca.deca_data.row_search import RowSource, ScanRows
from deca.errors import ConflictError
from deca.stores.collection import Collection

__all__ = ["TableStore", "check_row"]


def check_row(
    table: TableDefinition, values: Mapping[str, Any], where: str, *, partial: bool = False
) -> None:
    """Raise `TableError` naming the value (`rows[2].amount`) when it breaks the table's columns."""
    for name, value in values.items():
        column = table.column(name)
        if column is None:
            known = ", ".join(c.name for c in table.columns)
            raise TableError(f"{where}.{name}: unknown column of table {table.table_id!r} (columns: {known})")
        if value is None:
            if column.required:
                raise TableError(f"{where}.{name}: column is required, got null")
            continue
        if not value_fits(column.type, value):
            raise TableError(f"{where}.{name}: expects {with_article(column.type)} value, got {value!r}")
    if not partial:
        for column in table.columns:
            if column.required and values.get(column.name) is None:
                raise TableError(f"{where}.{column.name}: column is required")


def _columns(table: TableDefinition) -> dict[str, ColumnType]:
    return {c.name: c.type for c in table.columns}


class TableStore:
    """The tables repository (every method takes the workspace first)."""

    def __init__(
        self,
        tables: Collection[TableDefinition],
        rows: Collection[TableRow],
        clock: Clock,
        new_id: IdFactory,
        source: RowSource | None = None,
    ) -> None:
        self._tables = tables
        self._rows = rows
        self._clock = clock
        self._new_id = new_id
        self._source = source or ScanRows(rows)

    def create_table(
        self, workspace_id: str, table_id: str, columns: Sequence[TableColumn], *, name: str | None = None
    ) -> TableDefinition:
        """A new table; `TableError` if the id exists or a column name repeats."""
        names = [c.name for c in columns]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate is not None:
            raise TableError(f"columns: column {duplicate!r} appears twice")
        if not columns:
            raise TableError("columns: a table needs at least one column")
        table = TableDefinition(
            workspace_id=workspace_id,
            table_id=table_id,
            name=name or table_id,
            columns=list(columns),
            created_at=self._clock.now(),
        )
        try:
            return self._tables.insert(workspace_id, table)
        except ConflictError:
            raise TableError(f"table_id: table {table_id!r} already exists") from None

    def get_table(self, workspace_id: str, table_id: str) -> TableDefinition:
        """The table definition; `TableNotFound` if missing."""
        table = self._tables.find(self._tables.key(workspace_id, table_id))
        if table is None:
            raise TableNotFound(f"table_id: table {table_id!r} not found")
        return table

    def drop_table(self, workspace_id: str, table_id: str) -> None:
        """Remove a table and its rows."""
        self.get_table(workspace_id, table_id)
        self._rows.table.delete_where({"workspace_id": workspace_id, "table_id": table_id})
        self._tables.table.delete(self._tables.key(workspace_id, table_id))

    def insert(self, workspace_id: str, table_id: str, rows: Sequence[Mapping[str, Any]]) -> list[TableRow]:
        """New rows (all checked before any is written)."""
        table = self.get_table(workspace_id, table_id)
        for i, values in enumerate(rows):
            check_row(table, values, f"rows[{i}]")
        now = self._clock.now()
        return [
            self._rows.insert(
                workspace_id,
                TableRow(
                    workspace_id=workspace_id,
                    table_id=table_id,
                    row_id=self._new_id("row"),
                    values=dict(values),
                    created_at=now,
                    updated_at=now,
                ),
            )
            for values in rows
        ]

    def get(self, workspace_id: str, table_id: str, row_id: str) -> TableRow:
        """One row; `RowNotFound` if missing."""
        self.get_table(workspace_id, table_id)
        row = self._rows.find(self._rows.key(workspace_id, table_id, row_id))
        if row is None:
            raise RowNotFound(f"row_id: row {row_id!r} not found in table {table_id!r}")
        return row

    def query(
        self,
        workspace_id: str,
        table_id: str,
        *,
        where: Mapping[str, Any] | None = None,
        order: Sequence[str] = (),
        limit: int = 100,
        offset: int = 0,
    ) -> list[TableRow]:
        """Rows matching `where` (the filter language), in `order` (`col` / `-col`), then offset and limit."""
        table = self.get_table(workspace_id, table_id)
        columns = _columns(table)
        predicate = compile_filter(where, error=TableError, columns=columns)
        keys = parse_order(order)
        for i, (name, _) in enumerate(keys):
            if name not in columns:
                raise TableError(f"order_by[{i}]: unknown column {name!r} of table {table_id!r}")
        found = []
        for row in self._source.rows(workspace_id, table_id, where):
            if predicate(row.values):
                found.append(row)
                if not keys and len(found) >= offset + limit:
                    break
        if keys:
            found = order_by(found, keys, lambda r: r.values)
        return found[offset : offset + limit]

    def _targets(
        self, workspace_id: str, table_id: str, row_id: str | None, where: Mapping[str, Any] | None
    ) -> list[TableRow]:
        if row_id is not None:
            return [self.get(workspace_id, table_id, row_id)]
        return self.query(workspace_id, table_id, where=where or {}, limit=10**9)

    def update(
        self,
        workspace_id: str,
        table_id: str,
        data: Mapping[str, Any],
        *,
        row_id: str | None = None,
        where: Mapping[str, Any] | None = None,
    ) -> list[TableRow]:
        """Set column values on one row (`row_id`) or every row matching `where`; the rows changed."""
        table = self.get_table(workspace_id, table_id)
        check_row(table, data, "data", partial=True)
        now = self._clock.now()
        changed = []
        for row in self._targets(workspace_id, table_id, row_id, where):
            updated = row.model_copy(update={"values": {**row.values, **data}, "updated_at": now})
            changed.append(self._rows.replace(workspace_id, updated, keep=("created_at",)))
        return changed

    def upsert(
        self, workspace_id: str, table_id: str, rows: Sequence[Mapping[str, Any]], key_columns: Sequence[str]
    ) -> list[TableRow]:
        """Update the row with equal `key_columns` values, or insert; the rows written, in input order."""
        table = self.get_table(workspace_id, table_id)
        for i, name in enumerate(key_columns):
            if table.column(name) is None:
                raise TableError(f"key_columns[{i}]: unknown column {name!r} of table {table_id!r}")
        written = []
        for i, values in enumerate(rows):
            missing = [k for k in key_columns if values.get(k) is None]
            if missing:
                raise TableError(f"rows[{i}].{missing[0]}: key column needs a value")
            check_row(table, values, f"rows[{i}]", partial=True)
            match = {k: values[k] for k in key_columns}
            existing = self.query(workspace_id, table_id, where=match, limit=1)
            if existing:
                written.extend(self.update(workspace_id, table_id, values, row_id=existing[0].row_id))
            else:
                written.extend(self.insert(workspace_id, table_id, [values]))
        return written

    def delete(
        self,
        workspace_id: str,
        table_id: str,
        *,
        row_id: str | None = None,
        where: Mapping[str, Any] | None = None,
    ) -> int:
        """Remove one row or every row matching `where`; how many."""
        doomed = self._targets(workspace_id, table_id, row_id, where)
        for row in doomed:
            self._rows.table.delete(self._rows.key(workspace_id, table_id, row.row_id))
        return len(doomed)
