"""GET /health and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from deca.auth import LocalIssuer, StaticJwks
from deca.crypto import Envelope
from deca.settings import Settings
from deca.stores import Stores
from tests.api.test_permissions import PUBLIC_PATHS
from tests.fakes.clock import FakeClock


def test_health_reports_the_architecture_fields(
    client: TestClient, clock: FakeClock, settings: Settings
) -> None:
    # Given an app that has run for an hour
    clock.advance(3600)

    # When health is asked
    response = client.get("/health")

    # Then it is healthy, with version, store state and uptime
    assert response.status_code == 200
    assert response.json() == {
        "status": "healthy",
        "timestamp": "2026-01-01T13:00:00.000Z",
        "version": settings.version,
        "dependencies": {"store": "healthy"},
        "uptime": 3600,
    }


def test_health_is_503_when_a_dependency_is_down(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, envelope: Envelope
) -> None:
    def broken() -> bool:
        raise ConnectionError("redis is gone")

    app = create_app(
        settings,
        stores,
        jwks=StaticJwks(issuer.jwks()),
        envelope=envelope,
        clock=clock,
        health_checks={"store": lambda: True, "redis": broken},
    )
    response = TestClient(app).get("/health")

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["dependencies"] == {"redis": "unhealthy", "store": "healthy"}


def _openapi(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def test_openapi_documents_every_operation_with_a_response_model_and_errors(client: TestClient) -> None:
    document = _openapi(client)

    assert document["openapi"].startswith("3.")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            name = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("description"), name
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, name
            if path not in PUBLIC_PATHS:  # public routes check their own signatures
                assert {"401", "403", "422"} <= set(operation["responses"]), name
                error_schema = operation["responses"]["401"]["content"]["application/json"]["schema"]
                assert error_schema == {"$ref": "#/components/schemas/ErrorBody"}, name
                assert operation.get("security"), name


def test_openapi_has_no_default_validation_error_schema(client: TestClient) -> None:
    assert "HTTPValidationError" not in _openapi(client)["components"]["schemas"]


def test_openapi_declares_bearer_auth(client: TestClient) -> None:
    schemes = _openapi(client)["components"]["securitySchemes"]

    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "RS256 JWT from the issuer (Auth0, or `deca token` locally)",
    }


def test_health_probes_the_shared_cache_when_there_is_one(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, envelope: Envelope
) -> None:
    with_cache = settings.model_copy(update={"cache_url": "memory://"})
    app = create_app(with_cache, stores, jwks=StaticJwks(issuer.jwks()), envelope=envelope, clock=clock)

    response = TestClient(app).get("/health")

    assert response.json()["dependencies"] == {"cache": "healthy", "store": "healthy"}


def test_cors_preflight_from_an_allowed_origin(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, envelope: Envelope
) -> None:
    # Given an app that lets the designer's dev server call it
    ui = settings.model_copy(update={"cors_origins": ("http://localhost:5173",)})
    client = TestClient(
        create_app(ui, stores, jwks=StaticJwks(issuer.jwks()), envelope=envelope, clock=clock)
    )

    # When the browser asks before a POST, and when an unauthenticated call fails
    preflight = client.options(
        "/flows",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    refused = client.get("/flows", headers={"Origin": "http://localhost:5173"})

    # Then both carry the CORS headers (so the browser can read the error)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == "http://localhost:5173"
