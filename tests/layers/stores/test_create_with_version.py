"""VersionedRepository.create_with_version: a record and its first version are stored together or not at all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from deca.errors import ConflictError, InputError, NotFoundError
from deca.stores import Stores
from deca.stores.tables import Doc, Query, Table, TableBackend, TableSpec
from tests.fakes.clock import FakeClock
from tests.layers.stores.conftest import BACKENDS, backend_cache, open_stores
from tests.layers.stores.test_versioned import KINDS, Kind


class InjectedFailure(Exception):
    """The failure injected between the record's write and the version's."""


class FailingInserts:
    """A table whose inserts fail (after the record's insert, when it is the versions table)."""

    def __init__(self, inner: Table) -> None:
        self.spec = inner.spec
        self._inner = inner

    def insert(self, doc: Doc) -> None:
        raise InjectedFailure(f"insert into {self.spec.name} failed")

    def put(self, doc: Doc) -> None:
        self._inner.put(doc)

    def get(self, key: Mapping[str, Any]) -> Doc | None:
        return self._inner.get(key)

    def update(
        self, key: Mapping[str, Any], changes: Mapping[str, Any], expect: Mapping[str, Any]
    ) -> Doc | None:
        return self._inner.update(key, changes, expect)

    def delete(self, key: Mapping[str, Any]) -> bool:
        return self._inner.delete(key)

    def delete_where(self, where: Mapping[str, Any]) -> int:
        return self._inner.delete_where(where)

    def find(self, query: Query) -> list[Doc]:
        return self._inner.find(query)


class FailingVersions:
    """A backend whose version tables refuse inserts; everything else is the real backend."""

    def __init__(self, inner: TableBackend) -> None:
        self._inner = inner

    def table(self, spec: TableSpec) -> Table:
        table = self._inner.table(spec)
        return FailingInserts(table) if spec.name.endswith("_versions") else table

    def atomic(self) -> AbstractContextManager[bool]:
        return self._inner.atomic()

    def ensure_indexes(self) -> None:
        self._inner.ensure_indexes()

    def close(self) -> None:
        self._inner.close()


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    """Each versioned resource in turn."""
    param: Kind = request.param
    return param


@pytest.fixture(params=BACKENDS)
def failing(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Stores]:
    """Stores on each backend whose version inserts fail; reads and other writes work."""
    opened = open_stores(request.param, tmp_path, clock, cache=backend_cache(request), wrap=FailingVersions)
    yield opened
    opened.close()


def test_record_and_first_version_are_stored(stores: Stores, kind: Kind) -> None:
    record, version = kind.repo(stores).create_with_version(
        "ws-1", kind.record("ws-1", "r-1"), kind.version("ws-1", "r-1", 1)
    )

    assert kind.repo(stores).get("ws-1", "r-1") == record
    assert record.latest_version == 1
    assert kind.repo(stores).get_version("ws-1", "r-1", 1) == version
    assert [v.version for v in kind.repo(stores).list_versions("ws-1", "r-1").items] == [1]


def test_existing_record_is_a_conflict_and_keeps_its_versions(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create_with_version("ws-1", kind.record("ws-1", "r-1", name="first"), kind.version("ws-1", "r-1", 1))

    with pytest.raises(ConflictError):
        repo.create_with_version(
            "ws-1", kind.record("ws-1", "r-1", name="second"), kind.version("ws-1", "r-1", 1)
        )

    assert repo.get("ws-1", "r-1").name == "first"
    assert repo.get_version("ws-1", "r-1", 1) == kind.version("ws-1", "r-1", 1)


def test_version_of_another_record_is_refused_before_any_write(stores: Stores, kind: Kind) -> None:
    with pytest.raises(InputError):
        kind.repo(stores).create_with_version(
            "ws-1", kind.record("ws-1", "r-1"), kind.version("ws-1", "r-2", 1)
        )

    with pytest.raises(NotFoundError):
        kind.repo(stores).get("ws-1", "r-1")


def test_version_of_another_workspace_is_refused_before_any_write(stores: Stores, kind: Kind) -> None:
    with pytest.raises(InputError):
        kind.repo(stores).create_with_version(
            "ws-1", kind.record("ws-1", "r-1"), kind.version("ws-2", "r-1", 1)
        )

    with pytest.raises(NotFoundError):
        kind.repo(stores).get("ws-1", "r-1")


def test_failure_between_the_two_writes_leaves_nothing_behind(failing: Stores, kind: Kind) -> None:
    repo = kind.repo(failing)

    with pytest.raises(InjectedFailure):
        repo.create_with_version("ws-1", kind.record("ws-1", "r-1"), kind.version("ws-1", "r-1", 1))

    with pytest.raises(NotFoundError):
        repo.get("ws-1", "r-1")
    assert repo.list("ws-1").items == []
    # The id is free again: a plain create (no version insert) succeeds.
    assert repo.create("ws-1", kind.record("ws-1", "r-1")).latest_version == 0
