"""The AWS-side wiring built from settings: an issuer's JWKS over HTTP and credentials under KMS."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient
from moto import mock_aws

from api.app import create_app, mongodb_uri
from deca.auth import LocalIssuer
from deca.settings import Settings
from deca.stores import Stores
from tests.api.conftest import WORKSPACE
from tests.fakes.clock import FakeClock


@pytest.fixture
def jwks_url(issuer: LocalIssuer) -> Iterator[str]:
    """The test issuer's JWKS served over HTTP on loopback."""
    document = json.dumps(issuer.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_tokens_verify_against_the_issuers_jwks_url(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, jwks_url: str
) -> None:
    # Given an app configured like production: only a JWKS URL, no key handed over
    app = create_app(settings.model_copy(update={"auth_jwks_url": jwks_url}), stores, clock=clock)
    token = issuer.mint(subject="auth0|alice", workspace_id=WORKSPACE, roles=["owner"])

    # When a token of that issuer is presented
    with TestClient(app) as client:
        response = client.get("/workspaces/current", headers={"Authorization": f"Bearer {token}"})

    # Then it is accepted
    assert response.status_code == 200
    assert response.json()["user_id"] == "auth0|alice"


def test_credentials_are_sealed_under_the_kms_key(
    settings: Settings, stores: Stores, issuer: LocalIssuer, clock: FakeClock, jwks_url: str
) -> None:
    with mock_aws():
        # Given an app with a KMS key configured
        key_id = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["KeyId"]
        cloud = settings.model_copy(update={"auth_jwks_url": jwks_url, "kms_key_id": key_id})
        app = create_app(cloud, stores, clock=clock)
        token = issuer.mint(subject="auth0|alice", workspace_id=WORKSPACE, roles=["owner"])

        # When a credential is created
        with TestClient(app) as client:
            response = client.post(
                "/credentials",
                json={"name": "slack", "type": "slack", "value": {"token": "xoxb-1"}},
                headers={"Authorization": f"Bearer {token}"},
            )

    # Then its data key was wrapped by KMS
    assert response.status_code == 201
    assert response.json()["key_id"] == key_id
    assert stores.credentials.get(WORKSPACE, response.json()["credential_id"]).key_id == key_id


def test_mongodb_connection_string_comes_from_secrets_manager(settings: Settings) -> None:
    with mock_aws():
        # Given the Atlas connection string in a secret, as the data stack stores it
        secrets = boto3.client("secretsmanager", region_name="us-east-1")
        arn = secrets.create_secret(
            Name="deca/dev/mongodb-atlas", SecretString="mongodb+srv://u:p@cluster0.example.net/"
        )["ARN"]

        # Then the API finds it through the secret's ARN
        assert mongodb_uri(settings.model_copy(update={"mongodb_secret_arn": arn})) == (
            "mongodb+srv://u:p@cluster0.example.net/"
        )


def test_explicit_mongodb_uri_wins_over_the_secret(settings: Settings) -> None:
    configured = settings.model_copy(
        update={"mongodb_uri": "mongodb://localhost/", "mongodb_secret_arn": "arn:x"}
    )

    assert mongodb_uri(configured) == "mongodb://localhost/"
