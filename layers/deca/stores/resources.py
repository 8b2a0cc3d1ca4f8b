"""Named resources (agents, credentials) and versioned ones (flows, functions, prompts), written once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from deca.errors import InputError
from deca.stores.base import DEFAULT_LIMIT
from deca.stores.collection import Collection
from deca.stores.models import (
    Agent,
    AgentStatus,
    Credential,
    FlowRecord,
    FlowStatus,
    FlowVersion,
    FunctionLanguage,
    FunctionRecord,
    FunctionVersion,
    Page,
    Prompt,
    PromptVersion,
    Record,
)

__all__ = [
    "AgentStore",
    "CredentialStore",
    "FlowStore",
    "FunctionStore",
    "NamedStore",
    "PromptStore",
    "VersionedStore",
]

R = TypeVar("R", bound=Record)
V = TypeVar("V", bound=Record)


class NamedStore(Generic[R]):
    """Create/get/update/delete of records keyed by (workspace, id), listed by name then id."""

    def __init__(self, records: Collection[R], *, also_keep: tuple[str, ...] = ()) -> None:
        self._records = records
        self._keep = ("created_at", "created_by", *also_keep)
        self._id_field = records.table.spec.key[1]

    def create(self, workspace_id: str, record: R, /) -> R:
        """Store a new record; `ConflictError` if its id (or unique name) exists."""
        return self._records.insert(workspace_id, record)

    def get(self, workspace_id: str, record_id: str, /) -> R:
        """The record; `NotFoundError` if missing in this workspace."""
        return self._records.get(self._records.key(workspace_id, record_id))

    def update(self, workspace_id: str, record: R, /) -> R:
        """Replace the record's fields, keeping its creation stamp and the fields the store maintains."""
        return self._records.replace(workspace_id, record, keep=self._keep)

    def delete(self, workspace_id: str, record_id: str, /) -> None:
        """Remove the record."""
        self._records.remove(self._records.key(workspace_id, record_id))

    def _list(self, workspace_id: str, limit: int, cursor: str | None, **equal: Any) -> Page[R]:
        order = (("name", False), (self._id_field, False))
        return self._records.page({"workspace_id": workspace_id, **equal}, order, limit=limit, cursor=cursor)


class VersionedStore(NamedStore[R], Generic[R, V]):
    """A named resource with immutable versions 1, 2, ...; the record's `latest_version` follows them."""

    def __init__(
        self,
        records: Collection[R],
        versions: Collection[V],
        *,
        atomic: Callable[[], AbstractContextManager[bool]] = lambda: nullcontext(False),
    ) -> None:
        super().__init__(records, also_keep=("latest_version",))
        self._versions = versions
        self._atomic = atomic

    def create_with_version(self, workspace_id: str, record: R, version: V, /) -> tuple[R, V]:
        """Store a new record and its first version as one operation: both are stored, or neither.

        The record's `latest_version` becomes the version's number. In one transaction where the backend
        has them (SQLite); elsewhere the record is removed again if storing the version fails.
        `ConflictError` if the record exists, `InputError` if the version belongs to another record.
        """
        doc = self._versions.dump(workspace_id, version)
        record_id = getattr(record, self._id_field)
        if doc[self._id_field] != record_id:
            raise InputError(
                f"{self._versions.resource} belongs to {doc[self._id_field]!r}, not {record_id!r}"
            )
        first = record.model_copy(update={"latest_version": doc["version"]})
        with self._atomic() as rolls_back:
            created = self._records.insert(workspace_id, first)
            try:
                stored = self._versions.insert(workspace_id, version)
            except BaseException:
                if not rolls_back:
                    self._records.table.delete(self._records.key(workspace_id, record_id))
                raise
        return created, stored

    def delete(self, workspace_id: str, record_id: str, /) -> None:
        """Remove the record and all its versions."""
        super().delete(workspace_id, record_id)
        self._versions.table.delete_where({"workspace_id": workspace_id, self._id_field: record_id})

    def add_version(self, workspace_id: str, version: V, /) -> V:
        """Store a new version and raise the record's `latest_version`; `ConflictError` if it exists."""
        doc = self._versions.dump(workspace_id, version)
        record_id, number = doc[self._id_field], doc["version"]
        key = self._records.key(workspace_id, record_id)
        current = self._records.get(key)
        self._versions.insert(workspace_id, version)
        while _latest(current) < number:
            # Compare-and-set, so concurrent writers of versions never lower `latest_version`.
            updated = self._records.update(
                key, {"latest_version": number}, {"latest_version": _latest(current)}
            )
            if updated is not None:
                break
            current = self._records.get(key)
        return version

    def get_version(self, workspace_id: str, record_id: str, version: int, /) -> V:
        """One version; `NotFoundError` if missing."""
        return self._versions.get(self._versions.key(workspace_id, record_id, version))

    def list_versions(
        self, workspace_id: str, record_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[V]:
        """A record's versions, newest first (`NotFoundError` if the record is missing)."""
        self.get(workspace_id, record_id)
        equal = {"workspace_id": workspace_id, self._id_field: record_id}
        return self._versions.page(equal, (("version", True),), limit=limit, cursor=cursor)


def _latest(record: BaseModel) -> int:
    value = record.model_dump(include={"latest_version"})["latest_version"]
    assert isinstance(value, int)
    return value


class FlowStore(VersionedStore[FlowRecord, FlowVersion]):
    """Flows and their versions."""

    def update(self, workspace_id: str, flow: FlowRecord, /) -> FlowRecord:
        """Replace the flow's fields; `NotFoundError` if it publishes a version that does not exist."""
        if flow.published_version is not None:
            self.get_version(workspace_id, flow.flow_id, flow.published_version)
        return super().update(workspace_id, flow)

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
        return self._list(workspace_id, limit, cursor, status=status)

    def change_token(self) -> Hashable | None:
        """The flow records table's change token (versions never change once written)."""
        return self._records.table.change_token()


class FunctionStore(VersionedStore[FunctionRecord, FunctionVersion]):
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
        return self._list(workspace_id, limit, cursor, language=language)


class PromptStore(VersionedStore[Prompt, PromptVersion]):
    """Prompts and their versions."""

    def list(
        self, workspace_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Prompt]:
        """Prompts ordered by name (then id)."""
        return self._list(workspace_id, limit, cursor)


class AgentStore(NamedStore[Agent]):
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
        return self._list(workspace_id, limit, cursor, status=status)


class CredentialStore(NamedStore[Credential]):
    """Credentials (opaque ciphertext), unique by name in a workspace."""

    def get_by_name(self, workspace_id: str, name: str, /) -> Credential:
        """The credential with this name; `NotFoundError` if none."""
        page = self._records.page(
            {"workspace_id": workspace_id, "name": name}, (("name", False),), limit=1, cursor=None
        )
        if not page.items:
            raise self._records.not_found({"workspace_id": workspace_id, "credential_id": name})
        return page.items[0]

    def list(
        self, workspace_id: str, /, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
    ) -> Page[Credential]:
        """Credentials ordered by name."""
        return self._list(workspace_id, limit, cursor)
