"""Envelope encryption of credential values: a fresh AES-256-GCM data key per value, wrapped by a key-encryption key.

The key-encryption key (KEK) is a local key file on a laptop and an AWS KMS key in the cloud; only the
wrapped data key is stored, next to the ciphertext, in one opaque blob:

    b"DE1" | u16 length of wrapped key | wrapped key | 12-byte nonce | AES-GCM ciphertext+tag

The encryption context (workspace and credential ids) is bound as associated data, so a blob copied to
another credential or workspace does not decrypt.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import JsonValue

from deca.errors import DecaError

__all__ = [
    "DataKey",
    "DecryptionError",
    "Envelope",
    "KeyEncryptionKey",
    "KmsKeyEncryptionKey",
    "LocalKeyEncryptionKey",
    "SealedValue",
    "credential_context",
    "load_or_create_kek",
]

_MAGIC: Final = b"DE1"
_NONCE_BYTES: Final = 12
_KEY_BYTES: Final = 32


class DecryptionError(DecaError):
    """A sealed value cannot be opened: wrong key, wrong context or tampered bytes."""

    code = "decryption_failed"


@dataclass(frozen=True)
class DataKey:
    """A data key in clear (used once, then forgotten) and wrapped (stored)."""

    plaintext: bytes
    wrapped: bytes


class KeyEncryptionKey(Protocol):
    """Makes and unwraps data keys; never hands out its own key material."""

    @property
    def key_id(self) -> str:
        """Which KEK wrapped the data keys (stored with each credential)."""
        ...

    def generate_data_key(self, context: Mapping[str, str]) -> DataKey:
        """A fresh 256-bit data key, also wrapped under this KEK for `context`."""
        ...

    def unwrap(self, wrapped: bytes, context: Mapping[str, str]) -> bytes:
        """The data key in clear; `DecryptionError` if it was not wrapped by this KEK for `context`."""
        ...


def _aad(context: Mapping[str, str]) -> bytes:
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":")).encode()


def load_or_create_kek(path: Path) -> bytes:
    """The 32-byte key in `path`, created (mode 0600) from the OS random source on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:  # O_EXCL: when two processes race, the first file wins and both use it
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(AESGCM.generate_key(bit_length=256))
    key = path.read_bytes()
    if len(key) != _KEY_BYTES:
        raise DecryptionError(f"{path.name} must hold exactly {_KEY_BYTES} bytes")
    return key


class LocalKeyEncryptionKey:
    """A KEK held in process (read from the local key file): AES-256-GCM wraps each data key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != _KEY_BYTES:
            raise ValueError("a local KEK is 32 bytes")
        self._aes = AESGCM(key)
        self._key_id = "local:" + hashlib.sha256(b"deca-kek-id" + key).hexdigest()[:16]

    @classmethod
    def from_file(cls, path: Path) -> LocalKeyEncryptionKey:
        """The KEK of the local key file (created on first use)."""
        return cls(load_or_create_kek(path))

    @property
    def key_id(self) -> str:
        """`local:` and a fingerprint of the key (never the key)."""
        return self._key_id

    def generate_data_key(self, context: Mapping[str, str]) -> DataKey:
        """A random data key wrapped with AES-GCM under the KEK."""
        plaintext = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE_BYTES)
        return DataKey(plaintext, nonce + self._aes.encrypt(nonce, plaintext, _aad(context)))

    def unwrap(self, wrapped: bytes, context: Mapping[str, str]) -> bytes:
        """The data key wrapped by `generate_data_key` for the same context."""
        try:
            return self._aes.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], _aad(context))
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("data key does not unwrap under this key") from exc


class KmsKeyEncryptionKey:
    """A KEK that lives in AWS KMS: `GenerateDataKey` and `Decrypt` with the context as encryption context."""

    def __init__(self, client: Any, key_id: str) -> None:
        self._kms = client  # a boto3 KMS client; built by the caller (tests pass one under moto)
        self._key_id = key_id

    @property
    def key_id(self) -> str:
        """The KMS key id or ARN."""
        return self._key_id

    def generate_data_key(self, context: Mapping[str, str]) -> DataKey:
        """A data key from KMS, in clear and wrapped."""
        answer = self._kms.generate_data_key(
            KeyId=self._key_id, KeySpec="AES_256", EncryptionContext=dict(context)
        )
        return DataKey(bytes(answer["Plaintext"]), bytes(answer["CiphertextBlob"]))

    def unwrap(self, wrapped: bytes, context: Mapping[str, str]) -> bytes:
        """The data key, decrypted by KMS."""
        try:
            answer = self._kms.decrypt(
                CiphertextBlob=wrapped, KeyId=self._key_id, EncryptionContext=dict(context)
            )
        except self._kms.exceptions.InvalidCiphertextException as exc:
            raise DecryptionError("KMS refused to decrypt the data key") from exc
        return bytes(answer["Plaintext"])


@dataclass(frozen=True)
class SealedValue:
    """An encrypted value and the id of the KEK that wrapped its data key."""

    blob: bytes
    key_id: str


class Envelope:
    """Seals and opens values with envelope encryption under one KEK."""

    def __init__(self, kek: KeyEncryptionKey) -> None:
        self._kek = kek

    @property
    def key_id(self) -> str:
        """The KEK id new values are sealed under."""
        return self._kek.key_id

    def seal(self, plaintext: bytes, context: Mapping[str, str]) -> SealedValue:
        """Encrypt `plaintext` with a fresh data key bound to `context`."""
        data_key = self._kek.generate_data_key(context)
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = AESGCM(data_key.plaintext).encrypt(nonce, plaintext, _aad(context))
        header = _MAGIC + struct.pack(">H", len(data_key.wrapped))
        return SealedValue(header + data_key.wrapped + nonce + ciphertext, self._kek.key_id)

    def open(self, blob: bytes, context: Mapping[str, str]) -> bytes:
        """The plaintext sealed in `blob` for the same context; `DecryptionError` otherwise."""
        if len(blob) < len(_MAGIC) + 2 or not blob.startswith(_MAGIC):
            raise DecryptionError("not a sealed value")
        (wrapped_len,) = struct.unpack(">H", blob[len(_MAGIC) : len(_MAGIC) + 2])
        start = len(_MAGIC) + 2
        wrapped = blob[start : start + wrapped_len]
        nonce = blob[start + wrapped_len : start + wrapped_len + _NONCE_BYTES]
        ciphertext = blob[start + wrapped_len + _NONCE_BYTES :]
        data_key = self._kek.unwrap(wrapped, context)
        try:
            return AESGCM(data_key).decrypt(nonce, ciphertext, _aad(context))
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("sealed value does not decrypt") from exc

    def seal_json(self, value: JsonValue, context: Mapping[str, str]) -> SealedValue:
        """Seal a JSON value (its compact UTF-8 text)."""
        return self.seal(json.dumps(value, separators=(",", ":")).encode(), context)

    def open_json(self, blob: bytes, context: Mapping[str, str]) -> JsonValue:
        """The JSON value sealed by `seal_json`."""
        loaded: JsonValue = json.loads(self.open(blob, context))
        return loaded


def credential_context(workspace_id: str, credential_id: str) -> dict[str, str]:
    """The encryption context of a credential's value: it only opens for the same workspace and id."""
    return {"workspace_id": workspace_id, "credential_id": credential_id, "purpose": "deca-credential"}
