"""Cached factory of the task runner (`cache_clear()` in tests).

`DECA_OBJECTS_BUCKET` puts exports and reports in S3; without it they go under `<data dir>/objects`.
"""

from __future__ import annotations

import functools

from deca import wiring
from deca.clock import SystemClock
from deca.tasks.object_store import ObjectStore
from deca.tasks.progress import TaskProgressBoard
from deca.tasks.runner import TaskRunner

__all__ = ["object_store", "task_runner"]


@functools.cache
def object_store() -> ObjectStore:
    """S3 when `DECA_OBJECTS_BUCKET` is set, else a directory under the data dir."""
    return wiring.open_object_store(wiring.settings())


@functools.cache
def task_runner() -> TaskRunner:
    """The runner over the configured stores, object store and cache."""
    clock = SystemClock()
    board = TaskProgressBoard(wiring.cache(), clock)
    return TaskRunner(wiring.stores().executions, object_store(), board, clock)
