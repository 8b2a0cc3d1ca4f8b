"""Blocking Task handlers on a thread pool, so concurrent branches and iterations make progress.
Mixed into the interpreter; the pool is not part of the durable state (a resumed execution runs
a task that was in flight again)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from statemachines.runtime.clock import Clock, WallClock
from statemachines.runtime.errors import StatesError, TaskTimeout
from statemachines.runtime.resources import TaskRegistry
from statemachines.runtime.states.base import Frame

__all__ = ["TaskPool"]


class TaskPool:
    """Runs handlers on worker threads and hands their outcomes back to their frames."""

    clock: Clock
    tasks: TaskRegistry
    frames: dict[str, Frame]
    runnable: deque[str]
    timers: list[tuple[float, str]]
    inflight: dict[str, tuple[Future[Any], float | None]]
    outcomes: dict[str, tuple[bool, Any]]
    _pool: ThreadPoolExecutor | None
    wakeup: threading.Event

    def can_run_in_pool(self, frame: Frame) -> bool:
        """True when a branch's blocking handler should run on the pool (other frames can progress)."""
        return frame["parent"] is not None and bool(self.runnable or self.inflight)

    def submit(self, frame: Frame, call: Callable[[], Any], timeout: float | None) -> None:
        """Run a Task handler on the thread pool; the frame resumes when it ends."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="asl-task")
        deadline = self.clock.now() + timeout if timeout is not None else None
        future = self._pool.submit(call)
        wakeup = self.wakeup
        future.add_done_callback(lambda _: wakeup.set())  # a sleeping run collects the outcome
        self.inflight[frame["id"]] = (future, deadline)

    def _collect(self) -> bool:
        """Wait for pooled handlers (until the next timer or task deadline); True if one ended."""
        real = isinstance(self.clock, WallClock)
        limits = [d for _, d in self.inflight.values() if d is not None]
        if self.timers:
            limits.append(self.timers[0][0])
        timeout = max(0.0, min(limits) - self.clock.now()) if real and limits else None
        futures = {future: fid for fid, (future, _) in self.inflight.items()}
        around = self.tasks.around_calls  # an embedder's hook for blocking waits (see TaskRegistry)
        if around is None:
            done, _ = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        else:
            done, _ = around(lambda: wait(futures, timeout=timeout, return_when=FIRST_COMPLETED))
        now = self.clock.now()
        finished = False
        for fid, (future, deadline) in list(self.inflight.items()):
            outcome: tuple[bool, Any] | None = None
            if future in done:
                try:
                    outcome = (True, future.result())
                except StatesError as exc:
                    outcome = (False, exc)
                except Exception as exc:  # a handler bug surfaces as the task's error
                    outcome = (False, StatesError(type(exc).__name__, str(exc)))
                if deadline is not None and now > deadline:
                    outcome = (False, TaskTimeout())
            elif deadline is not None and now >= deadline and real:
                outcome = (False, TaskTimeout())
            if outcome is None:
                continue
            del self.inflight[fid]
            frame = self.frames.get(fid)
            if frame is None:  # cancelled meanwhile (a sibling failed)
                continue
            self.outcomes[fid] = outcome
            frame["phase"] = "task_done"
            self.runnable.append(fid)
            finished = True
        return finished
