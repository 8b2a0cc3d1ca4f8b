"""Flow, function and prompt repositories: one contract for records with immutable versions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from deca.errors import ConflictError, InputError, NotFoundError
from deca.stores import Stores
from tests.fakes import records


@dataclass(frozen=True)
class Kind:
    """How to reach one versioned repository and build its records."""

    name: str
    repo: Callable[[Stores], Any]
    record: Callable[..., Any]
    version: Callable[..., Any]


KINDS = [
    Kind("flows", lambda s: s.flows, records.flow, records.flow_version),
    Kind("functions", lambda s: s.functions, records.function, records.function_version),
    Kind("prompts", lambda s: s.prompts, records.prompt, records.prompt_version),
]


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    """Each versioned resource in turn."""
    param: Kind = request.param
    return param


def _id(record: Any) -> str:
    dumped: dict[str, Any] = record.model_dump()
    return str(next(v for k, v in dumped.items() if k.endswith("_id") and k != "workspace_id"))


def test_created_record_is_returned_by_get(stores: Stores, kind: Kind) -> None:
    created = kind.repo(stores).create("ws-1", kind.record("ws-1", "r-1", description="hello"))

    assert kind.repo(stores).get("ws-1", "r-1") == created


def test_creating_an_existing_id_is_a_conflict(stores: Stores, kind: Kind) -> None:
    kind.repo(stores).create("ws-1", kind.record("ws-1", "r-1"))

    with pytest.raises(ConflictError):
        kind.repo(stores).create("ws-1", kind.record("ws-1", "r-1", name="other"))


def test_missing_record_is_not_found(stores: Stores, kind: Kind) -> None:
    with pytest.raises(NotFoundError):
        kind.repo(stores).get("ws-1", "r-1")


def test_list_orders_by_name_then_id(stores: Stores, kind: Kind) -> None:
    for record_id, name in [("r-3", "beta"), ("r-2", "alpha"), ("r-1", "beta")]:
        kind.repo(stores).create("ws-1", kind.record("ws-1", record_id, name=name))

    page = kind.repo(stores).list("ws-1")

    assert [_id(r) for r in page.items] == ["r-2", "r-1", "r-3"]
    assert page.next_cursor is None


def test_list_pages_through_every_record_once(stores: Stores, kind: Kind) -> None:
    ids = [f"r-{i}" for i in range(7)]
    for record_id in ids:
        kind.repo(stores).create("ws-1", kind.record("ws-1", record_id, name="same name"))

    seen: list[str] = []
    sizes: list[int] = []
    cursor = None
    while True:
        page = kind.repo(stores).list("ws-1", limit=3, cursor=cursor)
        seen += [_id(r) for r in page.items]
        sizes.append(len(page.items))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == ids
    assert sizes == [3, 3, 1]


def test_update_replaces_fields_but_keeps_latest_version_and_creation(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    repo.add_version("ws-1", kind.version("ws-1", "r-1", 1))
    stale = kind.record("ws-1", "r-1", name="renamed", latest_version=0, created_at=records.at(99))

    updated = repo.update("ws-1", stale)

    assert (updated.name, updated.latest_version, updated.created_at) == ("renamed", 1, records.T0)
    assert repo.get("ws-1", "r-1") == updated


def test_update_of_missing_record_is_not_found(stores: Stores, kind: Kind) -> None:
    with pytest.raises(NotFoundError):
        kind.repo(stores).update("ws-1", kind.record("ws-1", "r-1"))


def test_delete_removes_record_and_versions(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    repo.add_version("ws-1", kind.version("ws-1", "r-1", 1))

    repo.delete("ws-1", "r-1")

    with pytest.raises(NotFoundError):
        repo.get("ws-1", "r-1")
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    assert repo.list_versions("ws-1", "r-1").items == []


def test_delete_of_missing_record_is_not_found(stores: Stores, kind: Kind) -> None:
    with pytest.raises(NotFoundError):
        kind.repo(stores).delete("ws-1", "r-1")


def test_add_version_raises_latest_version(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))

    repo.add_version("ws-1", kind.version("ws-1", "r-1", 1))
    repo.add_version("ws-1", kind.version("ws-1", "r-1", 2))

    assert repo.get("ws-1", "r-1").latest_version == 2


def test_adding_an_older_version_keeps_latest_version(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    repo.add_version("ws-1", kind.version("ws-1", "r-1", 3))

    repo.add_version("ws-1", kind.version("ws-1", "r-1", 2))

    assert repo.get("ws-1", "r-1").latest_version == 3


def test_adding_an_existing_version_is_a_conflict(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    first = repo.add_version("ws-1", kind.version("ws-1", "r-1", 1))

    with pytest.raises(ConflictError):
        repo.add_version("ws-1", kind.version("ws-1", "r-1", 1, comment="again"))
    assert repo.get_version("ws-1", "r-1", 1) == first


def test_adding_a_version_to_a_missing_record_is_not_found(stores: Stores, kind: Kind) -> None:
    with pytest.raises(NotFoundError):
        kind.repo(stores).add_version("ws-1", kind.version("ws-1", "r-1", 1))


def test_get_version_returns_the_stored_version(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    added = repo.add_version("ws-1", kind.version("ws-1", "r-1", 1, comment="first"))

    assert repo.get_version("ws-1", "r-1", 1) == added


def test_missing_version_is_not_found(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))

    with pytest.raises(NotFoundError):
        repo.get_version("ws-1", "r-1", 1)


def test_list_versions_pages_newest_first(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    for number in [2, 5, 1, 3, 4]:
        repo.add_version("ws-1", kind.version("ws-1", "r-1", number))

    first = repo.list_versions("ws-1", "r-1", limit=3)
    second = repo.list_versions("ws-1", "r-1", limit=3, cursor=first.next_cursor)

    assert [v.version for v in first.items] == [5, 4, 3]
    assert [v.version for v in second.items] == [2, 1]
    assert second.next_cursor is None


def test_list_versions_of_a_missing_record_is_not_found(stores: Stores, kind: Kind) -> None:
    with pytest.raises(NotFoundError):
        kind.repo(stores).list_versions("ws-1", "r-1")


def test_version_of_another_workspace_is_refused(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))

    with pytest.raises(InputError):
        repo.add_version("ws-1", kind.version("ws-2", "r-1", 1))


def test_another_workspaces_records_behave_as_missing(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1"))
    repo.add_version("ws-1", kind.version("ws-1", "r-1", 1))
    attempts: list[Callable[[], object]] = [
        lambda: repo.get("ws-2", "r-1"),
        lambda: repo.update("ws-2", kind.record("ws-2", "r-1")),
        lambda: repo.delete("ws-2", "r-1"),
        lambda: repo.add_version("ws-2", kind.version("ws-2", "r-1", 2)),
        lambda: repo.get_version("ws-2", "r-1", 1),
        lambda: repo.list_versions("ws-2", "r-1"),
    ]

    for attempt in attempts:
        with pytest.raises(NotFoundError):
            attempt()
    assert repo.list("ws-2").items == []
    assert repo.get("ws-1", "r-1").latest_version == 1


def test_same_id_in_two_workspaces_are_separate_records(stores: Stores, kind: Kind) -> None:
    repo = kind.repo(stores)
    repo.create("ws-1", kind.record("ws-1", "r-1", name="one"))
    repo.create("ws-2", kind.record("ws-2", "r-1", name="two"))

    repo.delete("ws-2", "r-1")

    assert repo.get("ws-1", "r-1").name == "one"
