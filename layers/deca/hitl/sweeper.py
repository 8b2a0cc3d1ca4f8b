"""The escalation/expiry sweep of human tasks: one pass (`sweep`), and a loop for the local studio.

On AWS an EventBridge schedule calls the sweeper Lambda every minute; in `deca dev` a `SweepLoop` thread
runs the same pass with the app (started and stopped by its lifespan).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from fastapi import FastAPI

    from deca.hitl.service import HumanTaskService

__all__ = ["SweepLoop", "SweepResult", "attach_sweep_loop", "sweep"]

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 60.0


class SweepResult(BaseModel):
    """The requests one pass escalated and closed as expired."""

    escalated: list[str] = Field(default_factory=list, description="Request ids handed to their escalation")
    expired: list[str] = Field(default_factory=list, description="Request ids closed as expired")


def sweep(service: HumanTaskService) -> SweepResult:
    """Escalate pending requests past their escalation time, then close open ones past their expiry."""
    escalated = [task.request_id for task in service.escalate_due()]
    expired = [task.request_id for task in service.expire_due()]
    return SweepResult(escalated=escalated, expired=expired)


class SweepLoop:
    """Calls `run` at once and then every `interval_seconds` on a daemon thread until stopped."""

    def __init__(self, run: Callable[[], object], interval_seconds: float = DEFAULT_INTERVAL_SECONDS) -> None:
        self._run = run
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="deca-hitl-sweeper", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._run()
            except Exception:  # one failed pass must not end the loop: the next one retries
                logger.exception("human task sweep failed")
            self._stop.wait(self._interval)

    def stop(self, timeout_seconds: float = 10.0) -> None:
        """Stop and wait for the thread (a pass under way finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_seconds)
            self._thread = None

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()


def attach_sweep_loop(
    app: FastAPI, service: HumanTaskService, interval_seconds: float = DEFAULT_INTERVAL_SECONDS
) -> SweepLoop:
    """Run the sweep of `service` for the app's lifetime (its lifespan starts and stops the loop)."""
    from deca.local.lifespan import run_with_app

    loop = SweepLoop(lambda: sweep(service), interval_seconds)
    run_with_app(app, loop.start, loop.stop)
    return loop
