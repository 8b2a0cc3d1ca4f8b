"""The caller's workspaces, the current workspace and its members."""

from __future__ import annotations

from fastapi.testclient import TestClient

from deca.auth import ROLE_PERMISSIONS
from tests.api.conftest import OTHER_WORKSPACE, WORKSPACE, Caller


def test_current_workspace_shows_the_callers_role_and_permissions(client: TestClient, caller: Caller) -> None:
    body = client.get("/workspaces/current", headers=caller.headers("executor")).json()

    assert body["workspace"]["workspace_id"] == WORKSPACE
    assert body["role"] == "executor"
    assert body["permissions"] == sorted(ROLE_PERMISSIONS["executor"])


def test_members_are_added_listed_changed_and_removed(client: TestClient, owner: dict[str, str]) -> None:
    # When a member is added and changed
    added = client.post(
        "/workspaces/current/members", json={"user_id": "auth0|bob", "role": "viewer"}, headers=owner
    )
    changed = client.put("/workspaces/current/members/auth0|bob", json={"role": "developer"}, headers=owner)
    listed = client.get("/workspaces/current/members", headers=owner).json()["items"]

    # Then the listing shows the new role
    assert (added.status_code, changed.json()["role"]) == (201, "developer")
    assert {(m["user_id"], m["role"]) for m in listed} == {
        ("owner-user", "owner"),
        ("auth0|bob", "developer"),
    }

    # And removal takes them out
    assert client.delete("/workspaces/current/members/auth0|bob", headers=owner).status_code == 204
    assert client.get("/workspaces/current/members/auth0|bob", headers=owner).status_code == 405


def test_adding_an_existing_member_is_409(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post(
        "/workspaces/current/members", json={"user_id": "owner-user", "role": "viewer"}, headers=owner
    )

    assert response.status_code == 409


def test_unknown_role_is_422(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post(
        "/workspaces/current/members", json={"user_id": "bob", "role": "god"}, headers=owner
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "body.role"


def test_workspace_can_be_renamed(client: TestClient, owner: dict[str, str]) -> None:
    response = client.patch(
        "/workspaces/current", json={"name": "Acme", "settings": {"tz": "UTC"}}, headers=owner
    )

    assert (response.json()["name"], response.json()["settings"]) == ("Acme", {"tz": "UTC"})


def test_workspaces_lists_every_membership_of_the_caller_with_its_role(
    client: TestClient, caller: Caller
) -> None:
    # Given alice is an owner of one workspace and a viewer of another, and bob only of the first
    caller.member("viewer", workspace=OTHER_WORKSPACE, user="alice")
    caller.member("developer", workspace=WORKSPACE, user="bob")
    headers = caller.headers("owner", workspace=WORKSPACE, user="alice")

    # When alice lists her workspaces
    response = client.get("/workspaces", headers=headers)

    # Then both appear with her role, the token's one marked current, and nothing of bob's
    assert response.status_code == 200
    assert [
        (item["workspace"]["workspace_id"], item["role"], item["current"])
        for item in response.json()["items"]
    ] == [(WORKSPACE, "owner", True), (OTHER_WORKSPACE, "viewer", False)]


def test_workspaces_pages_with_a_cursor(client: TestClient, caller: Caller) -> None:
    for workspace in ("ws-c", "ws-d"):
        caller.member("viewer", workspace=workspace, user="alice")
    headers = caller.headers("viewer", workspace=WORKSPACE, user="alice")

    first = client.get("/workspaces", params={"limit": 2}, headers=headers).json()
    rest = client.get(
        "/workspaces", params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    ).json()

    assert [i["workspace"]["workspace_id"] for i in first["items"] + rest["items"]] == [
        WORKSPACE,
        "ws-c",
        "ws-d",
    ]
    assert rest["next_cursor"] is None


def test_workspaces_needs_a_token(client: TestClient) -> None:
    assert client.get("/workspaces").status_code == 401
