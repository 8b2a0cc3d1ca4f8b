"""Another workspace's ids behave exactly like missing ones (404), and listings never show them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import OTHER_WORKSPACE, Caller, sample_flow


@pytest.fixture
def intruder(caller: Caller) -> dict[str, str]:
    """The owner of another workspace."""
    return caller.headers("owner", workspace=OTHER_WORKSPACE, user="intruder")


@pytest.fixture
def credential_id(client: TestClient, owner: dict[str, str]) -> str:
    response = client.post("/credentials", json={"name": "k", "type": "t", "value": "v"}, headers=owner)
    value: str = response.json()["credential_id"]
    return value


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/flows/onboarding", None),
        ("PUT", "/flows/onboarding", sample_flow()),
        ("DELETE", "/flows/onboarding", None),
        ("POST", "/flows/onboarding/archive", None),
        ("GET", "/flows/onboarding/versions", None),
        ("GET", "/flows/onboarding/versions/1", None),
        ("GET", "/flows/onboarding/diff?from=1&to=1", None),
        ("GET", "/flows/onboarding/export", None),
        ("GET", "/credentials/{credential_id}", None),
        ("POST", "/credentials/{credential_id}/rotate", {"value": "stolen"}),
        ("DELETE", "/credentials/{credential_id}", None),
        ("PUT", "/workspaces/current/members/owner-user", {"role": "viewer"}),
        ("DELETE", "/workspaces/current/members/owner-user", None),
    ],
)
def test_other_workspace_ids_are_not_found(
    method: str,
    path: str,
    body: Any,
    client: TestClient,
    intruder: dict[str, str],
    created_flow: dict[str, Any],
    credential_id: str,
) -> None:
    response = client.request(method, path.format(credential_id=credential_id), json=body, headers=intruder)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_listings_show_only_the_callers_workspace(
    client: TestClient, intruder: dict[str, str], created_flow: dict[str, Any], credential_id: str
) -> None:
    assert client.get("/flows", headers=intruder).json()["items"] == []
    assert client.get("/credentials", headers=intruder).json()["items"] == []
    audit_resources = {r["resource_id"] for r in client.get("/audit", headers=intruder).json()["items"]}
    assert "onboarding" not in audit_resources


def test_intruder_actions_leave_the_victim_untouched(
    client: TestClient, owner: dict[str, str], intruder: dict[str, str], created_flow: dict[str, Any]
) -> None:
    client.delete("/flows/onboarding", headers=intruder)

    assert client.get("/flows/onboarding", headers=owner).status_code == 200


def test_same_flow_id_in_two_workspaces_are_two_flows(
    client: TestClient, owner: dict[str, str], intruder: dict[str, str], created_flow: dict[str, Any]
) -> None:
    response = client.post("/flows", json=sample_flow(name="Theirs"), headers=intruder)

    assert response.status_code == 201
    assert client.get("/flows/onboarding", headers=owner).json()["flow"]["name"] == "Customer Onboarding"
