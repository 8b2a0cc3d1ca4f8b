"""run_once: a side effect happens once per execution and node; failures and dead attempts free the key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import BaseModel

from deca.integrations.errors import IntegrationInProgress
from deca.integrations.idempotency import LEASE, run_once
from deca.nodes.context import NodeContext
from deca.stores.models import IdempotencyRecord
from tests.fakes.clock import FakeClock
from tests.layers.integrations.conftest import MakeContext, node_task


class Sent(BaseModel):
    id: int


@pytest.fixture
def ctx(make_context: MakeContext) -> NodeContext:
    return make_context()


def _claim_by_another_attempt(ctx: NodeContext) -> None:
    key = ctx.idempotency_key("exec-1", "node-1")
    record = IdempotencyRecord(
        workspace_id=ctx.workspace_id,
        key=key,
        result={"pending": "other"},
        expires_at=ctx.clock.now() + LEASE,
    )
    ctx.stores.idempotency.put_if_absent(ctx.workspace_id, record)


def test_second_run_replays_the_first_output(ctx: NodeContext) -> None:
    calls: list[int] = []
    task = node_task("slack", {})

    def act() -> Sent:
        calls.append(1)
        return Sent(id=len(calls))

    assert run_once(ctx, task, Sent, act) == run_once(ctx, task, Sent, act) == Sent(id=1)
    assert calls == [1]


def test_live_claim_of_another_attempt_is_retryable_in_progress(ctx: NodeContext) -> None:
    _claim_by_another_attempt(ctx)
    with pytest.raises(IntegrationInProgress) as caught:
        run_once(ctx, node_task("slack", {}), Sent, lambda: Sent(id=1))
    assert caught.value.retryable


def test_claim_of_a_dead_attempt_expires_after_the_lease(ctx: NodeContext) -> None:
    _claim_by_another_attempt(ctx)
    assert isinstance(ctx.clock, FakeClock)
    ctx.clock.advance((LEASE + timedelta(seconds=1)).total_seconds())
    assert run_once(ctx, node_task("slack", {}), Sent, lambda: Sent(id=7)) == Sent(id=7)


def test_failure_releases_the_key(ctx: NodeContext) -> None:
    task = node_task("slack", {})

    def fail() -> Sent:
        raise RuntimeError("provider down")

    with pytest.raises(RuntimeError):
        run_once(ctx, task, Sent, fail)
    assert run_once(ctx, task, Sent, lambda: Sent(id=2)) == Sent(id=2)


def test_keys_are_per_workspace(make_context: MakeContext) -> None:
    shared = make_context()
    other = NodeContext(workspace_id="ws-2", stores=shared.stores, clock=shared.clock)
    task = node_task("slack", {})
    run_once(shared, task, Sent, lambda: Sent(id=1))
    assert run_once(other, task, Sent, lambda: Sent(id=2)) == Sent(id=2)
