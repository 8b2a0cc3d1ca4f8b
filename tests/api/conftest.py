"""Fixtures of the API tests: the app on memory stores, a test issuer and helpers to call it as a role."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from deca.auth import LocalIssuer, StaticJwks
from deca.crypto import Envelope, LocalKeyEncryptionKey
from deca.errors import ConflictError, NotFoundError
from deca.settings import Settings
from deca.stores import Stores, memory_stores
from deca.stores.models import Member, Workspace
from tests.fakes.clock import FakeClock
from tests.secret_scan import register_credential_value, scan_json_body

ISSUER = "https://issuer.example.test/"
AUDIENCE = "https://api.example.test"
WORKSPACE = "ws-a"
OTHER_WORKSPACE = "ws-b"
KEK = bytes(range(32))

SAMPLE_FLOW: dict[str, Any] = {
    "id": "onboarding",
    "name": "Customer Onboarding",
    "description": "Greets new customers",
    "nodes": [
        {"id": "greet", "type": "set", "config": {"values": {"greeting": "hello"}}},
        {"id": "pause", "type": "wait", "config": {"seconds": 5}},
    ],
    "connections": [{"from": "greet", "to": "pause"}],
}


def sample_flow(**changes: Any) -> dict[str, Any]:
    """A valid flow document (a deep copy), with top-level fields replaced."""
    return {**copy.deepcopy(SAMPLE_FLOW), **changes}


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    """The test issuer's RSA key (generated once: it takes a while)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def foreign_key() -> rsa.RSAPrivateKey:
    """An RSA key the API does not trust."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def clock() -> FakeClock:
    """The clock of the app, the stores and the issuer."""
    return FakeClock(datetime(2026, 1, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def issuer(signing_key: rsa.RSAPrivateKey, clock: FakeClock) -> LocalIssuer:
    """Mints tokens the app trusts."""
    return LocalIssuer(signing_key, issuer=ISSUER, audience=AUDIENCE, clock=clock)


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    """Settings of the test app (a generous rate limit; tests of limiting build their own app)."""
    return Settings(
        data_dir=tmp_path,
        auth_issuer=ISSUER,
        auth_audience=AUDIENCE,
        rate_limit_per_minute=100_000,
        rate_limit_burst=100_000,
        max_body_bytes=64 * 1024,
    )


@pytest.fixture
def stores(clock: FakeClock) -> Stores:
    """Memory stores."""
    return memory_stores(clock=clock)


@pytest.fixture
def envelope() -> Envelope:
    """Credential encryption under a fixed local key."""
    return Envelope(LocalKeyEncryptionKey(KEK))


@pytest.fixture
def app(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, envelope: Envelope
) -> FastAPI:
    """The app under test."""
    return create_app(settings, stores, jwks=StaticJwks(issuer.jwks()), envelope=envelope, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client that reports server errors as responses (a 500 must be visible to the test)."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.event_hooks = {"request": [_register_sent_credentials], "response": [_scan_answer]}
        yield test_client


def _register_sent_credentials(request: httpx.Request) -> None:
    """Credential values a test sends are secrets the suite must never see again (tests/secret_scan.py)."""
    if request.method in ("POST", "PUT") and request.url.path.startswith("/credentials") and request.content:
        with contextlib.suppress(ValueError):
            body = json.loads(request.content)
            if isinstance(body, dict):
                register_credential_value(body.get("value"))


def _scan_answer(response: httpx.Response) -> None:
    response.read()
    scan_json_body(f"answer to {response.request.method} {response.request.url.path}", response.content)


@dataclass
class Caller:
    """Makes members and their tokens."""

    issuer: LocalIssuer
    stores: Stores

    def member(self, role: str, *, workspace: str = WORKSPACE, user: str | None = None) -> str:
        """Ensure `user` (default `<role>-user`) is a member with `role`; its user id."""
        user_id = user or f"{role}-user"
        with contextlib.suppress(ConflictError):
            self.stores.workspaces.create(workspace, Workspace(workspace_id=workspace, name=workspace))
        try:
            self.stores.workspaces.get_member(workspace, user_id)
        except NotFoundError:
            self.stores.workspaces.add_member(
                workspace,
                Member.model_validate({"workspace_id": workspace, "user_id": user_id, "role": role}),
            )
        return user_id

    def headers(
        self, role: str = "owner", *, workspace: str = WORKSPACE, user: str | None = None
    ) -> dict[str, str]:
        """Authorization headers of a member with `role` in `workspace`."""
        user_id = self.member(role, workspace=workspace, user=user)
        token = self.issuer.mint(subject=user_id, workspace_id=workspace, roles=[role])
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def caller(issuer: LocalIssuer, stores: Stores) -> Caller:
    """Headers for any role in any workspace."""
    return Caller(issuer, stores)


@pytest.fixture
def owner(caller: Caller) -> dict[str, str]:
    """Headers of the owner of the main workspace."""
    return caller.headers("owner")


@pytest.fixture
def created_flow(client: TestClient, owner: dict[str, str]) -> dict[str, Any]:
    """The sample flow, created in the main workspace."""
    response = client.post("/flows", json=sample_flow(), headers=owner)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
