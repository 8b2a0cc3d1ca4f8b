"""The approval and form Lambda handlers, in-process with the local wiring: they open a request and return."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deca import wiring
from functions.nodes import approval as approval_handler
from functions.nodes import form as form_handler

WS = "ws-lambda"
_FACTORIES = [wiring.settings, wiring.mongo_client, wiring.stores, wiring.human_tasks]


class _LambdaContext:
    function_name = "deca-node-approval"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:deca-node-approval"
    aws_request_id = "req-1"


@pytest.fixture
def lambda_context() -> _LambdaContext:
    """What Lambda passes as the context."""
    return _LambdaContext()


@pytest.fixture(autouse=True)
def local_wiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local wiring in a temp data dir."""
    monkeypatch.setenv("DECA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "1")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "deca-tests")
    for factory in _FACTORIES:
        factory.cache_clear()
    yield
    for factory in _FACTORIES:
        factory.cache_clear()


def _event(node_type: str, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "execution": {"id": "arn:aws:states:us-east-1:123456789012:execution:flow:run-1", "name": "run-1"},
        "workspace_id": WS,
        "flow_id": "flow",
        "node_id": "ask",
        "node_type": node_type,
        "config": config,
        "input": {},
        "task_token": "token-" + node_type,
    }


def test_approval_handler_opens_a_pending_request(lambda_context: Any) -> None:
    event = _event("approval", {"title": "Refund", "approvers": ["ann@example.com"]})

    receipt = approval_handler.lambda_handler(event, lambda_context)

    stored = wiring.human_tasks().get(WS, "token-approval")
    assert (receipt["request_id"], receipt["status"]) == (stored.request_id, "pending")
    assert stored.assignees == ["ann@example.com"]


def test_form_handler_opens_a_request_with_the_form_schema(lambda_context: Any) -> None:
    fields = [{"name": "budget", "label": "Budget", "type": "number", "required": True}]

    form_handler.lambda_handler(_event("form", {"title": "Lead", "fields": fields}), lambda_context)

    stored = wiring.human_tasks().get(WS, "token-form")
    assert stored.form_schema is not None and stored.form_schema["required"] == ["budget"]


def test_handler_called_again_for_the_same_token_keeps_one_request(lambda_context: Any) -> None:
    event = _event("approval", {"title": "Refund", "approvers": ["ann@example.com"]})

    first = approval_handler.lambda_handler(event, lambda_context)
    second = approval_handler.lambda_handler(event, lambda_context)

    assert first == second
    assert len(wiring.human_tasks().store.list(WS).items) == 1
