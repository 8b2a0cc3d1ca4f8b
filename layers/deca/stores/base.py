"""The repository ports: everything the API, the engines and the node handlers may ask of the stores.

Tenancy: every method takes the caller's `workspace_id` first (only `WorkspaceRepository.memberships`,
which finds a user's workspaces, does not). A record of another workspace behaves exactly as a missing
one: it is never returned, listed, updated or deleted. A record passed in must carry the same
`workspace_id` (else `InputError`). Missing records raise `NotFoundError`, collisions `ConflictError`.

Listings return a `Page` in a stable order with an opaque `next_cursor`; `limit` is 1..200.
Identifiers are positional-only, options keyword-only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from pydantic import JsonValue

from deca.stores.models import (
    Agent,
    AgentStatus,
    AuditRecord,
    Credential,
    ExecutionMetrics,
    ExecutionRecord,
    ExecutionStatus,
    FlowRecord,
    FlowStatus,
    FlowVersion,
    FunctionLanguage,
    FunctionRecord,
    FunctionVersion,
    HistoryEvent,
    IdempotencyRecord,
    Member,
    NodeResult,
    Page,
    Prompt,
    PromptVersion,
    Record,
    Role,
    Workspace,
)

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
    "PromptRepository",
    "Stores",
    "VersionedRepository",
    "WorkspaceRepository",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

R = TypeVar("R", bound=Record)
V = TypeVar("V", bound=Record)


class WorkspaceRepository(Protocol):
    """Workspaces and their members."""

    def create(self, workspace_id: str, workspace: Workspace, /) -> Workspace:
        """Store a new workspace; `ConflictError` if the id exists."""
        ...

    def get(self, workspace_id: str, /) -> Workspace:
        """The workspace."""
        ...

    def update(self, workspace_id: str, workspace: Workspace, /) -> Workspace:
        """Replace the workspace's fields."""
        ...

    def delete(self, workspace_id: str, /) -> None:
        """Remove the workspace and its members."""
        ...

    def add_member(self, workspace_id: str, member: Member, /) -> Member:
        """Add a user; `ConflictError` if already a member."""
        ...

    def get_member(self, workspace_id: str, user_id: str, /) -> Member:
        """A user's membership."""
        ...

    def set_role(self, workspace_id: str, user_id: str, role: Role, /) -> Member:
        """Change a member's role."""
        ...

    def remove_member(self, workspace_id: str, user_id: str, /) -> None:
        """Remove a user from the workspace."""
        ...

    def list_members(
        self, workspace_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Member]:
        """Members ordered by user id."""
        ...

    def memberships(
        self, user_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Member]:
        """A user's memberships in every workspace, ordered by workspace id."""
        ...

    def list_all(self, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> Page[Workspace]:
        """Every workspace, ordered by id: for the platform's own services (the local scheduler), never a
        caller's query."""
        ...


class NamedRepository(Protocol[R]):
    """Create/get/update/delete of records keyed by workspace and id."""

    def create(self, workspace_id: str, record: R, /) -> R:
        """Store a new record; `ConflictError` if its id (or a unique name) exists."""
        ...

    def get(self, workspace_id: str, record_id: str, /) -> R:
        """The record."""
        ...

    def update(self, workspace_id: str, record: R, /) -> R:
        """Replace the record's fields (`created_at` and store-maintained fields are kept)."""
        ...

    def delete(self, workspace_id: str, record_id: str, /) -> None:
        """Remove the record (and its versions, if it has any)."""
        ...


class VersionedRepository(NamedRepository[R], Protocol[R, V]):
    """A named record with immutable versions 1, 2, ... (unique per record)."""

    def create_with_version(self, workspace_id: str, record: R, version: V, /) -> tuple[R, V]:
        """Store a new record with its first version in one operation: both or neither are stored.

        The record's `latest_version` becomes the version's number; `ConflictError` if the record exists.
        """
        ...

    def add_version(self, workspace_id: str, version: V, /) -> V:
        """Store a new version and raise the record's `latest_version`; `ConflictError` if it exists."""
        ...

    def get_version(self, workspace_id: str, record_id: str, version: int, /) -> V:
        """One version of a record."""
        ...

    def list_versions(
        self, workspace_id: str, record_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[V]:
        """A record's versions, newest first."""
        ...


class FlowRepository(VersionedRepository[FlowRecord, FlowVersion], Protocol):
    """Flows and their versions; `update` only publishes (`published_version`) an existing version."""

    def list(
        self,
        workspace_id: str,
        /,
        *,
        status: FlowStatus | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[FlowRecord]:
        """Flows ordered by name (then id), optionally of one status."""
        ...

    def change_token(self) -> Hashable | None:
        """A value that differs after any change to a flow record since it was taken (None: unknown)."""
        ...


class FunctionRepository(VersionedRepository[FunctionRecord, FunctionVersion], Protocol):
    """Custom functions and their versions."""

    def list(
        self,
        workspace_id: str,
        /,
        *,
        language: FunctionLanguage | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[FunctionRecord]:
        """Functions ordered by name (then id), optionally of one language."""
        ...


class PromptRepository(VersionedRepository[Prompt, PromptVersion], Protocol):
    """Prompts and their versions."""

    def list(
        self, workspace_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Prompt]:
        """Prompts ordered by name (then id)."""
        ...


class AgentRepository(NamedRepository[Agent], Protocol):
    """AI agents."""

    def list(
        self,
        workspace_id: str,
        /,
        *,
        status: AgentStatus | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[Agent]:
        """Agents ordered by name (then id), optionally of one status."""
        ...


class CredentialRepository(NamedRepository[Credential], Protocol):
    """Credentials as opaque ciphertext; names are unique per workspace (a rotation is an `update`)."""

    def get_by_name(self, workspace_id: str, name: str, /) -> Credential:
        """The credential with this name."""
        ...

    def list(
        self, workspace_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Credential]:
        """Credentials ordered by name."""
        ...


class ExecutionRepository(Protocol):
    """Executions, their append-only history and their node results."""

    def create(self, workspace_id: str, execution: ExecutionRecord, /) -> ExecutionRecord:
        """Store a new execution, or return the existing one with the same flow and `name`.

        Compare the returned `execution_id` with yours to know which happened. `ConflictError` if the
        execution id exists.
        """
        ...

    def get(self, workspace_id: str, execution_id: str, /) -> ExecutionRecord:
        """The execution."""
        ...

    def get_by_name(self, workspace_id: str, flow_id: str, name: str, /) -> ExecutionRecord:
        """The execution of a flow started with this name."""
        ...

    def list(
        self,
        workspace_id: str,
        /,
        *,
        flow_id: str | None = None,
        status: ExecutionStatus | None = None,
        started_after: datetime | None = None,
        started_before: datetime | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[ExecutionRecord]:
        """Executions, newest start first; `started_after` is inclusive, `started_before` exclusive."""
        ...

    def update_status(
        self,
        workspace_id: str,
        execution_id: str,
        status: ExecutionStatus,
        /,
        *,
        end_time: datetime | None = None,
        output: JsonValue = None,
        error_details: dict[str, JsonValue] | None = None,
        metrics: ExecutionMetrics | None = None,
        expected_status: ExecutionStatus | None = None,
    ) -> ExecutionRecord:
        """Set the status and every other argument that is not None, atomically.

        With `expected_status`, `ConflictError` unless the stored status is that one (optimistic
        concurrency: e.g. only a running execution may become succeeded).
        """
        ...

    def append_history(self, workspace_id: str, event: HistoryEvent, /) -> HistoryEvent:
        """Append an event to its execution's history; returns it with its `event_id` (1, 2, ...)."""
        ...

    def record_progress(
        self,
        workspace_id: str,
        execution_id: str,
        events: Sequence[HistoryEvent],
        results: Sequence[NodeResult],
        /,
    ) -> Sequence[int]:
        """Append `events` to the execution's history (in order) and store or replace `results`, in one
        transaction where the backend has them; returns the `event_id`s the events were stored with."""
        ...

    def get_history(
        self, workspace_id: str, execution_id: str, /, *, limit: int = MAX_LIMIT, cursor: str | None = None
    ) -> Page[HistoryEvent]:
        """An execution's history, oldest first."""
        ...

    def put_node_result(self, workspace_id: str, result: NodeResult, /) -> NodeResult:
        """Store or replace the result of one attempt of one node."""
        ...

    def list_node_results(
        self, workspace_id: str, execution_id: str, /, *, limit: int = MAX_LIMIT, cursor: str | None = None
    ) -> Page[NodeResult]:
        """An execution's node results, in start order."""
        ...

    def delete(self, workspace_id: str, execution_id: str, /) -> bool:
        """Remove the execution with its history and node results; whether it existed (absent is fine)."""
        ...


class AuditRepository(Protocol):
    """The append-only audit log."""

    def append(self, workspace_id: str, record: AuditRecord, /) -> AuditRecord:
        """Record one audited action."""
        ...

    def list(
        self,
        workspace_id: str,
        /,
        *,
        user_id: str | None = None,
        action: str | None = None,
        resource_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> Page[AuditRecord]:
        """Audit records, newest first; `since` is inclusive, `until` exclusive."""
        ...


class IdempotencyRepository(Protocol):
    """Idempotency keys with an expiry: a live key is claimed once, its result replayed."""

    def put_if_absent(self, workspace_id: str, record: IdempotencyRecord, /) -> IdempotencyRecord:
        """Claim the key: returns `record` if it was free (or expired), else the live stored record."""
        ...

    def get(self, workspace_id: str, key: str, /) -> IdempotencyRecord:
        """The live record of this key (an expired one is not found)."""
        ...

    def set_result(
        self, workspace_id: str, key: str, result: JsonValue, /, *, expires_at: datetime | None = None
    ) -> IdempotencyRecord:
        """Store the result to replay for a live key (`expires_at`: the claim's, known to the claimer)."""
        ...

    def delete(self, workspace_id: str, key: str, /) -> None:
        """Release the key."""
        ...


@dataclass
class Stores:
    """Every repository of one backend; `close()` releases its connections."""

    workspaces: WorkspaceRepository
    flows: FlowRepository
    executions: ExecutionRepository
    credentials: CredentialRepository
    functions: FunctionRepository
    agents: AgentRepository
    prompts: PromptRepository
    audit: AuditRepository
    idempotency: IdempotencyRepository
    ensure_indexes: Callable[[], None] = field(default=lambda: None, repr=False)
    close: Callable[[], None] = field(default=lambda: None, repr=False)
