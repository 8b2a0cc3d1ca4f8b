"""Envelope encryption under a local key file and under AWS KMS (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from deca.crypto import (
    DecryptionError,
    Envelope,
    KmsKeyEncryptionKey,
    LocalKeyEncryptionKey,
    credential_context,
    load_or_create_kek,
)

CONTEXT = credential_context("ws-a", "cred_1")


@pytest.fixture
def kms() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("kms", region_name="us-east-1")


@pytest.fixture(params=["local", "kms"])
def envelope(request: pytest.FixtureRequest, kms: Any) -> Envelope:
    if request.param == "local":
        return Envelope(LocalKeyEncryptionKey(bytes(32)))
    key_id = kms.create_key(Description="deca credentials")["KeyMetadata"]["KeyId"]
    return Envelope(KmsKeyEncryptionKey(kms, key_id))


def test_sealed_value_opens_with_the_same_context(envelope: Envelope) -> None:
    sealed = envelope.seal_json({"token": "abc"}, CONTEXT)

    assert envelope.open_json(sealed.blob, CONTEXT) == {"token": "abc"}
    assert sealed.key_id == envelope.key_id


def test_each_seal_uses_a_fresh_data_key(envelope: Envelope) -> None:
    first = envelope.seal(b"same", CONTEXT).blob
    second = envelope.seal(b"same", CONTEXT).blob

    assert first != second


def test_value_does_not_open_for_another_credential(envelope: Envelope) -> None:
    sealed = envelope.seal(b"secret", CONTEXT)

    with pytest.raises(DecryptionError):
        envelope.open(sealed.blob, credential_context("ws-b", "cred_1"))


def test_tampered_ciphertext_does_not_open(envelope: Envelope) -> None:
    blob = bytearray(envelope.seal(b"secret", CONTEXT).blob)
    blob[-1] ^= 0x01

    with pytest.raises(DecryptionError):
        envelope.open(bytes(blob), CONTEXT)


def test_value_does_not_open_under_another_local_key() -> None:
    sealed = Envelope(LocalKeyEncryptionKey(bytes(32))).seal(b"secret", CONTEXT)

    with pytest.raises(DecryptionError):
        Envelope(LocalKeyEncryptionKey(bytes([1]) * 32)).open(sealed.blob, CONTEXT)


def test_garbage_is_not_a_sealed_value() -> None:
    with pytest.raises(DecryptionError):
        Envelope(LocalKeyEncryptionKey(bytes(32))).open(b"plain text", CONTEXT)


def test_local_kek_file_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "credentials.kek"

    first = load_or_create_kek(path)

    assert load_or_create_kek(path) == first
    assert len(first) == 32
    assert path.stat().st_mode & 0o077 == 0


def test_kms_key_id_is_recorded_with_the_value(kms: Any) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]

    sealed = Envelope(KmsKeyEncryptionKey(kms, key_id)).seal(b"x", CONTEXT)

    assert sealed.key_id == key_id
