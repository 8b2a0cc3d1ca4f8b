"""Helpers shared by the DECA data repositories: ids, full scans by keyset, the record tables."""

from __future__ import annotations

import uuid
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


def random_id(prefix: str) -> str:
    """`<prefix>_<16 hex digits>`."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


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
