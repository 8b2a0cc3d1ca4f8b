"""Idempotency keys: claimed once while live, their result replayed; expired keys are free again."""

from __future__ import annotations

from datetime import datetime

from pydantic import JsonValue

from deca.clock import Clock
from deca.errors import ConflictError
from deca.stores.collection import Collection
from deca.stores.models import IdempotencyRecord, format_timestamp

__all__ = ["IdempotencyStore"]

_MAX_CLAIM_ATTEMPTS = 10


class IdempotencyStore:
    """The `IdempotencyRepository`; expiry is judged by the injected clock (MongoDB's TTL index only tidies)."""

    def __init__(self, records: Collection[IdempotencyRecord], clock: Clock) -> None:
        self._records = records
        self._clock = clock

    def _live(self, workspace_id: str, key: str) -> IdempotencyRecord | None:
        record = self._records.find(self._records.key(workspace_id, key))
        return record if record is not None and record.expires_at > self._clock.now() else None

    def put_if_absent(self, workspace_id: str, record: IdempotencyRecord, /) -> IdempotencyRecord:
        """Claim the key: returns `record` if it was free (or expired), else the live stored record."""
        key = self._records.key(workspace_id, record.key)
        for _ in range(_MAX_CLAIM_ATTEMPTS):
            try:
                return self._records.insert(workspace_id, record)  # a fresh key: the common case, one write
            except ConflictError:
                stored = self._records.find(key)
            if stored is None:
                continue  # released meanwhile: claim again
            if stored.expires_at > self._clock.now():
                return stored
            # Expired: take it over only if nobody renewed it meanwhile.
            replaced = self._records.update(
                key,
                self._records.dump(workspace_id, record),
                {"expires_at": format_timestamp(stored.expires_at)},
            )
            if replaced is not None:
                return replaced
        raise self._records.conflict(key, "is contended")

    def get(self, workspace_id: str, key: str, /) -> IdempotencyRecord:
        """The live record of this key; `NotFoundError` if absent or expired."""
        record = self._live(workspace_id, key)
        if record is None:
            raise self._records.not_found(self._records.key(workspace_id, key))
        return record

    def set_result(
        self, workspace_id: str, key: str, result: JsonValue, /, *, expires_at: datetime | None = None
    ) -> IdempotencyRecord:
        """Store the result to replay for a live key; `NotFoundError` if absent or expired.

        A claimer passes its claim's `expires_at`, which saves reading the record first: the write still
        happens only if the stored claim is that one.
        """
        if expires_at is None:
            expires_at = self.get(workspace_id, key).expires_at
        elif expires_at <= self._clock.now():
            raise self._records.not_found(self._records.key(workspace_id, key))
        updated = self._records.update(
            self._records.key(workspace_id, key),
            {"result": result},
            {"expires_at": format_timestamp(expires_at)},
        )
        if updated is None:
            raise self._records.not_found(self._records.key(workspace_id, key))
        return updated

    def delete(self, workspace_id: str, key: str, /) -> None:
        """Release the key (a missing key is not an error: releasing is idempotent too)."""
        self._records.table.delete(self._records.key(workspace_id, key))
