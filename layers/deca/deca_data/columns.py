"""Typed columns of DECA tables (kept free of store imports: node configs use them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ColumnType", "TableColumn"]

ColumnType = Literal["string", "number", "integer", "boolean", "date", "datetime", "json"]


class TableColumn(BaseModel):
    """A typed column of a table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        min_length=1, max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="Column name"
    )
    type: ColumnType = Field(
        default="string", description="Value type (dates and datetimes are ISO-8601 text)"
    )
    required: bool = Field(default=False, description="Whether every row needs a non-null value")
