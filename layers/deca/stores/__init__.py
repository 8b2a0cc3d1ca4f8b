"""The stores: narrow repositories over MongoDB, an embedded SQLite file or memory (see docs/stores.md)."""

from __future__ import annotations

from deca.stores.base import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    AgentRepository,
    AuditRepository,
    CredentialRepository,
    ExecutionRepository,
    FlowRepository,
    FunctionRepository,
    IdempotencyRepository,
    NamedRepository,
    PromptRepository,
    Stores,
    VersionedRepository,
    WorkspaceRepository,
)
from deca.stores.local import sqlite_stores
from deca.stores.memory import memory_stores
from deca.stores.models import Page
from deca.stores.mongo import ensure_indexes, mongo_stores
from deca.stores.urls import stores_from_url

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "AgentRepository",
    "AuditRepository",
    "CredentialRepository",
    "ExecutionRepository",
    "FlowRepository",
    "FunctionRepository",
    "IdempotencyRepository",
    "NamedRepository",
    "Page",
    "PromptRepository",
    "Stores",
    "VersionedRepository",
    "WorkspaceRepository",
    "ensure_indexes",
    "memory_stores",
    "mongo_stores",
    "sqlite_stores",
    "stores_from_url",
]
