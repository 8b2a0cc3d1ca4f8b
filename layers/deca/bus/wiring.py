"""Cached factories for the bus in Lambda and ECS processes (`cache_clear()` them in tests).

`DECA_NATS_URL` names the NATS server (e.g. `nats://nats.internal:4222`); without it the process
uses an in-memory bus (local runs). Async bus calls from synchronous handlers go through one
long-lived event loop, so a warm Lambda reuses its NATS connection.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Coroutine
from typing import Any, TypeVar

from deca.bus.base import MessageBus

__all__ = ["NATS_URL_VARIABLE", "bus", "event_loop", "run"]

NATS_URL_VARIABLE = "DECA_NATS_URL"
T = TypeVar("T")


@functools.cache
def event_loop() -> asyncio.AbstractEventLoop:
    """The process's event loop for bus calls made from synchronous code."""
    return asyncio.new_event_loop()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a bus coroutine to completion on the process's loop."""
    return event_loop().run_until_complete(coroutine)


@functools.cache
def bus() -> MessageBus:
    """The JetStream bus of `DECA_NATS_URL` (streams set up), else an in-memory bus."""
    url = os.environ.get(NATS_URL_VARIABLE)
    if not url:
        from deca.bus.memory import InMemoryBus

        return InMemoryBus()
    from deca.bus.nats_jetstream import NatsJetStreamBus

    jetstream = run(NatsJetStreamBus.connect(url))
    run(jetstream.setup())
    return jetstream
