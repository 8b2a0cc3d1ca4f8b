"""Start requests of webhook calls: named from the idempotency key, and equal to a validated request."""

from __future__ import annotations

from deca.triggers.starter import StartRequest, from_webhook
from deca.triggers.webhook_receiver import WebhookStart


def _start(key: str | None, mode: str = "async") -> WebhookStart:
    return WebhookStart.model_validate(
        {
            "workspace_id": "ws",
            "flow_id": "orders",
            "trigger_index": 1,
            "input": {"method": "POST", "body": {"items": [1, {"sku": "a"}], "note": None}, "headers": {}},
            "idempotency_key": key,
            "response_mode": mode,
            "timeout_seconds": 12,
        }
    )


def test_a_webhook_start_request_is_the_validated_request_of_its_call() -> None:
    request = from_webhook(_start("msg-1", "sync"))

    assert request == StartRequest.model_validate(request.model_dump())
    assert (request.trigger, request.wait_seconds) == ("webhook", 12)
    assert request.input["body"] == {"items": [1, {"sku": "a"}], "note": None}


def test_the_same_key_names_the_same_execution_and_no_key_a_new_one() -> None:
    assert from_webhook(_start("msg-1")).name == from_webhook(_start("msg-1")).name
    assert from_webhook(_start("msg-1")).name != from_webhook(_start("msg-2")).name
    assert from_webhook(_start(None)).name != from_webhook(_start(None)).name
    assert from_webhook(_start("msg-1")).wait_seconds == 0
