"""Credentials: stored encrypted, never returned in clear, rotated with a fresh data key."""

from __future__ import annotations

from fastapi.testclient import TestClient

from deca.crypto import Envelope, credential_context
from deca.stores import Stores
from tests.api.conftest import WORKSPACE

SECRET = "sk-live-very-secret-value"


def _create(client: TestClient, owner: dict[str, str], value: object = SECRET) -> str:
    response = client.post(
        "/credentials", json={"name": "openai", "type": "openai", "value": value}, headers=owner
    )
    assert response.status_code == 201, response.text
    credential_id: str = response.json()["credential_id"]
    return credential_id


def test_value_is_never_in_any_response(client: TestClient, owner: dict[str, str]) -> None:
    # Given a credential
    credential_id = _create(client, owner)

    # When it is read, listed and rotated
    texts = [
        client.get(f"/credentials/{credential_id}", headers=owner).text,
        client.get("/credentials", headers=owner).text,
        client.post(f"/credentials/{credential_id}/rotate", json={"value": SECRET}, headers=owner).text,
        client.get("/audit", headers=owner).text,
    ]

    # Then the secret appears nowhere
    assert all(SECRET not in text for text in texts)
    assert "encrypted_value" not in texts[0]


def test_value_is_stored_encrypted_and_opens_with_the_envelope(
    client: TestClient, owner: dict[str, str], stores: Stores, envelope: Envelope
) -> None:
    # Given a credential with a structured value
    credential_id = _create(client, owner, {"api_key": SECRET})

    # Then the store holds ciphertext only, which the envelope opens for this credential
    stored = stores.credentials.get(WORKSPACE, credential_id)
    assert SECRET.encode() not in stored.encrypted_value
    assert stored.key_id == envelope.key_id
    opened = envelope.open_json(stored.encrypted_value, credential_context(WORKSPACE, credential_id))
    assert opened == {"api_key": SECRET}


def test_rotation_replaces_the_ciphertext_and_sets_rotated_at(
    client: TestClient, owner: dict[str, str], stores: Stores, envelope: Envelope
) -> None:
    # Given a credential
    credential_id = _create(client, owner)
    before = stores.credentials.get(WORKSPACE, credential_id)

    # When it is rotated
    response = client.post(f"/credentials/{credential_id}/rotate", json={"value": "sk-new"}, headers=owner)

    # Then the new value is sealed and the rotation time recorded
    after = stores.credentials.get(WORKSPACE, credential_id)
    assert response.json()["rotated_at"] is not None
    assert after.encrypted_value != before.encrypted_value
    assert envelope.open_json(after.encrypted_value, credential_context(WORKSPACE, credential_id)) == "sk-new"


def test_duplicate_name_is_409(client: TestClient, owner: dict[str, str]) -> None:
    _create(client, owner)

    response = client.post(
        "/credentials", json={"name": "openai", "type": "openai", "value": "x"}, headers=owner
    )

    assert response.status_code == 409


def test_delete_removes_the_credential(client: TestClient, owner: dict[str, str]) -> None:
    credential_id = _create(client, owner)

    assert client.delete(f"/credentials/{credential_id}", headers=owner).status_code == 204
    assert client.get(f"/credentials/{credential_id}", headers=owner).status_code == 404


def test_null_value_is_422(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/credentials", json={"name": "k", "type": "t", "value": None}, headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "body.value"
