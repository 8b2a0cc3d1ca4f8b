"""The structured diff between two versions of a flow."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.flow_diff import diff_flows
from tests.api.conftest import sample_flow


def test_diff_lists_added_removed_and_changed_nodes(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    # Given a second version: greet changed, pause removed, finish added, connections rewired, settings changed
    changed = sample_flow(
        nodes=[
            {"id": "greet", "type": "set", "config": {"values": {"greeting": "hi"}}},
            {"id": "finish", "type": "noop"},
        ],
        connections=[{"from": "greet", "to": "finish"}],
        settings={"timeout": 60},
    )
    client.put("/flows/onboarding", json=changed, headers=owner)

    # When the versions are compared
    diff = client.get("/flows/onboarding/diff?from=1&to=2", headers=owner).json()

    # Then each kind of change is reported in its place
    assert [n["id"] for n in diff["nodes"]["added"]] == ["finish"]
    assert [n["id"] for n in diff["nodes"]["removed"]] == ["pause"]
    assert diff["nodes"]["changed"] == [
        {"id": "greet", "changes": [{"path": "config.values.greeting", "before": "hello", "after": "hi"}]}
    ]
    assert diff["connections"] == {
        "added": [{"from": "greet", "to": "finish"}],
        "removed": [{"from": "greet", "to": "pause"}],
    }
    assert diff["settings"] == [{"path": "timeout", "before": 300, "after": 60}]


def test_diff_of_identical_versions_is_empty() -> None:
    document = sample_flow()

    diff = diff_flows("onboarding", 1, document, 2, document)

    assert (diff.nodes.added, diff.nodes.removed, diff.nodes.changed) == ([], [], [])
    assert diff.connections.added == diff.connections.removed == []
    assert diff.settings == diff.metadata == []


def test_diff_reports_metadata_changes() -> None:
    diff = diff_flows("onboarding", 1, sample_flow(), 2, sample_flow(description="New words"))

    assert [(c.path, c.before, c.after) for c in diff.metadata] == [
        ("description", "Greets new customers", "New words")
    ]


def test_diff_with_a_missing_version_is_404(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    assert client.get("/flows/onboarding/diff?from=1&to=9", headers=owner).status_code == 404


def test_diff_needs_both_versions(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    response = client.get("/flows/onboarding/diff?from=1", headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "query.to"
