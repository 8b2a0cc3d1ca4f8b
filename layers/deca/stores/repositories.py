"""Assembles every repository on one table backend (memory, SQLite or MongoDB) into a `Stores` bundle."""

from __future__ import annotations

from typing import TypeVar

from deca.clock import Clock, SystemClock
from deca.stores import schema
from deca.stores.audit import AuditStore
from deca.stores.base import Stores
from deca.stores.collection import Collection
from deca.stores.executions import ExecutionStore
from deca.stores.idempotency import IdempotencyStore
from deca.stores.models import (
    Agent,
    AuditRecord,
    Credential,
    ExecutionRecord,
    FlowRecord,
    FlowVersion,
    FunctionRecord,
    FunctionVersion,
    HistoryEvent,
    IdempotencyRecord,
    Member,
    NodeResult,
    Prompt,
    PromptVersion,
    Record,
    Workspace,
)
from deca.stores.resources import AgentStore, CredentialStore, FlowStore, FunctionStore, PromptStore
from deca.stores.tables import TableBackend, TableSpec
from deca.stores.workspaces import WorkspaceStore

__all__ = ["build_stores"]

M = TypeVar("M", bound=Record)


def build_stores(backend: TableBackend, *, clock: Clock | None = None) -> Stores:
    """Every repository on `backend`; `clock` judges idempotency expiry (the system clock by default)."""

    def collection(spec: TableSpec, model: type[M], resource: str) -> Collection[M]:
        return Collection(backend.table(spec), model, resource)

    return Stores(
        workspaces=WorkspaceStore(
            collection(schema.WORKSPACES, Workspace, "workspace"),
            collection(schema.MEMBERS, Member, "member"),
        ),
        flows=FlowStore(
            collection(schema.FLOWS, FlowRecord, "flow"),
            collection(schema.FLOW_VERSIONS, FlowVersion, "flow version"),
            atomic=backend.atomic,
        ),
        executions=ExecutionStore(
            collection(schema.EXECUTIONS, ExecutionRecord, "execution"),
            collection(schema.EXECUTION_HISTORY, HistoryEvent, "history event"),
            collection(schema.NODE_RESULTS, NodeResult, "node result"),
            atomic=backend.atomic,
        ),
        credentials=CredentialStore(collection(schema.CREDENTIALS, Credential, "credential")),
        functions=FunctionStore(
            collection(schema.FUNCTIONS, FunctionRecord, "function"),
            collection(schema.FUNCTION_VERSIONS, FunctionVersion, "function version"),
            atomic=backend.atomic,
        ),
        agents=AgentStore(collection(schema.AGENTS, Agent, "agent")),
        prompts=PromptStore(
            collection(schema.PROMPTS, Prompt, "prompt"),
            collection(schema.PROMPT_VERSIONS, PromptVersion, "prompt version"),
            atomic=backend.atomic,
        ),
        audit=AuditStore(collection(schema.AUDIT, AuditRecord, "audit record")),
        idempotency=IdempotencyStore(
            collection(schema.IDEMPOTENCY, IdempotencyRecord, "idempotency key"), clock or SystemClock()
        ),
        ensure_indexes=backend.ensure_indexes,
        close=backend.close,
    )
