"""Listing filters specific to one resource, and the limits and cursors every listing shares."""

from __future__ import annotations

import pytest

from deca.errors import InputError
from deca.stores import Stores
from tests.fakes import records


def test_flows_filter_by_status(stores: Stores) -> None:
    stores.flows.create("ws-1", records.flow("ws-1", "f-1", status="archived"))
    stores.flows.create("ws-1", records.flow("ws-1", "f-2"))
    stores.flows.create("ws-2", records.flow("ws-2", "f-3", status="archived"))

    page = stores.flows.list("ws-1", status="archived")

    assert [f.flow_id for f in page.items] == ["f-1"]


def test_functions_filter_by_language(stores: Stores) -> None:
    stores.functions.create("ws-1", records.function("ws-1", "fn-1", language="javascript"))
    stores.functions.create("ws-1", records.function("ws-1", "fn-2"))

    page = stores.functions.list("ws-1", language="javascript")

    assert [f.function_id for f in page.items] == ["fn-1"]


def test_agents_filter_by_status(stores: Stores) -> None:
    stores.agents.create("ws-1", records.agent("ws-1", "a-1", status="inactive"))
    stores.agents.create("ws-1", records.agent("ws-1", "a-2"))

    page = stores.agents.list("ws-1", status="active")

    assert [a.agent_id for a in page.items] == ["a-2"]


def test_filtered_pages_continue_within_the_filter(stores: Stores) -> None:
    for i in range(5):
        stores.flows.create("ws-1", records.flow("ws-1", f"f-{i}", status="active" if i % 2 else "inactive"))

    first = stores.flows.list("ws-1", status="inactive", limit=2)
    second = stores.flows.list("ws-1", status="inactive", limit=2, cursor=first.next_cursor)

    assert [f.flow_id for f in first.items + second.items] == ["f-0", "f-2", "f-4"]
    assert second.next_cursor is None


def test_a_full_last_page_has_no_cursor(stores: Stores) -> None:
    for i in range(4):
        stores.flows.create("ws-1", records.flow("ws-1", f"f-{i}"))

    first = stores.flows.list("ws-1", limit=2)
    second = stores.flows.list("ws-1", limit=2, cursor=first.next_cursor)

    assert len(second.items) == 2
    assert second.next_cursor is None


@pytest.mark.parametrize("limit", [0, -1, 201], ids=["zero", "negative", "over-200"])
def test_limit_outside_1_to_200_is_refused(stores: Stores, limit: int) -> None:
    with pytest.raises(InputError):
        stores.flows.list("ws-1", limit=limit)


def test_limit_of_200_is_accepted(stores: Stores) -> None:
    assert stores.flows.list("ws-1", limit=200).items == []


@pytest.mark.parametrize(
    "cursor", ["not base64 !", "WzFd", "e30"], ids=["garbage", "wrong-shape", "not-a-list"]
)
def test_foreign_cursor_is_refused(stores: Stores, cursor: str) -> None:
    with pytest.raises(InputError):
        stores.flows.list("ws-1", cursor=cursor)


def test_cursor_of_another_listing_is_refused(stores: Stores) -> None:
    stores.flows.create("ws-1", records.flow())
    for number in [1, 2]:
        stores.flows.add_version("ws-1", records.flow_version(version=number))
    versions_cursor = stores.flows.list_versions("ws-1", "flow-1", limit=1).next_cursor

    with pytest.raises(InputError):
        stores.workspaces.list_members("ws-1", cursor=versions_cursor)
