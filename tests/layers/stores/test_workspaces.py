"""WorkspaceRepository contract: workspaces, members, roles and memberships."""

from __future__ import annotations

import pytest

from deca.errors import ConflictError, InputError, NotFoundError
from deca.stores import Stores
from tests.fakes import records


def test_created_workspace_is_returned_by_get(stores: Stores) -> None:
    created = stores.workspaces.create("ws-1", records.workspace("ws-1", settings={"region": "eu"}))

    assert stores.workspaces.get("ws-1") == created


def test_creating_an_existing_workspace_is_a_conflict(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1"))

    with pytest.raises(ConflictError):
        stores.workspaces.create("ws-1", records.workspace("ws-1", name="again"))


def test_creating_a_record_under_another_workspace_id_is_refused(stores: Stores) -> None:
    with pytest.raises(InputError):
        stores.workspaces.create("ws-2", records.workspace("ws-1"))


def test_missing_workspace_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFoundError) as caught:
        stores.workspaces.get("nope")

    assert caught.value.resource == "workspace"
    assert caught.value.resource_id == "nope"


def test_update_replaces_fields_but_keeps_creation_stamp(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1", created_by="alice"))

    updated = stores.workspaces.update(
        "ws-1", records.workspace("ws-1", name="Renamed", created_by="mallory")
    )

    assert updated.name == "Renamed"
    assert updated.created_by == "alice"
    assert stores.workspaces.get("ws-1") == updated


def test_update_of_missing_workspace_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFoundError):
        stores.workspaces.update("ws-1", records.workspace("ws-1"))


def test_delete_removes_workspace_and_its_members(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1"))
    stores.workspaces.add_member("ws-1", records.member("ws-1", "alice"))

    stores.workspaces.delete("ws-1")

    with pytest.raises(NotFoundError):
        stores.workspaces.get("ws-1")
    assert stores.workspaces.memberships("alice").items == []


def test_members_are_listed_by_user_id(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1"))
    for user in ["carol", "alice", "bob"]:
        stores.workspaces.add_member("ws-1", records.member("ws-1", user))

    page = stores.workspaces.list_members("ws-1")

    assert [m.user_id for m in page.items] == ["alice", "bob", "carol"]


def test_adding_a_member_twice_is_a_conflict(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1"))
    stores.workspaces.add_member("ws-1", records.member("ws-1", "alice"))

    with pytest.raises(ConflictError):
        stores.workspaces.add_member("ws-1", records.member("ws-1", "alice", role="owner"))


def test_adding_a_member_to_a_missing_workspace_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFoundError):
        stores.workspaces.add_member("ws-1", records.member("ws-1", "alice"))


def test_set_role_changes_only_the_role(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1"))
    added = stores.workspaces.add_member("ws-1", records.member("ws-1", "alice"))

    changed = stores.workspaces.set_role("ws-1", "alice", "admin")

    assert changed == added.model_copy(update={"role": "admin"})
    assert stores.workspaces.get_member("ws-1", "alice").role == "admin"


def test_set_role_of_a_non_member_is_not_found(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1"))

    with pytest.raises(NotFoundError):
        stores.workspaces.set_role("ws-1", "alice", "admin")


def test_removed_member_is_not_found(stores: Stores) -> None:
    stores.workspaces.create("ws-1", records.workspace("ws-1"))
    stores.workspaces.add_member("ws-1", records.member("ws-1", "alice"))

    stores.workspaces.remove_member("ws-1", "alice")

    with pytest.raises(NotFoundError):
        stores.workspaces.get_member("ws-1", "alice")
    with pytest.raises(NotFoundError):
        stores.workspaces.remove_member("ws-1", "alice")


def test_memberships_list_a_users_workspaces_only(stores: Stores) -> None:
    for ws in ["ws-b", "ws-a", "ws-c"]:
        stores.workspaces.create(ws, records.workspace(ws))
    stores.workspaces.add_member("ws-b", records.member("ws-b", "alice"))
    stores.workspaces.add_member("ws-a", records.member("ws-a", "alice", role="owner"))
    stores.workspaces.add_member("ws-c", records.member("ws-c", "bob"))

    page = stores.workspaces.memberships("alice")

    assert [(m.workspace_id, m.role) for m in page.items] == [("ws-a", "owner"), ("ws-b", "developer")]


def test_list_all_pages_through_every_workspace_in_id_order(stores: Stores) -> None:
    for ws in ["ws-b", "ws-a", "ws-c"]:
        stores.workspaces.create(ws, records.workspace(ws))

    first = stores.workspaces.list_all(limit=2)
    rest = stores.workspaces.list_all(limit=2, cursor=first.next_cursor)

    assert [w.workspace_id for w in first.items + rest.items] == ["ws-a", "ws-b", "ws-c"]
    assert rest.next_cursor is None


def test_members_of_another_workspace_are_not_found(stores: Stores) -> None:
    for ws in ["ws-1", "ws-2"]:
        stores.workspaces.create(ws, records.workspace(ws))
    stores.workspaces.add_member("ws-1", records.member("ws-1", "alice"))

    with pytest.raises(NotFoundError):
        stores.workspaces.get_member("ws-2", "alice")
    with pytest.raises(NotFoundError):
        stores.workspaces.set_role("ws-2", "alice", "owner")
    assert stores.workspaces.list_members("ws-2").items == []
