"""`deca_tables`: reads and writes rows of DECA Tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from deca.deca_data.columns import TableColumn
from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig, TemplateStr

if TYPE_CHECKING:
    from deca.deca_data.models import TableRow
    from deca.deca_data.typed_tables import TableStore
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "DecaTablesConfig", "DecaTablesOutput", "run"]


class DecaTablesConfig(OperationConfig):
    """Config of the deca_tables node."""

    operation: Literal["create_table", "insert", "get", "update", "upsert", "delete", "query"] = Field(
        description=OPERATION_HELP
    )
    table_id: str = Field(min_length=1, max_length=128, description="Table id or name")
    columns: list[TableColumn] | None = Field(
        default=None,
        min_length=1,
        description="Typed columns of a new table (create_table): name, type (string, number, integer, "
        "boolean, date, datetime, json), required",
    )
    row_id: str | None = Field(default=None, min_length=1, description="Row id (templates allowed)")
    rows: TemplateStr | list[dict[str, Any]] | None = Field(
        default=None, description="Rows to write (insert, upsert): a list of objects or a template giving one"
    )
    data: dict[str, Any] | None = Field(default=None, description="Column values to change (update)")
    key_columns: list[str] | None = Field(
        default=None, min_length=1, description="Columns identifying an existing row (upsert)"
    )
    where: dict[str, Any] | None = Field(
        default=None,
        description="Column -> value conditions with operators `$eq $ne $gt $gte $lt $lte $in $contains` and "
        '`$and`/`$or`, e.g. `{"amount": {"$gte": 10}}` (query, update/delete many)',
    )
    order_by: list[str] | None = Field(
        default=None, description="`column` or `-column`, most significant first"
    )
    limit: int | None = Field(
        default=None, ge=1, le=10_000, description="Maximum rows returned (default 100)"
    )
    offset: int | None = Field(default=None, ge=0, description="Rows skipped before the first one returned")

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "create_table": Operation(required=("columns",)),
        "insert": Operation(required=("rows",)),
        "get": Operation(required=("row_id",)),
        "update": Operation(required=("data",), optional=("row_id", "where")),
        "upsert": Operation(required=("rows", "key_columns")),
        "delete": Operation(optional=("row_id", "where")),
        "query": Operation(optional=("where", "order_by", "limit", "offset")),
    }

    @model_validator(mode="after")
    def _target_rows(self) -> DecaTablesConfig:
        if self.operation in ("update", "delete") and (self.row_id is None) == (self.where is None):
            raise ValueError(f"{self.operation} needs exactly one of `row_id` or `where`")
        return self


class DecaTablesOutput(NodeOutput):
    """What a deca_tables node returns (fields not used by the operation are empty)."""

    row: dict[str, Any] | None = Field(default=None, description="The row (get)")
    table: dict[str, Any] | None = Field(
        default=None, description="The new table's definition (create_table)"
    )
    rows: list[dict[str, Any]] = Field(
        default_factory=list, description="Rows returned (query, insert, upsert)"
    )
    count: int = Field(default=0, ge=0, description="Number of rows returned")
    affected: int = Field(default=0, ge=0, description="Rows inserted, updated or deleted")


SPEC = NodeSpec(
    type="deca_tables",
    category="deca",
    description="Insert, read, update, upsert, delete or query rows of a DECA table",
    config=DecaTablesConfig,
    output=DecaTablesOutput,
    side_effects=True,
    icon="table",
    errors=("TableNotFound", "RowNotFound", "TableError"),
    example={"operation": "query", "table_id": "orders", "where": {"status": "open"}, "limit": 20},
)


def _row(row: TableRow) -> dict[str, Any]:
    """A row as output: its column values plus `_id`, `_created_at` and `_updated_at`."""
    dumped = row.model_dump(mode="json")
    return {
        **row.values,
        "_id": row.row_id,
        "_created_at": dumped["created_at"],
        "_updated_at": dumped["updated_at"],
    }


def _rows(config: DecaTablesConfig) -> list[dict[str, Any]]:
    from deca.deca_data.errors import TableError

    rows = config.rows
    if not isinstance(rows, list):
        raise TableError(f"rows: expects a list of objects, got {type(rows).__name__}")
    return rows


def _act(config: DecaTablesConfig, store: TableStore, workspace_id: str) -> DecaTablesOutput:
    table_id = config.table_id
    if config.operation == "create_table":
        table = store.create_table(workspace_id, table_id, config.columns or [])
        return DecaTablesOutput(table=table.model_dump(mode="json"))
    if config.operation == "get":
        return DecaTablesOutput(row=_row(store.get(workspace_id, table_id, config.row_id or "")), count=1)
    if config.operation == "query":
        found = store.query(
            workspace_id,
            table_id,
            where=config.where,
            order=config.order_by or (),
            limit=config.limit or 100,
            offset=config.offset or 0,
        )
        return DecaTablesOutput(rows=[_row(r) for r in found], count=len(found))
    if config.operation == "insert":
        written = store.insert(workspace_id, table_id, _rows(config))
    elif config.operation == "upsert":
        written = store.upsert(workspace_id, table_id, _rows(config), config.key_columns or [])
    elif config.operation == "update":
        written = store.update(
            workspace_id, table_id, config.data or {}, row_id=config.row_id, where=config.where
        )
    else:
        affected = store.delete(workspace_id, table_id, row_id=config.row_id, where=config.where)
        return DecaTablesOutput(affected=affected)
    return DecaTablesOutput(rows=[_row(r) for r in written], count=len(written), affected=len(written))


def run(config: DecaTablesConfig, task: NodeTask, ctx: NodeContext) -> DecaTablesOutput:
    """Do the table operation in the workspace's tables store (writes run once per execution and node)."""
    from deca.deca_data.context import data_stores, write_once

    store = data_stores(ctx).tables
    if config.operation in ("get", "query"):
        return _act(config, store, ctx.workspace_id)
    return write_once(ctx, task, DecaTablesOutput, lambda: _act(config, store, ctx.workspace_id))
