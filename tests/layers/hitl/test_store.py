"""The human task store contract, on memory, SQLite and MongoDB (mongomock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mongomock
import pytest

from deca.errors import NotFoundError
from deca.hitl import HumanTask, HumanTaskStore, memory_human_tasks, mongo_human_tasks, sqlite_human_tasks

T0 = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "mongo"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HumanTaskStore]:
    """An empty store on each backend."""
    if request.param == "memory":
        yield memory_human_tasks()
    elif request.param == "sqlite":
        yield sqlite_human_tasks(tmp_path / "deca.sqlite3")
    else:
        yield mongo_human_tasks(mongomock.MongoClient()["deca"], create_indexes=True)


def _task(request_id: str = "hr_1", workspace_id: str = "ws-a", **fields: object) -> HumanTask:
    values: dict[str, object] = {
        "workspace_id": workspace_id,
        "request_id": request_id,
        "kind": "approval",
        "task_token": "tok-" + request_id,
        "execution_id": "exec-1",
        "flow_id": "refund",
        "node_id": "approve",
        "title": "Refund",
        "created_at": T0,
        "expires_at": T0 + timedelta(hours=1),
        **fields,
    }
    return HumanTask.model_validate(values)


def test_created_request_reads_back_equal(store: HumanTaskStore) -> None:
    store.create("ws-a", _task())

    assert store.get("ws-a", "hr_1") == _task()


def test_creating_the_same_request_again_returns_the_stored_one(store: HumanTaskStore) -> None:
    store.create("ws-a", _task(title="first"))

    again = store.create("ws-a", _task(title="second"))

    assert again.title == "first"


def test_another_workspace_does_not_see_the_request(store: HumanTaskStore) -> None:
    store.create("ws-a", _task())

    with pytest.raises(NotFoundError):
        store.get("ws-b", "hr_1")


def test_save_bumps_the_revision(store: HumanTaskStore) -> None:
    old = store.create("ws-a", _task())

    saved = store.save("ws-a", old, old.model_copy(update={"status": "approved"}))

    assert saved is not None and (saved.status, saved.revision) == ("approved", 1)


def test_save_from_a_stale_copy_changes_nothing(store: HumanTaskStore) -> None:
    old = store.create("ws-a", _task())
    store.save("ws-a", old, old.model_copy(update={"status": "approved"}))

    stale = store.save("ws-a", old, old.model_copy(update={"status": "rejected"}))

    assert stale is None
    assert store.get("ws-a", "hr_1").status == "approved"


def test_list_filters_by_status_newest_first(store: HumanTaskStore) -> None:
    store.create("ws-a", _task("hr_1"))
    store.create("ws-a", _task("hr_2", created_at=T0 + timedelta(minutes=1)))
    store.create("ws-a", _task("hr_3", status="approved"))

    page = store.list("ws-a", status="pending")

    assert [t.request_id for t in page.items] == ["hr_2", "hr_1"]


def test_due_finds_requests_past_their_escalation_time_in_every_workspace(store: HumanTaskStore) -> None:
    store.create("ws-a", _task("hr_1", escalate_at=T0 + timedelta(minutes=5)))
    store.create("ws-b", _task("hr_2", workspace_id="ws-b", escalate_at=T0 + timedelta(minutes=50)))
    store.create("ws-a", _task("hr_3"))

    due = store.due("escalate_at", "pending", T0 + timedelta(minutes=10))

    assert [t.request_id for t in due] == ["hr_1"]
