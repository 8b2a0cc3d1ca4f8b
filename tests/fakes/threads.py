"""Run test workers in threads that start together, for concurrency tests without sleeps."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["run_together"]


def run_together(workers: list[Callable[[], None]], timeout: float = 60.0) -> None:
    """Start every worker at the same moment, wait for all, and re-raise the first failure."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=timeout)
            work()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    if errors:
        raise errors[0]
