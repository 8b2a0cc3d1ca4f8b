"""`deca_tables`: reads and writes rows of DECA Tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig, TemplateStr

__all__ = ["SPEC", "DecaTablesConfig", "DecaTablesOutput"]


class DecaTablesConfig(OperationConfig):
    """Config of the deca_tables node."""

    operation: Literal["insert", "get", "update", "upsert", "delete", "query"] = Field(
        description=OPERATION_HELP
    )
    table_id: str = Field(min_length=1, max_length=128, description="Table id or name")
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
        description='Column -> value (or `{"$in": [...]}`) conditions (query, update/delete many)',
    )
    order_by: list[str] | None = Field(
        default=None, description="`column` or `-column`, most significant first"
    )
    limit: int | None = Field(
        default=None, ge=1, le=10_000, description="Maximum rows returned (default 100)"
    )
    offset: int | None = Field(default=None, ge=0, description="Rows skipped before the first one returned")

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
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
