"""AuditRepository contract: append-only, newest first, filters."""

from __future__ import annotations

import pytest

from deca.errors import InputError
from deca.stores import Stores
from tests.fakes import records
from tests.fakes.records import at


def test_appended_record_is_listed_unchanged(stores: Stores) -> None:
    record = records.audit(source_ip="192.168.1.100", user_agent="Mozilla/5.0", details={"version": 3})

    stores.audit.append("ws-1", record)

    assert stores.audit.list("ws-1").items == [record]


def test_records_are_listed_newest_first(stores: Stores) -> None:
    for seconds in [20, 10, 30]:
        stores.audit.append("ws-1", records.audit(seconds=seconds, details={"s": seconds}))

    page = stores.audit.list("ws-1")

    assert [r.timestamp for r in page.items] == [at(30), at(20), at(10)]


def test_records_with_the_same_timestamp_are_paged_without_loss(stores: Stores) -> None:
    for i in range(5):
        stores.audit.append("ws-1", records.audit(seconds=0, details={"i": i}))

    first = stores.audit.list("ws-1", limit=2)
    second = stores.audit.list("ws-1", limit=2, cursor=first.next_cursor)
    third = stores.audit.list("ws-1", limit=2, cursor=second.next_cursor)

    seen = [r.details["i"] for r in first.items + second.items + third.items]
    assert sorted(seen) == [0, 1, 2, 3, 4]  # type: ignore[type-var]
    assert third.next_cursor is None


def test_list_filters_by_user_action_and_resource(stores: Stores) -> None:
    stores.audit.append("ws-1", records.audit(seconds=1, user_id="alice", action="flow.update"))
    stores.audit.append(
        "ws-1", records.audit(seconds=2, user_id="bob", action="flow.update", resource_id="flow-2")
    )
    stores.audit.append("ws-1", records.audit(seconds=3, user_id="alice", action="flow.execute"))

    assert [r.timestamp for r in stores.audit.list("ws-1", user_id="alice").items] == [at(3), at(1)]
    assert [r.timestamp for r in stores.audit.list("ws-1", action="flow.update").items] == [at(2), at(1)]
    assert [r.timestamp for r in stores.audit.list("ws-1", resource_id="flow-2").items] == [at(2)]


def test_list_filters_by_time_window(stores: Stores) -> None:
    for seconds in [10, 20, 30, 40]:
        stores.audit.append("ws-1", records.audit(seconds=seconds))

    page = stores.audit.list("ws-1", since=at(20), until=at(40))

    assert [r.timestamp for r in page.items] == [at(30), at(20)]


def test_another_workspaces_audit_is_invisible(stores: Stores) -> None:
    stores.audit.append("ws-1", records.audit())

    assert stores.audit.list("ws-2").items == []
    assert stores.audit.list("ws-2", user_id="user-1", action="flow.execute", since=at(-1)).items == []
    with pytest.raises(InputError):
        stores.audit.append("ws-2", records.audit("ws-1"))
