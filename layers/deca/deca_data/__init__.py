"""DECA data: pages, forms, knowledge bases (chunks, embeddings, vector search), CRM and typed tables.

    data = memory_deca_data()                        # or sqlite_deca_data(path), mongo_deca_data(database)
    data.tables.create_table("ws-1", "orders", [TableColumn(name="amount", type="number")])
    data.tables.insert("ws-1", "orders", [{"amount": 12}])
    data.tables.query("ws-1", "orders", where={"amount": {"$gt": 10}})

Node logic finds the bundle in `ctx.services["deca_data"]`. See docs/nodes.md for the node types.
"""

from deca.deca_data.embeddings import Embedder, HashingEmbedder, OpenAIEmbedder
from deca.deca_data.models import (
    CrmRecord,
    FormDefinition,
    FormField,
    FormSubmission,
    KbChunk,
    KbDocument,
    PageRecord,
    TableColumn,
    TableDefinition,
    TableRow,
)
from deca.deca_data.stores import (
    DecaDataStores,
    build_deca_data,
    memory_deca_data,
    mongo_deca_data,
    sqlite_deca_data,
)

__all__ = [
    "CrmRecord",
    "DecaDataStores",
    "Embedder",
    "FormDefinition",
    "FormField",
    "FormSubmission",
    "HashingEmbedder",
    "KbChunk",
    "KbDocument",
    "OpenAIEmbedder",
    "PageRecord",
    "TableColumn",
    "TableDefinition",
    "TableRow",
    "build_deca_data",
    "memory_deca_data",
    "mongo_deca_data",
    "sqlite_deca_data",
]
