"""Run a side-effecting node once per execution and node: a repeat replays the recorded output.

The key is `ctx.idempotency_key(execution_id, node_id, iteration)` in `ctx.stores.idempotency`. A first attempt
claims it with a short lease; success replaces the claim with the output, kept for `RETENTION` (Step
Functions redrives within 14 days replay it); failure releases it so a retry acts again. An attempt
that finds a live claim of another attempt fails with the retryable `IntegrationInProgress`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from deca.integrations.errors import IntegrationInProgress
from deca.stores.models import IdempotencyRecord

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["LEASE", "RETENTION", "run_once"]

LEASE = timedelta(minutes=15)
"""How long an unfinished claim blocks other attempts (the longest a Lambda runs)."""
RETENTION = timedelta(days=15)
"""How long a recorded output is replayed."""

OutputT = TypeVar("OutputT", bound=BaseModel)


def run_once(ctx: NodeContext, task: NodeTask, output: type[OutputT], act: Callable[[], OutputT]) -> OutputT:
    """`act()` unless this execution's node already succeeded, in which case its recorded output."""
    store = ctx.stores.idempotency
    key = ctx.idempotency_key(task.execution_id, task.node_id, task.iteration)
    nonce = uuid.uuid4().hex
    now = ctx.clock.now()
    claim = IdempotencyRecord(
        workspace_id=ctx.workspace_id,
        key=key,
        result={"pending": nonce},
        expires_at=now + LEASE,
        created_at=now,
    )
    held = store.put_if_absent(ctx.workspace_id, claim)
    if isinstance(held.result, dict) and "output" in held.result:
        return output.model_validate(held.result["output"])
    if held.result != {"pending": nonce}:
        raise IntegrationInProgress(
            f"node '{task.node_id}' is already running in this execution", service=task.node_type
        )
    try:
        result = act()
    except BaseException:
        store.delete(ctx.workspace_id, key)
        raise
    done = IdempotencyRecord(
        workspace_id=ctx.workspace_id,
        key=key,
        result={"output": result.model_dump(mode="json", by_alias=True)},
        expires_at=ctx.clock.now() + RETENTION,
        created_at=now,
    )
    store.delete(ctx.workspace_id, key)
    store.put_if_absent(ctx.workspace_id, done)
    return result
