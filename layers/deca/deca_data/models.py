"""The stored records of DECA pages, forms, knowledge bases, CRM and tables (one schema for every backend)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from deca.clock import utcnow
from deca.deca_data.columns import ColumnType, TableColumn
from deca.stores.models import Record, UtcDatetime

__all__ = [
    "ColumnType",
    "CrmEntity",
    "CrmRecord",
    "FieldType",
    "FormDefinition",
    "FormField",
    "FormSubmission",
    "KbChunk",
    "KbDocument",
    "KnowledgeBase",
    "PageRecord",
    "PageStatus",
    "TableColumn",
    "TableDefinition",
    "TableRow",
]

Id = str
PageStatus = Literal["draft", "published", "archived"]
FieldType = Literal["text", "email", "number", "integer", "boolean", "select", "multiselect", "date", "url"]
CrmEntity = Literal["contact", "company", "deal", "activity"]


class PageRecord(Record):
    """One page of a site; `slug` is unique per site."""

    workspace_id: Id = Field(min_length=1)
    site_id: Id = Field(min_length=1)
    page_id: Id = Field(min_length=1)
    title: str
    slug: str
    content: Any = None
    template_id: str | None = None
    seo: dict[str, str] = Field(default_factory=dict)
    status: PageStatus = "draft"
    published_at: UtcDatetime | None = None
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)


class FormField(Record):
    """One field of a form and its rules."""

    name: str = Field(min_length=1, max_length=128)
    type: FieldType = "text"
    label: str = ""
    required: bool = False
    options: list[str] | None = Field(default=None, description="Allowed values (select, multiselect)")
    min: float | None = None
    max: float | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=0)
    pattern: str | None = Field(default=None, description="Regular expression the text must match")


class FormDefinition(Record):
    """A form: its fields and whether unknown fields are rejected."""

    workspace_id: Id = Field(min_length=1)
    form_id: Id = Field(min_length=1)
    name: str
    fields: list[FormField] = Field(default_factory=list)
    allow_extra: bool = False
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)


class FormSubmission(Record):
    """Answers submitted to a form (already validated)."""

    workspace_id: Id = Field(min_length=1)
    form_id: Id = Field(min_length=1)
    submission_id: Id = Field(min_length=1)
    data: dict[str, Any]
    submitted_at: UtcDatetime = Field(default_factory=utcnow)


class KnowledgeBase(Record):
    """A knowledge base; it records the embedder its vectors came from, so they are never mixed."""

    workspace_id: Id = Field(min_length=1)
    knowledge_base_id: Id = Field(min_length=1)
    embedder: str
    dimensions: int = Field(ge=1)
    created_at: UtcDatetime = Field(default_factory=utcnow)


class KbDocument(Record):
    """A document of a knowledge base (its text is also stored chunked, with vectors)."""

    workspace_id: Id = Field(min_length=1)
    knowledge_base_id: Id = Field(min_length=1)
    document_id: Id = Field(min_length=1)
    title: str | None = None
    content: str
    source_url: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    chunk_count: int = Field(default=0, ge=0)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)


class KbChunk(Record):
    """One passage of a document with its embedding (`metadata` copies the document's, for filters)."""

    workspace_id: Id = Field(min_length=1)
    knowledge_base_id: Id = Field(min_length=1)
    chunk_id: Id = Field(min_length=1)
    document_id: Id = Field(min_length=1)
    position: int = Field(ge=0)
    text: str
    embedding: list[float]
    metadata: dict[str, Any] = Field(default_factory=dict)


class CrmRecord(Record):
    """A contact, company, deal or activity; `data` holds its fields."""

    workspace_id: Id = Field(min_length=1)
    entity: CrmEntity
    record_id: Id = Field(min_length=1)
    data: dict[str, Any]
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)


class TableDefinition(Record):
    """A typed table: its columns, in order."""

    workspace_id: Id = Field(min_length=1)
    table_id: Id = Field(min_length=1)
    name: str
    columns: list[TableColumn] = Field(min_length=1)
    created_at: UtcDatetime = Field(default_factory=utcnow)

    def column(self, name: str) -> TableColumn | None:
        """The column with this name, or None."""
        return next((c for c in self.columns if c.name == name), None)


class TableRow(Record):
    """One row of a table; `values` holds the column values (validated against the table's columns)."""

    workspace_id: Id = Field(min_length=1)
    table_id: Id = Field(min_length=1)
    row_id: Id = Field(min_length=1)
    values: dict[str, Any]
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)
