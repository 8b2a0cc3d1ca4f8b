"""Exporting a flow to a portable file and importing it back."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Caller, sample_flow


def test_export_then_import_into_another_workspace_round_trips(
    client: TestClient, owner: dict[str, str], caller: Caller, created_flow: dict[str, Any]
) -> None:
    # Given an exported flow
    exported = client.get("/flows/onboarding/export", headers=owner).json()
    assert exported["format"] == "deca.flow"

    # When it is imported into another workspace
    other = caller.headers("owner", workspace="ws-b")
    response = client.post("/flows/import", json=exported, headers=other)

    # Then the same document is there as version 1
    assert response.status_code == 201
    assert response.json()["definition"] == created_flow["definition"]


def test_export_of_a_given_version(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    client.put("/flows/onboarding", json=sample_flow(name="Second"), headers=owner)

    exported = client.get("/flows/onboarding/export?version=1", headers=owner).json()

    assert (exported["source_version"], exported["flow"]["name"]) == (1, "Customer Onboarding")


def test_import_of_an_existing_id_is_409_by_default(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    response = client.post("/flows/import", json={"flow": sample_flow()}, headers=owner)

    assert response.status_code == 409


def test_import_of_an_existing_id_can_add_a_version(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    response = client.post(
        "/flows/import?on_conflict=new_version", json={"flow": sample_flow(name="Imported")}, headers=owner
    )

    assert response.status_code == 201
    assert (response.json()["version"], response.json()["flow"]["name"]) == (2, "Imported")


def test_import_of_a_foreign_format_is_422(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/flows/import", json={"format": "n8n", "flow": sample_flow()}, headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "body.format"
