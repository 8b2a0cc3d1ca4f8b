"""Prompts over HTTP: versioned templates, their listings and the rendered preview."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.ai_fixtures import create_prompt


@pytest.fixture
def prompt(client: TestClient, owner: dict[str, str]) -> dict[str, Any]:
    """The prompt `welcome`, version 1."""
    return create_prompt(client, owner)


def test_create_makes_version_1_with_the_placeholders_as_variables(prompt: dict[str, Any]) -> None:
    assert prompt["prompt"]["latest_version"] == 1
    assert prompt["version"]["version"] == 1
    assert prompt["version"]["variables"] == ["name", "company"]
    assert prompt["version"]["created_by"] == "owner-user"


def test_new_versions_are_numbered_and_listed_newest_first(
    client: TestClient, owner: dict[str, str], prompt: dict[str, Any]
) -> None:
    response = client.post(
        "/prompts/welcome/versions", json={"template": "Hi {{ name }}!", "comment": "shorter"}, headers=owner
    )

    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2
    detail = client.get("/prompts/welcome", headers=owner).json()
    assert detail["prompt"]["latest_version"] == 2 and detail["version"]["template"] == "Hi {{ name }}!"
    versions = client.get("/prompts/welcome/versions", headers=owner).json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    first = client.get("/prompts/welcome/versions/1", headers=owner).json()
    assert first["template"] == "Hello {{ name }}, welcome to {{ company }}."


def test_list_shows_the_workspace_prompts(
    client: TestClient, owner: dict[str, str], prompt: dict[str, Any]
) -> None:
    create_prompt(client, owner, prompt_id="apology", name="Apology", template="Sorry.")

    names = [p["name"] for p in client.get("/prompts", headers=owner).json()["items"]]

    assert names == ["Apology", "Welcome"]


def test_render_fills_the_placeholders(
    client: TestClient, owner: dict[str, str], prompt: dict[str, Any]
) -> None:
    response = client.post(
        "/prompts/welcome/render", json={"variables": {"name": "Ann", "company": "Acme"}}, headers=owner
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"prompt_id": "welcome", "version": 1, "text": "Hello Ann, welcome to Acme."}


def test_render_of_an_older_version(
    client: TestClient, owner: dict[str, str], prompt: dict[str, Any]
) -> None:
    client.post("/prompts/welcome/versions", json={"template": "Yo {{ name }}"}, headers=owner)

    body = client.post(
        "/prompts/welcome/render",
        json={"variables": {"name": "Bo", "company": "X"}, "version": 1},
        headers=owner,
    ).json()

    assert body["text"] == "Hello Bo, welcome to X."


def test_render_without_a_variable_is_422_naming_it(
    client: TestClient, owner: dict[str, str], prompt: dict[str, Any]
) -> None:
    response = client.post("/prompts/welcome/render", json={"variables": {"name": "Ann"}}, headers=owner)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"][0]["path"] == "body.variables.company"
    assert "company" in error["message"]


def test_declared_variables_must_cover_the_placeholders(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post(
        "/prompts", json={"name": "Bad", "template": "{{ a }} and {{ b }}", "variables": ["a"]}, headers=owner
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "body.variables"
    assert client.get("/prompts", headers=owner).json()["items"] == []


def test_duplicate_id_is_409_and_delete_removes_versions(
    client: TestClient, owner: dict[str, str], prompt: dict[str, Any]
) -> None:
    assert (
        client.post(
            "/prompts", json={"prompt_id": "welcome", "name": "W", "template": "x"}, headers=owner
        ).status_code
        == 409
    )

    assert client.delete("/prompts/welcome", headers=owner).status_code == 204
    assert client.get("/prompts/welcome", headers=owner).status_code == 404
    assert client.get("/prompts/welcome/versions/1", headers=owner).status_code == 404


def test_missing_version_is_404(client: TestClient, owner: dict[str, str], prompt: dict[str, Any]) -> None:
    response = client.get("/prompts/welcome/versions/7", headers=owner)

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
