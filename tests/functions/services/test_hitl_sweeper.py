"""The sweeper Lambda closes the requests past their expiry and escalates those past their escalation time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from deca import wiring
from deca.hitl import HumanTask, request_id_for
from deca.stores import Stores
from functions.services import hitl_sweeper
from tests.functions.services.conftest import WORKSPACE, LambdaContextStub


@pytest.fixture
def fresh_service(stores: Stores) -> Iterator[None]:
    """The handler's cached service is built again over this test's data directory."""
    wiring.human_tasks.cache_clear()
    yield
    wiring.human_tasks.cache_clear()


def _request(
    token: str, *, created: datetime, expires: datetime, escalate_at: datetime | None = None
) -> HumanTask:
    return HumanTask(
        workspace_id=WORKSPACE,
        request_id=request_id_for(token),
        kind="approval",
        task_token=token,
        execution_id="e-1",
        flow_id="refund",
        node_id="approve",
        title="Refund?",
        assignees=["ann@example.com"],
        escalate_to=["boss@example.com"] if escalate_at else [],
        escalate_at=escalate_at,
        created_at=created,
        expires_at=expires,
    )


def test_a_scheduled_call_expires_and_escalates_due_requests(
    fresh_service: None, lambda_context: LambdaContextStub
) -> None:
    now = datetime.now(UTC)
    store = wiring.human_tasks().store
    overdue = store.create(
        WORKSPACE, _request("t-old", created=now - timedelta(days=2), expires=now - timedelta(days=1))
    )
    waiting = store.create(
        WORKSPACE,
        _request(
            "t-esc",
            created=now - timedelta(hours=2),
            expires=now + timedelta(days=1),
            escalate_at=now - timedelta(hours=1),
        ),
    )
    fresh = store.create(WORKSPACE, _request("t-new", created=now, expires=now + timedelta(days=1)))

    result = hitl_sweeper.lambda_handler(
        {"source": "aws.events", "detail-type": "Scheduled Event"}, lambda_context
    )

    assert result == {"escalated": [waiting.request_id], "expired": [overdue.request_id]}
    assert store.get(WORKSPACE, fresh.request_id).status == "pending"
    assert store.get(WORKSPACE, waiting.request_id).assignees == ["ann@example.com", "boss@example.com"]
