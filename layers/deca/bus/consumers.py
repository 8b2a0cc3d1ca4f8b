"""Long-running consumer loops (the ECS side of the bridge and the task runner), stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from deca.bus.base import ConsumerSettings, Handler, MessageBus
from deca.bus.messages import FlowExecute
from deca.bus.status_bridge import flow_execute_handler

__all__ = [
    "FLOW_STARTER",
    "TASK_RUNNER",
    "run_consumer",
    "run_flow_starter",
    "run_task_runner",
    "stop_on_signals",
]

logger = logging.getLogger(__name__)

FLOW_STARTER = ConsumerSettings("deca-flow-starter", "flow.execute", max_deliver=5, ack_wait=60.0)
TASK_RUNNER = ConsumerSettings("deca-task-runner", "task.execute", max_deliver=3, ack_wait=900.0)
EVENT_DISPATCHER = ConsumerSettings("deca-event-dispatcher", "event.occurred", max_deliver=5, ack_wait=60.0)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT (ECS stops tasks with SIGTERM); call inside the running loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    return stop


async def run_consumer(
    bus: MessageBus, settings: ConsumerSettings, handler: Handler, stop: asyncio.Event | None = None
) -> None:
    """Consume until `stop` is set (default: SIGTERM/SIGINT), forwarding dead letters between batches."""
    stop = stop or stop_on_signals()
    logger.info("consumer started", extra={"durable": settings.durable})
    while not stop.is_set():
        await bus.consume(settings, handler, timeout=1.0)
        await bus.forward_dead_letters(timeout=0.1)
    logger.info("consumer stopped", extra={"durable": settings.durable})


async def run_flow_starter(
    bus: MessageBus, start: Callable[[FlowExecute], object], stop: asyncio.Event | None = None
) -> None:
    """Start an execution for every `flow.execute` (the bridge's consume side)."""
    await run_consumer(bus, FLOW_STARTER, flow_execute_handler(start), stop)


async def run_task_runner(bus: MessageBus, handler: Handler, stop: asyncio.Event | None = None) -> None:
    """Run every `task.execute` with the given handler (see `deca.tasks.task_execute_handler`)."""
    await run_consumer(bus, TASK_RUNNER, handler, stop)
