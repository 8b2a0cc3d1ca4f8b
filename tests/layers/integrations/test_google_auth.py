"""Google credentials: an access token as is, a refresh token, or a service account's signed JWT."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from deca.integrations.errors import IntegrationAuthError
from tests.fakes.google_api import FakeGoogle

Run = Callable[..., dict[str, Any]]
READ = {"operation": "read", "range": "S!A1"}


@pytest.fixture
def sheet(google: FakeGoogle) -> str:
    return google.add_spreadsheet({"S": [["ok"]]})


def test_refresh_token_is_exchanged_for_an_access_token(
    run_google: Run, google: FakeGoogle, sheet: str
) -> None:
    credential = {"refresh_token": "1//refresh", "client_id": "client-1", "client_secret": "secret-1"}
    out = run_google("google_sheets", {**READ, "spreadsheet_id": sheet}, credential)
    assert out["values"] == [["ok"]]
    assert google.server.requests[0].path == "/token"
    assert google.server.requests[1].headers["authorization"].startswith("Bearer ya29.fresh")


def test_revoked_refresh_token_is_integration_auth_error(run_google: Run, sheet: str) -> None:
    credential = {"refresh_token": "1//revoked", "client_id": "client-1", "client_secret": "secret-1"}
    with pytest.raises(IntegrationAuthError, match="refreshing the token"):
        run_google("google_sheets", {**READ, "spreadsheet_id": sheet}, credential)


def test_service_account_signs_a_jwt_bearer_grant(run_google: Run, google: FakeGoogle, sheet: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    google.service_accounts["bot@proj.iam.gserviceaccount.com"] = public_pem
    credential = {"client_email": "bot@proj.iam.gserviceaccount.com", "private_key": private_pem}
    out = run_google("google_sheets", {**READ, "spreadsheet_id": sheet}, credential)
    assert out["values"] == [["ok"]]


def test_invalid_access_token_is_integration_auth_error(run_google: Run, sheet: str) -> None:
    with pytest.raises(IntegrationAuthError, match="UNAUTHENTICATED"):
        run_google("google_sheets", {**READ, "spreadsheet_id": sheet}, {"access_token": "ya29.expired"})


def test_credential_without_token_fields_says_which_are_needed(run_google: Run, sheet: str) -> None:
    with pytest.raises(IntegrationAuthError, match="'access_token', 'refresh_token'"):
        run_google("google_sheets", {**READ, "spreadsheet_id": sheet}, {"api_key": "x"})


def test_unusable_private_key_is_integration_auth_error(run_google: Run, sheet: str) -> None:
    credential = {"client_email": "bot@proj.iam.gserviceaccount.com", "private_key": "not a key"}
    with pytest.raises(IntegrationAuthError, match="private_key"):
        run_google("google_sheets", {**READ, "spreadsheet_id": sheet}, credential)
