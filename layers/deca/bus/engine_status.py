"""The bus side of a process running the local engine (`deca dev`).

The engine's status changes go out as `flow.state` / `flow.complete` (the engine only hands a record to
`notify`, which queues it: no I/O on the engine's threads), and, when asked, a `deca-flow-starter` consumer
turns each `flow.execute` into a started execution. One thread owns an asyncio loop and the bus connection
(a NATS client belongs to the loop it was made on).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Awaitable, Callable

from deca.bus.base import ConsumerSettings, MessageBus
from deca.bus.consumers import FLOW_STARTER
from deca.bus.messages import FlowExecute
from deca.bus.status_bridge import ExecutionStatusChange, flow_execute_handler, publish_status
from deca.clock import utcnow
from deca.stores.models import ExecutionRecord, to_utc_millis

__all__ = ["BusService", "status_change"]

logger = logging.getLogger(__name__)

_STOP = object()


def status_change(record: ExecutionRecord) -> ExecutionStatusChange:
    """The status change an execution record stands for (output and error once it ended).

    Built without validation: every field comes from a validated record (the engine reports every change,
    and validating an output again costs as much as the rest of publishing it)."""
    return ExecutionStatusChange.model_construct(
        workspace_id=record.workspace_id,
        flow_id=record.flow_id,
        execution_id=record.execution_id,
        status=record.status,
        output=record.output,
        error=record.error_details,
        duration_ms=record.metrics.duration_ms,
        timestamp=to_utc_millis(record.end_time or utcnow()),
    )


class BusService:
    """Publishes queued status changes and (with `start`) consumes `flow.execute`, on its own thread."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[MessageBus]],
        start: Callable[[FlowExecute], object] | None = None,
        *,
        consumer: ConsumerSettings = FLOW_STARTER,
        idle_seconds: float = 0.2,
    ) -> None:
        self._connect = connect
        self._start = start
        self._consumer = consumer
        self._idle = idle_seconds
        self._pending: queue.SimpleQueue[ExecutionStatusChange | object] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None
        self._failure: BaseException | None = None
        # Whether the publisher is draining the queue (or already poked): a change queued meanwhile needs no
        # wake-up of its own, so under load one wake-up of the bus thread publishes many changes.
        self._draining = False
        self.bus: MessageBus | None = None

    def notify(self, record: ExecutionRecord) -> None:
        """The engine's status listener: queue the change (never blocks, never raises)."""
        try:
            self._pending.put(status_change(record))
            if not self._draining:
                self._draining = True
                self._poke()
        except Exception:  # the engine must not fail because the bus side is gone
            logger.exception("status change dropped", extra={"execution_id": record.execution_id})

    def _poke(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: stop() drained it
                loop.call_soon_threadsafe(wake.set)

    @property
    def running(self) -> bool:
        """Whether the service's thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> None:
        """Connect and start serving; raises what connecting raised (or `TimeoutError`)."""
        self._thread = threading.Thread(target=self._main, name="deca-bus", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"the bus did not connect within {timeout} s")
        if self._failure is not None:
            raise self._failure

    def stop(self, timeout: float = 10.0) -> None:
        """Publish what is queued, stop consuming, close the bus and end the thread."""
        self._pending.put(_STOP)
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        self._poke()
        if self._thread is not None:
            self._thread.join(timeout)

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._serve(loop))
        finally:
            self._loop = None
            loop.close()

    async def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            bus = await self._connect()
        except BaseException as exc:  # handed to start()'s caller
            self._failure = exc
            self._ready.set()
            return
        self.bus = bus
        self._wake, self._stopping = asyncio.Event(), asyncio.Event()
        self._loop = loop
        self._ready.set()
        try:
            work = [self._publish_changes(bus)]
            if self._start is not None:
                work.append(self._consume(bus, self._start))
            await asyncio.gather(*work)
        finally:
            await bus.close()

    async def _publish_changes(self, bus: MessageBus) -> None:
        assert self._wake is not None
        while True:
            self._draining = True
            while True:
                try:
                    item = self._pending.get_nowait()
                except queue.Empty:
                    self._draining = False  # from here on a new change pokes ...
                    if self._pending.empty():  # ... and one queued just before is seen here
                        break
                    self._draining = True
                    continue
                if item is _STOP:
                    return
                if isinstance(item, ExecutionStatusChange):
                    try:
                        await publish_status(bus, item)
                    except Exception:  # a bus outage loses notifications, never the execution
                        logger.exception("status not published", extra={"execution_id": item.execution_id})
            await self._wake.wait()
            self._wake.clear()

    async def _consume(self, bus: MessageBus, start: Callable[[FlowExecute], object]) -> None:
        assert self._stopping is not None
        handler = flow_execute_handler(start)
        while not self._stopping.is_set():
            try:
                handled = await bus.consume(self._consumer, handler, timeout=1.0)
                await bus.forward_dead_letters(timeout=0.1)
            except Exception:
                logger.exception("flow.execute consumer failed")
                handled = 0
            if handled == 0:  # nothing waiting: don't spin on a bus that returns at once
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self._idle)
