"""Client mistakes get a 4xx with the common error body and the field path, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from deca.auth import LocalIssuer, StaticJwks
from deca.crypto import Envelope
from deca.errors import CompileError, CompileErrors
from deca.flow import Flow
from deca.settings import Settings
from deca.stores import Stores
from tests.api.conftest import sample_flow
from tests.fakes.clock import FakeClock


def _error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]  # type: ignore[no-any-return]


def _paths(response: Any) -> list[str]:
    return [detail["path"] for detail in _error(response)["details"]]


def test_malformed_json_is_400(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post(
        "/flows", content=b'{"id": ', headers={**owner, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert _error(response)["code"] == "malformed_json"


def test_wrong_type_is_422_with_the_field_path(client: TestClient, owner: dict[str, str]) -> None:
    flow = sample_flow()
    flow["nodes"][1]["config"]["seconds"] = {"not": "a number"}

    response = client.post("/flows", json=flow, headers=owner)

    assert response.status_code == 422
    assert _error(response)["code"] == "validation_error"
    assert "body.nodes[1].config.seconds" in _paths(response)


def test_unknown_top_level_field_is_422(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/flows", json=sample_flow(colour="blue"), headers=owner)

    assert response.status_code == 422
    assert _paths(response) == ["body.colour"]


def test_unknown_field_in_a_request_model_is_422(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post(
        "/credentials", json={"name": "a", "type": "t", "value": "v", "admin": True}, headers=owner
    )

    assert response.status_code == 422
    assert _paths(response) == ["body.admin"]


def test_missing_field_is_422_with_its_path(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/credentials", json={"name": "a", "value": "v"}, headers=owner)

    assert response.status_code == 422
    assert _paths(response) == ["body.type"]


def test_body_over_the_limit_is_413(client: TestClient, owner: dict[str, str], settings: Settings) -> None:
    huge = sample_flow(description="x" * (settings.max_body_bytes + 1))

    response = client.post("/flows", json=huge, headers=owner)

    assert response.status_code == 413
    assert _error(response)["code"] == "payload_too_large"


def test_streamed_body_over_the_limit_is_413(
    client: TestClient, owner: dict[str, str], settings: Settings
) -> None:
    # Given a chunked body (no Content-Length to refuse early)
    def chunks() -> Iterator[bytes]:
        yield b'{"id": "big", "name": "'
        for _ in range(settings.max_body_bytes // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/flows", content=chunks(), headers={**owner, "Content-Type": "application/json"})

    assert response.status_code == 413


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/flows/has%20space", 422),
        ("/flows/" + "a" * 200, 422),
        ("/flows/-leading-dash", 422),
        ("/flows/onboarding/versions/0", 422),
        ("/flows/onboarding/versions/abc", 422),
        ("/flows/unknown-flow", 404),
        ("/flows/onboarding/versions/99", 404),
        ("/credentials/cred_missing", 404),
        ("/no-such-route", 404),
    ],
)
def test_bad_ids_are_4xx(
    path: str, status: int, client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    response = client.get(path, headers=owner)

    assert response.status_code == status
    assert _error(response)["code"] in {"validation_error", "not_found"}


def test_bad_id_reports_the_path_parameter(client: TestClient, owner: dict[str, str]) -> None:
    response = client.get("/flows/has%20space", headers=owner)

    assert _paths(response) == ["path.flow_id"]


def test_bad_query_parameter_reports_its_path(client: TestClient, owner: dict[str, str]) -> None:
    response = client.get("/flows?limit=0", headers=owner)

    assert response.status_code == 422
    assert _paths(response) == ["query.limit"]


def test_foreign_cursor_is_400(client: TestClient, owner: dict[str, str]) -> None:
    response = client.get("/flows?cursor=bm90LWEtY3Vyc29y", headers=owner)

    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_input"


def test_wrong_method_is_405_with_the_error_body(client: TestClient, owner: dict[str, str]) -> None:
    response = client.patch("/flows", headers=owner)

    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_405_allow_lists_every_method_of_the_path(client: TestClient, owner: dict[str, str]) -> None:
    # GET and POST /flows are two routes: the answer names both, not only the first one matched
    response = client.patch("/flows", headers=owner)

    assert response.headers["Allow"] == "GET, POST"


def test_duplicate_flow_is_409(
    client: TestClient, owner: dict[str, str], created_flow: dict[str, Any]
) -> None:
    response = client.post("/flows", json=sample_flow(), headers=owner)

    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"


def test_flow_id_unusable_in_a_url_is_422(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/flows", json=sample_flow(id="has/slash"), headers=owner)

    assert response.status_code == 422
    assert _paths(response) == ["body.id"]


@pytest.fixture
def failing_checker_client(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, envelope: Envelope
) -> Iterator[TestClient]:
    """An app whose flow checker reports two problems for every flow."""

    def check(flow: Flow) -> None:
        raise CompileErrors(
            [
                CompileError(
                    "unknown upstream node 'ghost'", node_id="greet", position="nodes[0].config.values"
                ),
                CompileError("unreachable node", node_id="pause"),
            ]
        )

    app: FastAPI = create_app(
        settings, stores, jwks=StaticJwks(issuer.jwks()), envelope=envelope, clock=clock, check_flow=check
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_compile_errors_are_422_with_one_detail_each(failing_checker_client: TestClient, caller: Any) -> None:
    response = failing_checker_client.post(
        "/flows/validate", json=sample_flow(), headers=caller.headers("owner")
    )

    assert response.status_code == 422
    assert _error(response)["code"] == "compile_errors"
    assert _error(response)["details"] == [
        {"path": "body.nodes[0].config.values", "message": "unknown upstream node 'ghost'"},
        {"path": "body.nodes[id=pause]", "message": "unreachable node"},
    ]


def test_unexpected_error_is_500_without_internals(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, envelope: Envelope, caller: Any
) -> None:
    # Given a checker with a bug
    def check(flow: Flow) -> None:
        raise RuntimeError("secret internal detail")

    app = create_app(
        settings, stores, jwks=StaticJwks(issuer.jwks()), envelope=envelope, clock=clock, check_flow=check
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/flows/validate", json=sample_flow(), headers=caller.headers("owner"))

    assert response.status_code == 500
    assert _error(response) == {"code": "internal_error", "message": "internal error", "details": []}


def test_body_that_is_not_json_is_415(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/flows", content=b'{"id": "x"}', headers={**owner, "Content-Type": "text/plain"})

    assert response.status_code == 415
    assert _error(response)["code"] == "unsupported_media_type"


def test_json_array_instead_of_an_object_is_422_on_the_body(
    client: TestClient, owner: dict[str, str]
) -> None:
    response = client.post("/flows", json=[sample_flow()], headers=owner)

    assert response.status_code == 422
    assert _paths(response) == ["body"]


def test_unknown_node_type_is_422_on_the_node(client: TestClient, owner: dict[str, str]) -> None:
    flow = sample_flow()
    flow["nodes"][0]["type"] = "teleport"

    response = client.post("/flows", json=flow, headers=owner)

    assert response.status_code == 422
    assert _paths(response) == ["body.nodes[0]"]


def test_date_time_query_must_be_iso_8601(client: TestClient, owner: dict[str, str]) -> None:
    # pydantic alone would read "0.5" as a Unix time; the documented format is ISO 8601
    assert client.get("/audit?since=0.5", headers=owner).status_code == 422
    assert client.get("/executions?started_before=0.5", headers=owner).status_code == 422
    assert client.get("/audit?since=2026-01-01T00:00:00Z", headers=owner).status_code == 200


def test_405_allow_names_the_literal_path_not_a_template_it_also_fits(
    client: TestClient, owner: dict[str, str]
) -> None:
    # /flows/import also fits GET|PUT|DELETE /flows/{flow_id}; the resource at that path is POST only
    response = client.patch("/flows/import", headers=owner)

    assert response.headers["Allow"] == "POST"
