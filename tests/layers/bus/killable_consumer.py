"""A `flow.execute` consumer that performs its side effect and then hangs before acking, to be SIGKILLed.

Run as a script: `python killable_consumer.py <nats url> <sqlite path>`; prints `side-effect` once
the execution is stored. The test kills it there, mid-message, and lets another consumer take over.
"""

from __future__ import annotations

import asyncio
import sys
import uuid

from deca.bus import ConsumerSettings, FlowExecute, NatsJetStreamBus, flow_execute_handler
from deca.stores import Stores, sqlite_stores
from deca.stores.models import ExecutionRecord, Trigger

SETTINGS = ConsumerSettings("flow-starter", "flow.execute", max_deliver=5, ack_wait=1.0, backoff=(0.1,))


def start_execution(stores: Stores, message: FlowExecute) -> str:
    """The side effect: store an execution named after the message's execution id (idempotent by name)."""
    record = ExecutionRecord(
        workspace_id=message.context.workspace_id,
        execution_id=uuid.uuid4().hex,
        flow_id=message.flow_id,
        flow_version=1,
        name=message.execution_id,
        trigger=Trigger(type="manual"),
        input=message.trigger_data,
    )
    return stores.executions.create(message.context.workspace_id, record).execution_id


async def _main(url: str, database: str) -> None:
    stores = sqlite_stores(database)
    bus = await NatsJetStreamBus.connect(url)
    started = flow_execute_handler(lambda message: start_execution(stores, message))

    async def then_hang(message, delivery):  # type: ignore[no-untyped-def]
        await started(message, delivery)
        print("side-effect", flush=True)
        await asyncio.Event().wait()  # killed here, before the ack

    await bus.consume(SETTINGS, then_hang, batch=1, timeout=10)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], sys.argv[2]))
