"""Flows: create, read, list with filters and pages, update into versions, archive, delete, validate."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import sample_flow
from tests.conftest import REPO_ROOT


def test_create_stores_the_document_as_version_1(client: TestClient, owner: dict[str, str]) -> None:
    # When a flow document is posted
    response = client.post("/flows", json=sample_flow(version=7), headers=owner)

    # Then the flow exists with its document as version 1 (the server numbers versions)
    assert response.status_code == 201
    body = response.json()
    assert body["flow"]["flow_id"] == "onboarding"
    assert body["flow"]["latest_version"] == 1
    assert body["flow"]["created_by"] == "owner-user"
    assert body["version"] == 1
    assert body["definition"]["version"] == 1
    assert body["definition"]["connections"] == [{"from": "greet", "to": "pause"}]


def test_get_returns_the_latest_document(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    client.put("/flows/onboarding", json=sample_flow(name="Renamed"), headers=owner)

    body = client.get("/flows/onboarding", headers=owner).json()

    assert (body["version"], body["definition"]["name"], body["flow"]["name"]) == (2, "Renamed", "Renamed")


def test_update_adds_a_version_and_keeps_the_old_one(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    # When the flow is saved twice more
    client.put("/flows/onboarding", json=sample_flow(name="Two"), headers=owner)
    client.put("/flows/onboarding?comment=third", json=sample_flow(name="Three"), headers=owner)

    # Then there are three immutable versions, newest first
    versions = client.get("/flows/onboarding/versions", headers=owner).json()["items"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[0]["comment"] == "third"
    first = client.get("/flows/onboarding/versions/1", headers=owner).json()
    assert first["definition"]["name"] == "Customer Onboarding"


def test_update_with_another_document_id_is_422(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    response = client.put("/flows/onboarding", json=sample_flow(id="other"), headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "body.id"


def test_update_of_a_missing_flow_is_404(client: TestClient, owner: dict[str, str]) -> None:
    response = client.put("/flows/onboarding", json=sample_flow(), headers=owner)

    assert response.status_code == 404


def test_list_pages_through_all_flows(client: TestClient, owner: dict[str, str]) -> None:
    # Given five flows
    for index in range(5):
        client.post("/flows", json=sample_flow(id=f"flow-{index}", name=f"Flow {index}"), headers=owner)

    # When they are listed two at a time
    seen: list[str] = []
    cursor = None
    while True:
        query = "/flows?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(query, headers=owner).json()
        seen += [item["flow_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    # Then every flow is seen once, by name
    assert seen == [f"flow-{index}" for index in range(5)]


def test_list_filters_by_text_across_pages(client: TestClient, owner: dict[str, str]) -> None:
    # Given matching flows interleaved with others
    for index in range(6):
        name = f"Invoice {index}" if index % 2 == 0 else f"Other {index}"
        client.post("/flows", json=sample_flow(id=f"f{index}", name=name), headers=owner)

    # When searching for "invoice" two at a time
    first = client.get("/flows?q=INVOICE&limit=2", headers=owner).json()
    second = client.get(f"/flows?q=invoice&limit=2&cursor={first['next_cursor']}", headers=owner).json()

    # Then the pages hold only matches, in order, without repeats
    assert [f["name"] for f in first["items"]] == ["Invoice 0", "Invoice 2"]
    assert [f["name"] for f in second["items"]] == ["Invoice 4"]


def test_list_filters_by_status(client: TestClient, owner: dict[str, str]) -> None:
    client.post("/flows", json=sample_flow(id="keep"), headers=owner)
    client.post("/flows", json=sample_flow(id="old"), headers=owner)
    client.post("/flows/old/archive", headers=owner)

    archived = client.get("/flows?status=archived", headers=owner).json()["items"]

    assert [f["flow_id"] for f in archived] == ["old"]


def test_archive_and_restore(client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]) -> None:
    assert client.post("/flows/onboarding/archive", headers=owner).json()["status"] == "archived"
    assert client.post("/flows/onboarding/restore", headers=owner).json()["status"] == "active"


def test_delete_removes_the_flow_and_its_versions(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    assert client.delete("/flows/onboarding", headers=owner).status_code == 204

    assert client.get("/flows/onboarding", headers=owner).status_code == 404
    assert client.get("/flows/onboarding/versions/1", headers=owner).status_code == 404


def test_validate_accepts_a_valid_flow(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/flows/validate", json=sample_flow(), headers=owner)

    assert response.status_code == 200
    assert response.json() == {"valid": True, "flow_id": "onboarding", "nodes": 2, "connections": 1}


def test_validate_reports_a_dangling_connection_with_its_path(
    client: TestClient, owner: dict[str, str]
) -> None:
    flow = sample_flow(connections=[{"from": "greet", "to": "ghost"}])

    response = client.post("/flows/validate", json=flow, headers=owner)

    assert response.status_code == 422
    assert any(d["path"].startswith("body") for d in response.json()["error"]["details"])


def test_check_lists_a_draft_s_problems_with_a_200_located_like_validate(
    client: TestClient, owner: dict[str, str]
) -> None:
    downstream = sample_flow()
    downstream["nodes"][0]["config"]["values"]["greeting"] = "{{ pause.waited_seconds }}"
    unfinished = sample_flow()
    del unfinished["nodes"][1]["config"]

    fine = client.post("/flows/check", json=sample_flow(), headers=owner)
    compiled = client.post("/flows/check", json=downstream, headers=owner)
    schema = client.post("/flows/check", json=unfinished, headers=owner)
    validated = client.post("/flows/validate", json=downstream, headers=owner)

    assert (fine.status_code, fine.json()) == (200, {"valid": True, "problems": []})
    assert compiled.status_code == schema.status_code == 200
    assert compiled.json()["valid"] is False
    assert compiled.json()["problems"] == validated.json()["error"]["details"]
    assert schema.json()["valid"] is False
    assert [p["path"] for p in schema.json()["problems"]] == ["body.nodes[1].config"]


def test_check_needs_a_json_object(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/flows/check", json=["not", "a", "flow"], headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_versions_of_a_missing_flow_is_404_not_an_empty_page(
    client: TestClient, owner: dict[str, str]
) -> None:
    assert client.get("/flows/nope/versions", headers=owner).status_code == 404


def test_validate_reports_a_downstream_reference_with_its_path(
    client: TestClient, owner: dict[str, str]
) -> None:
    # Given a node whose template reads a node that runs after it
    flow = sample_flow()
    flow["nodes"][0]["config"]["values"]["greeting"] = "{{ pause.waited_seconds }}"

    # When it is validated
    response = client.post("/flows/validate", json=flow, headers=owner)

    # Then the compiler's problem comes back as one detail located in the body
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "compile_errors"
    assert [d["path"] for d in error["details"]] == ["body.nodes[0].config.values.greeting"]
    assert "downstream" in error["details"][0]["message"]


def test_customer_onboarding_example_is_accepted_unchanged(client: TestClient, owner: dict[str, str]) -> None:
    # Given the architecture document's example flow, as the repository ships it
    document = json.loads((REPO_ROOT / "examples" / "customer-onboarding.json").read_text())

    # Then it validates, is stored, and comes back with the same nodes and connections
    assert client.post("/flows/validate", json=document, headers=owner).status_code == 200
    created = client.post("/flows", json=document, headers=owner).json()
    assert [n["id"] for n in created["definition"]["nodes"]] == [n["id"] for n in document["nodes"]]
    assert len(created["definition"]["connections"]) == len(document["connections"])


def test_update_from_a_stale_base_version_is_409(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    # Given two editors who both loaded version 1, and the first one saved
    assert (
        client.put("/flows/onboarding?base_version=1", json=sample_flow(name="A"), headers=owner).status_code
        == 200
    )

    # When the second saves from version 1
    response = client.put("/flows/onboarding?base_version=1", json=sample_flow(name="B"), headers=owner)

    # Then the lost update is refused
    assert response.status_code == 409
    assert client.get("/flows/onboarding", headers=owner).json()["flow"]["name"] == "A"


def test_archived_flow_cannot_be_updated(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    client.post("/flows/onboarding/archive", headers=owner)

    response = client.put("/flows/onboarding", json=sample_flow(name="Changed"), headers=owner)

    assert response.status_code == 409
