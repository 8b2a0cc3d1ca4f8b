"""The object store port (exports, reports, large payloads): memory, local-directory and S3 implementations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from deca.errors import InputError, NotFoundError

__all__ = ["LocalDirectoryStore", "MemoryObjectStore", "ObjectInfo", "ObjectStore", "S3ObjectStore"]


@dataclass(frozen=True)
class ObjectInfo:
    """One stored object."""

    key: str
    size: int
    last_modified: datetime


class ObjectStore(Protocol):
    """Whole-object put/get/list/delete under `/`-separated keys."""

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        """Store (or replace) an object."""
        ...

    def get(self, key: str) -> bytes:
        """An object's bytes; `NotFoundError` if absent."""
        ...

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        """Objects whose key starts with `prefix`, by key."""
        ...

    def delete(self, key: str) -> None:
        """Remove an object (absent is fine)."""
        ...


def _check_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InputError(f"object key {key!r} must be a relative path without empty, '.' or '..' parts")
    return key


class MemoryObjectStore:
    """Objects in a dict (one process's short-lived runs, and tests)."""

    def __init__(self) -> None:
        self._objects: dict[str, tuple[bytes, datetime]] = {}

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        """Store (or replace) an object."""
        self._objects[_check_key(key)] = (data, datetime.now(UTC))

    def get(self, key: str) -> bytes:
        """An object's bytes."""
        try:
            return self._objects[_check_key(key)][0]
        except KeyError:
            raise NotFoundError(f"object {key!r} not found", resource="object", resource_id=key) from None

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        """Objects whose key starts with `prefix`, by key."""
        return [
            ObjectInfo(key=key, size=len(data), last_modified=modified)
            for key, (data, modified) in sorted(self._objects.items())
            if key.startswith(prefix)
        ]

    def delete(self, key: str) -> None:
        """Remove an object (absent is fine)."""
        self._objects.pop(_check_key(key), None)


class LocalDirectoryStore:
    """Objects as files under a root directory (the local default)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        return self._root / _check_key(key)

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        """Write the file atomically (a temporary file renamed into place)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        temporary.write_bytes(data)
        temporary.replace(path)

    def get(self, key: str) -> bytes:
        """The file's bytes."""
        path = self._path(key)
        if not path.is_file():
            raise NotFoundError(f"object {key!r} not found", resource="object", resource_id=key)
        return path.read_bytes()

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        """Files under the root whose relative key starts with `prefix`."""
        if not self._root.exists():
            return []
        found = []
        for path in self._root.rglob("*"):
            key = path.relative_to(self._root).as_posix()
            if path.is_file() and key.startswith(prefix) and not key.endswith(".part"):
                stat = path.stat()
                found.append(ObjectInfo(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)))
        return sorted(found, key=lambda info: info.key)

    def delete(self, key: str) -> None:
        """Remove the file if present."""
        self._path(key).unlink(missing_ok=True)


class S3ObjectStore:
    """Objects in an S3 bucket under an optional key prefix (boto3 client passed in)."""

    def __init__(self, client: Any, bucket: str, *, prefix: str = "") -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        """PutObject."""
        self._client.put_object(
            Bucket=self._bucket, Key=self._prefix + _check_key(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        """GetObject; `NotFoundError` for a missing key."""
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=self._prefix + _check_key(key))
        except self._client.exceptions.NoSuchKey as exc:
            raise NotFoundError(f"object {key!r} not found", resource="object", resource_id=key) from exc
        body: bytes = response["Body"].read()
        return body

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        """ListObjectsV2, every page."""
        found = []
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self._bucket, Prefix=self._prefix + prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(self._prefix) :]
                found.append(ObjectInfo(key, int(item["Size"]), item["LastModified"]))
        return sorted(found, key=lambda info: info.key)

    def delete(self, key: str) -> None:
        """DeleteObject."""
        self._client.delete_object(Bucket=self._bucket, Key=self._prefix + _check_key(key))
