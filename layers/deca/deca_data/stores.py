"""`DecaDataStores`: the pages, forms, knowledge-base, CRM and tables repositories on one table backend.

Built beside `deca.stores` on the same document-table port and backends (memory, SQLite, MongoDB), with
its own collections (`deca.deca_data.schema`). Every repository method takes the workspace first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from deca.clock import Clock, SystemClock
from deca.deca_data import schema
from deca.deca_data.crm import CrmStore
from deca.deca_data.embeddings import Embedder, HashingEmbedder
from deca.deca_data.forms import FormStore
from deca.deca_data.knowledge import KnowledgeStore
from deca.deca_data.models import (
    CrmRecord,
    FormDefinition,
    FormSubmission,
    KbChunk,
    KbDocument,
    KnowledgeBase,
    PageRecord,
    TableDefinition,
    TableRow,
)
from deca.deca_data.pages import PageStore
from deca.deca_data.records import IdFactory, random_id
from deca.deca_data.row_search import MongoRows, RowSource
from deca.deca_data.typed_tables import TableStore
from deca.deca_data.vectors import ATLAS_INDEX_NAME, AtlasVectorIndex, ExactVectorIndex, VectorIndex
from deca.stores.collection import Collection
from deca.stores.models import Record
from deca.stores.tables import TableBackend, TableSpec

if TYPE_CHECKING:
    from pymongo.database import Database

__all__ = [
    "DEFAULT_PAGES_BASE_URL",
    "DecaDataStores",
    "build_deca_data",
    "memory_deca_data",
    "mongo_deca_data",
    "sqlite_deca_data",
]

M = TypeVar("M", bound=Record)
DEFAULT_PAGES_BASE_URL = "/sites"


@dataclass
class DecaDataStores:
    """One attribute per repository, plus the backend's `ensure_indexes()` and `close()`."""

    pages: PageStore
    forms: FormStore
    knowledge: KnowledgeStore
    crm: CrmStore
    tables: TableStore
    ensure_indexes: Callable[[], None]
    close: Callable[[], None]


def build_deca_data(
    backend: TableBackend,
    *,
    clock: Clock | None = None,
    embedder: Embedder | None = None,
    new_id: IdFactory = random_id,
    vector_index: Callable[[Collection[KbChunk]], VectorIndex] | None = None,
    row_source: RowSource | None = None,
    pages_base_url: str = DEFAULT_PAGES_BASE_URL,
) -> DecaDataStores:
    """Every DECA data repository on `backend` (the hashing embedder and exact vector search by default)."""
    current = clock or SystemClock()

    def collection(spec: TableSpec, model: type[M], resource: str) -> Collection[M]:
        return Collection(backend.table(spec), model, resource)

    chunks = collection(schema.KB_CHUNKS, KbChunk, "knowledge base chunk")
    return DecaDataStores(
        pages=PageStore(collection(schema.PAGES, PageRecord, "page"), current, new_id, pages_base_url),
        forms=FormStore(
            collection(schema.FORMS, FormDefinition, "form"),
            collection(schema.FORM_SUBMISSIONS, FormSubmission, "form submission"),
            current,
            new_id,
        ),
        knowledge=KnowledgeStore(
            collection(schema.KNOWLEDGE_BASES, KnowledgeBase, "knowledge base"),
            collection(schema.KB_DOCUMENTS, KbDocument, "knowledge base document"),
            chunks,
            (vector_index or ExactVectorIndex)(chunks),
            embedder or HashingEmbedder(),
            current,
            new_id,
        ),
        crm=CrmStore(collection(schema.CRM_RECORDS, CrmRecord, "crm record"), current, new_id),
        tables=TableStore(
            collection(schema.TABLE_DEFINITIONS, TableDefinition, "table"),
            collection(schema.TABLE_ROWS, TableRow, "table row"),
            current,
            new_id,
            row_source,
        ),
        ensure_indexes=lambda: _ensure(backend),
        close=backend.close,
    )


def _ensure(backend: TableBackend) -> None:
    """Create the data tables' indexes (the backend's own `ensure_indexes` knows only the core tables)."""
    ensure = getattr(backend, "ensure_data_indexes", None)
    if ensure is not None:
        ensure()
    for spec in schema.DATA_TABLES:
        table = backend.table(spec)
        create = getattr(table, "ensure_indexes", None)
        if create is not None:
            create()


def memory_deca_data(
    *,
    clock: Clock | None = None,
    embedder: Embedder | None = None,
    new_id: IdFactory = random_id,
    pages_base_url: str = DEFAULT_PAGES_BASE_URL,
) -> DecaDataStores:
    """The DECA data stores in process memory (tests, `deca run`)."""
    from deca.stores.memory import MemoryBackend

    return build_deca_data(
        MemoryBackend(), clock=clock, embedder=embedder, new_id=new_id, pages_base_url=pages_base_url
    )


def sqlite_deca_data(
    path: str | Path,
    *,
    clock: Clock | None = None,
    embedder: Embedder | None = None,
    new_id: IdFactory = random_id,
    pages_base_url: str = DEFAULT_PAGES_BASE_URL,
) -> DecaDataStores:
    """The DECA data stores in a SQLite file (may be the same file as the core stores)."""
    from deca.stores.local import SqliteBackend

    backend = SqliteBackend(path)
    for spec in schema.DATA_TABLES:
        backend.table(spec)  # creates the table and its indexes on first use
    return build_deca_data(
        backend, clock=clock, embedder=embedder, new_id=new_id, pages_base_url=pages_base_url
    )


def mongo_deca_data(
    database: Database[dict[str, object]],
    *,
    clock: Clock | None = None,
    embedder: Embedder | None = None,
    new_id: IdFactory = random_id,
    vector_search: Literal["atlas", "exact"] = "atlas",
    atlas_index: str = ATLAS_INDEX_NAME,
    pages_base_url: str = DEFAULT_PAGES_BASE_URL,
    create_indexes: bool = False,
) -> DecaDataStores:
    """The DECA data stores on a MongoDB database: table filters pushed into MongoDB, knowledge search by
    Atlas `$vectorSearch` (or exact)."""
    from deca.stores.mongo import MongoBackend

    backend = MongoBackend(database)
    index: Callable[[Collection[KbChunk]], VectorIndex] = ExactVectorIndex
    if vector_search == "atlas":
        collection = database[schema.KB_CHUNKS.name]
        index = lambda _chunks: AtlasVectorIndex(collection, index_name=atlas_index)  # noqa: E731
    stores = build_deca_data(
        backend,
        clock=clock,
        embedder=embedder,
        new_id=new_id,
        vector_index=index,
        row_source=MongoRows(database[schema.TABLE_ROWS.name]),
        pages_base_url=pages_base_url,
    )
    if create_indexes:
        stores.ensure_indexes()
    return stores
