"""Helpers shared by the DECA data repositories: ids, full scans by keyset, the record tables."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from deca.stores.collection import Collection
from deca.stores.models import Record
from deca.stores.tables import Cond, Query

__all__ = ["SCAN_BATCH", "IdFactory", "random_id", "scan"]

M = TypeVar("M", bound=Record)
IdFactory = Callable[[str], str]
"""Makes a new id from a prefix (`pg`, `row`, ...); tests pass a counter for stable ids."""

SCAN_BATCH = 500


_ID_LOCK = threading.Lock()
_id_state = [0, 0]  # last millisecond used, sequence within it


def random_id(prefix: str) -> str:
    """`<prefix>_<24 hex digits>`: milliseconds, a sequence and randomness, so ids sort by creation.

    Rows inserted in the same millisecond then keep their order (listings sort by time, then id).
    """
    with _ID_LOCK:
        now = time.time_ns() // 1_000_000
        if now <= _id_state[0]:
            now, sequence = _id_state[0], _id_state[1] + 1
            if sequence > 0xFFFF:  # 65,536 ids in one millisecond: borrow the next one
                now, sequence = now + 1, 0
        else:
            sequence = 0
        _id_state[:] = [now, sequence]
    return f"{prefix}_{now:012x}{sequence:04x}{secrets.token_hex(4)}"


def scan(
    collection: Collection[M], equal: Mapping[str, Any], order: Sequence[tuple[str, bool]]
) -> Iterator[M]:
    """Every record whose fields equal `equal`, in `order`, read in keyset batches."""
    where = tuple(Cond(f, "eq", v) for f, v in equal.items())
    after: tuple[Any, ...] | None = None
    while True:
        docs = collection.table.find(Query(where=where, order=tuple(order), after=after, limit=SCAN_BATCH))
        for doc in docs:
            yield collection.load(doc)
        if len(docs) < SCAN_BATCH:
            return
        after = tuple(docs[-1][f] for f, _ in order)
