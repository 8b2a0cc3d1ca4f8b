"""Registered functions over HTTP: versions, the sandbox's static check on arrival, test runs in the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.ai_fixtures import create_function


@pytest.fixture
def function(client: TestClient, owner: dict[str, str]) -> dict[str, Any]:
    """The Python function `greeter`, version 1."""
    return create_function(client, owner)


def test_create_makes_version_1(function: dict[str, Any]) -> None:
    assert function["function"]["language"] == "python"
    assert function["function"]["latest_version"] == 1
    assert function["version"]["input_schema"]["required"] == ["name"]


def test_versions_get_list_and_delete(
    client: TestClient, owner: dict[str, str], function: dict[str, Any]
) -> None:
    source = "def main(input):\n    return {'greeting': 'Hi ' + input['name']}\n"
    added = client.post(
        "/functions/greeter/versions", json={"source": source, "comment": "shorter"}, headers=owner
    )

    assert added.status_code == 201, added.text
    assert added.json()["version"] == 2
    assert client.get("/functions/greeter", headers=owner).json()["version"]["source"] == source
    versions = client.get("/functions/greeter/versions", headers=owner).json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    assert client.get("/functions/greeter/versions/1", headers=owner).json()["comment"] == ""
    assert [
        f["function_id"] for f in client.get("/functions?language=python", headers=owner).json()["items"]
    ] == ["greeter"]
    assert client.get("/functions?language=javascript", headers=owner).json()["items"] == []

    assert client.delete("/functions/greeter", headers=owner).status_code == 204
    assert client.get("/functions/greeter/versions/2", headers=owner).status_code == 404


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def main(input):\n    return (\n", "line 2"),
        ("import os\n\ndef main(input):\n    return os.getcwd()\n", "line 1: import of module 'os'"),
        ("def main(input):\n    return ().__class__.__subclasses__()\n", "line 2: access to attribute"),
        ("def handler(input):\n    return 1\n", "main(input)"),
    ],
)
def test_source_the_sandbox_refuses_is_422_with_the_line(
    client: TestClient, owner: dict[str, str], source: str, expected: str
) -> None:
    response = client.post("/functions", json={"name": "Bad", "source": source}, headers=owner)

    assert response.status_code == 422, response.text
    detail = response.json()["error"]["details"][0]
    assert detail["path"] == "body.source" and expected in detail["message"]
    assert client.get("/functions", headers=owner).json()["items"] == []


def test_a_new_version_is_checked_too(
    client: TestClient, owner: dict[str, str], function: dict[str, Any]
) -> None:
    response = client.post("/functions/greeter/versions", json={"source": "import socket\n"}, headers=owner)

    assert response.status_code == 422
    assert client.get("/functions/greeter", headers=owner).json()["function"]["latest_version"] == 1


def test_invalid_schema_is_422(client: TestClient, owner: dict[str, str]) -> None:
    body = {"name": "F", "source": "def main(input):\n    return 1\n", "output_schema": {"type": 12}}

    response = client.post("/functions", json=body, headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "body.output_schema"


def test_javascript_is_stored_with_its_language(client: TestClient, owner: dict[str, str]) -> None:
    source = "function main(input) { return {sum: input.a + input.b}; }"

    created = create_function(
        client, owner, function_id="adder", name="Adder", language="javascript", source=source
    )

    assert created["function"]["language"] == "javascript"


def test_a_javascript_test_run_with_the_shortest_timeout_is_an_answer_not_a_server_error(
    client: TestClient, owner: dict[str, str]
) -> None:
    create_function(
        client,
        owner,
        function_id="one",
        name="One",
        language="javascript",
        source="function main() { return 1; }",
    )

    response = client.post("/functions/one/test", json={"input": {}, "timeout": 5e-324}, headers=owner)

    assert response.status_code == 200, response.text
    assert response.json()["ok"] in (True, False)  # ran, or stopped as a timeout: the code's outcome


def test_test_run_returns_the_result_from_the_sandbox(
    client: TestClient, owner: dict[str, str], function: dict[str, Any]
) -> None:
    response = client.post("/functions/greeter/test", json={"input": {"name": "Ann"}}, headers=owner)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["version"] == 1
    assert body["result"] == {"greeting": "Hello Ann"}


def test_test_run_reports_the_codes_error_and_its_line(client: TestClient, owner: dict[str, str]) -> None:
    source = "def main(input):\n    print('about to fail')\n    return 1 / 0\n"
    create_function(client, owner, function_id="divider", name="Divider", source=source, input_schema={})

    body = client.post("/functions/divider/test", json={"input": {}}, headers=owner).json()

    assert body["ok"] is False
    assert body["error"]["code"] == "code_error" and body["error"]["line"] == 3
    assert "ZeroDivisionError" in body["error"]["message"]
    assert "about to fail" in body["logs"]


def test_test_run_checks_the_input_schema(
    client: TestClient, owner: dict[str, str], function: dict[str, Any]
) -> None:
    body = client.post("/functions/greeter/test", json={"input": {"nom": "Ann"}}, headers=owner).json()

    assert body["ok"] is False and body["error"]["code"] == "code_validation_error"
