"""Concurrent writers on every backend: no lost writes, no duplicate numbers, one execution per name."""

from __future__ import annotations

from collections.abc import Callable

from deca.stores import Stores
from tests.fakes import records
from tests.fakes.clock import FakeClock
from tests.fakes.threads import run_together

THREADS = 6
PER_THREAD = 8


def test_concurrent_history_appends_get_consecutive_ids(stores: Stores) -> None:
    stores.executions.create("ws-1", records.execution())

    def append() -> None:
        for _ in range(PER_THREAD):
            stores.executions.append_history("ws-1", records.history_event())

    run_together([append] * THREADS)

    ids = [e.event_id for e in stores.executions.get_history("ws-1", "exec-1", limit=200).items]
    assert ids == list(range(1, THREADS * PER_THREAD + 1))


def test_concurrent_version_writers_keep_the_highest_latest_version(stores: Stores) -> None:
    stores.flows.create("ws-1", records.flow())

    def add(first: int) -> Callable[[], None]:
        def work() -> None:
            for number in range(first, 40, THREADS):
                stores.flows.add_version("ws-1", records.flow_version(version=number))

        return work

    run_together([add(t + 1) for t in range(THREADS)])

    assert stores.flows.get("ws-1", "flow-1").latest_version == 39
    assert len(stores.flows.list_versions("ws-1", "flow-1", limit=200).items) == 39


def test_concurrent_starts_with_one_name_create_one_execution(stores: Stores) -> None:
    started: list[str] = []

    def start(thread: int) -> Callable[[], None]:
        def work() -> None:
            execution = records.execution(execution_id=f"e-{thread}", name="order-42")
            started.append(stores.executions.create("ws-1", execution).execution_id)

        return work

    run_together([start(t) for t in range(THREADS)])

    assert len(set(started)) == 1
    assert len(stores.executions.list("ws-1").items) == 1


def test_concurrent_claims_of_one_key_all_see_the_winner(stores: Stores, clock: FakeClock) -> None:
    seen: list[object] = []

    def claim(thread: int) -> Callable[[], None]:
        def work() -> None:
            record = records.idempotency(now=clock.now(), result=thread)
            seen.append(stores.idempotency.put_if_absent("ws-1", record).result)

        return work

    run_together([claim(t) for t in range(THREADS)])

    assert len(set(seen)) == 1
    assert stores.idempotency.get("ws-1", "key-1").result == seen[0]
