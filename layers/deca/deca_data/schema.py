"""The collections (MongoDB) / tables (SQLite) of the DECA data stores: keys and indexes, defined once."""

from __future__ import annotations

from deca.stores.tables import TableSpec

__all__ = [
    "CRM_RECORDS",
    "DATA_TABLES",
    "FORMS",
    "FORM_SUBMISSIONS",
    "KB_CHUNKS",
    "KB_DOCUMENTS",
    "KNOWLEDGE_BASES",
    "PAGES",
    "TABLE_DEFINITIONS",
    "TABLE_ROWS",
]

W = "workspace_id"

PAGES = TableSpec(
    "deca_pages",
    key=(W, "site_id", "page_id"),
    unique=((W, "site_id", "slug"),),
    indexes=((W, "site_id", "updated_at", "page_id"),),
)
FORMS = TableSpec("deca_forms", key=(W, "form_id"))
FORM_SUBMISSIONS = TableSpec(
    "deca_form_submissions",
    key=(W, "form_id", "submission_id"),
    indexes=((W, "form_id", "submitted_at", "submission_id"),),
)
KNOWLEDGE_BASES = TableSpec("deca_knowledge_bases", key=(W, "knowledge_base_id"))
KB_DOCUMENTS = TableSpec(
    "deca_kb_documents",
    key=(W, "knowledge_base_id", "document_id"),
    indexes=((W, "knowledge_base_id", "created_at", "document_id"),),
)
KB_CHUNKS = TableSpec(
    "deca_kb_chunks",
    key=(W, "knowledge_base_id", "chunk_id"),
    indexes=((W, "knowledge_base_id", "document_id", "position"),),
)
CRM_RECORDS = TableSpec(
    "deca_crm_records",
    key=(W, "entity", "record_id"),
    indexes=((W, "entity", "created_at", "record_id"),),
)
TABLE_DEFINITIONS = TableSpec("deca_table_definitions", key=(W, "table_id"))
TABLE_ROWS = TableSpec(
    "deca_table_rows",
    key=(W, "table_id", "row_id"),
    indexes=((W, "table_id", "created_at", "row_id"),),
)

DATA_TABLES = (
    PAGES,
    FORMS,
    FORM_SUBMISSIONS,
    KNOWLEDGE_BASES,
    KB_DOCUMENTS,
    KB_CHUNKS,
    CRM_RECORDS,
    TABLE_DEFINITIONS,
    TABLE_ROWS,
)
"""Every table of the DECA data stores."""
