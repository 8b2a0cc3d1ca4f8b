"""The Lambda entry point answers API Gateway REST proxy events with the default (local) wiring."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import lambda_handler as handler_module
from api.app import create_app
from deca.auth import mint_local_token
from deca.settings import Settings


def rest_proxy_event(
    method: str, path: str, *, headers: dict[str, str] | None = None, body: str | None = None
) -> dict[str, Any]:
    """An API Gateway REST API (v1) proxy integration event."""
    headers = {"Host": "abc123.execute-api.us-east-1.amazonaws.com", **(headers or {})}
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "curl/8.0"},
            "accountId": "123456789012",
            "apiId": "abc123",
            "protocol": "HTTP/1.1",
        },
        "body": body,
        "isBase64Encoded": False,
    }


@pytest.fixture
def local_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Default settings pointed at a temporary data directory; the cached handler is rebuilt."""
    monkeypatch.setenv("DECA_DATA_DIR", str(tmp_path))
    handler_module._handler.cache_clear()
    yield Settings.from_env()
    handler_module._handler.cache_clear()


def test_health_through_api_gateway(local_env: Settings) -> None:
    response = handler_module.lambda_handler(rest_proxy_event("GET", "/health"), None)

    assert response["statusCode"] == 200
    assert json.loads(response["body"])["status"] == "healthy"


def test_authenticated_request_through_api_gateway(local_env: Settings) -> None:
    # Given the local owner's token
    token = mint_local_token(local_env)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    flow = {"id": "hello", "name": "Hello", "nodes": [{"id": "a", "type": "noop"}]}

    # When a flow is created through the Lambda
    created = handler_module.lambda_handler(
        rest_proxy_event("POST", "/flows", headers=headers, body=json.dumps(flow)), None
    )
    listed = handler_module.lambda_handler(rest_proxy_event("GET", "/flows", headers=headers), None)

    # Then it is stored in the local embedded store and listed
    assert created["statusCode"] == 201, created["body"]
    assert [f["flow_id"] for f in json.loads(listed["body"])["items"]] == ["hello"]


def test_missing_token_through_api_gateway_is_401(local_env: Settings) -> None:
    response = handler_module.lambda_handler(rest_proxy_event("GET", "/flows"), None)

    assert response["statusCode"] == 401
    assert json.loads(response["body"])["error"]["code"] == "unauthenticated"


def test_api_gateway_request_id_is_the_response_request_id(local_env: Settings) -> None:
    response = handler_module.lambda_handler(rest_proxy_event("GET", "/health"), None)

    assert response["headers"]["x-request-id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def test_app_closes_the_stores_it_opened_when_the_server_stops(local_env: Settings) -> None:
    # Given an app built from settings alone (it opens its own SQLite store)
    app = create_app(local_env)
    closed: list[bool] = []
    app.state.services.stores.close = lambda: closed.append(True)

    # When the server starts and stops
    with TestClient(app):
        pass

    # Then the store was closed
    assert closed == [True]


def test_http_api_v2_event_is_answered_too(local_env: Settings) -> None:
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/health",
        "rawQueryString": "",
        "headers": {"host": "abc123.execute-api.us-east-1.amazonaws.com"},
        "requestContext": {
            "http": {"method": "GET", "path": "/health", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7"},
            "requestId": "v2-request",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }

    response = handler_module.lambda_handler(event, None)

    assert response["statusCode"] == 200


def test_handler_name_used_by_the_cdk_app_is_the_entry_point() -> None:
    assert handler_module.handler is handler_module.lambda_handler
