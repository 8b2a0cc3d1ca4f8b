"""Flows and executions in known states for the execution route tests (and the permission matrix)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

APPROVAL_FLOW: dict[str, Any] = {
    "id": "refund",
    "name": "Refund",
    "nodes": [
        {
            "id": "ask",
            "type": "approval",
            # every role that may write executions (the permission matrix answers with each)
            "config": {
                "title": "Refund?",
                "approvers": ["role:owner", "role:admin", "role:developer", "role:executor"],
            },
        },
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
}

FORM_FLOW: dict[str, Any] = {
    "id": "survey",
    "name": "Survey",
    "nodes": [
        {
            "id": "fill",
            "type": "form",
            "config": {"title": "Tell us", "fields": [{"name": "score", "type": "number", "label": "Score"}]},
        },
        {"id": "thanks", "type": "set", "config": {"values": {"score": "{{ fill.data.score }}"}}},
    ],
    "connections": [{"from": "fill", "to": "thanks"}],
}

FAILING_FLOW: dict[str, Any] = {
    "id": "failing",
    "name": "Failing",
    "nodes": [
        {"id": "first", "type": "set", "config": {"values": {"step": 1}}},
        {"id": "boom", "type": "stop_and_error", "config": {"error": "Boom", "message": "it broke"}},
    ],
    "connections": [{"from": "first", "to": "boom"}],
}


def publish_flow(client: TestClient, headers: dict[str, str], document: dict[str, Any]) -> None:
    """Create (if needed) and publish a flow."""
    created = client.post("/flows", json=document, headers=headers)
    assert created.status_code in (201, 409), created.text
    published = client.post(f"/flows/{document['id']}/publish", headers=headers)
    assert published.status_code == 200, published.text


def run_sync(
    client: TestClient, headers: dict[str, str], flow_id: str, payload: Any = None
) -> dict[str, Any]:
    """Start a published flow and wait until it ends or pauses; the execution detail."""
    response = client.post(
        f"/flows/{flow_id}/executions",
        json={"input": payload or {}, "mode": "sync", "timeout_seconds": 30},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def execution_world(client: TestClient, headers: dict[str, str], template: str) -> dict[str, str]:
    """`execution_id` and `node_id` fit for `template`: a paused step for the answer routes, else a failed run.

    For the start route, the sample flow `onboarding` (created already) is published.
    """
    if template == "/flows/{flow_id}/executions":
        assert client.post("/flows/onboarding/publish", headers=headers).status_code == 200
        return {}
    if template.endswith(("/approve", "/reject")):
        publish_flow(client, headers, APPROVAL_FLOW)
        detail = run_sync(client, headers, "refund")
        return {"execution_id": detail["execution"]["execution_id"], "node_id": "ask"}
    if template.endswith("/submit"):
        publish_flow(client, headers, FORM_FLOW)
        detail = run_sync(client, headers, "survey")
        return {"execution_id": detail["execution"]["execution_id"], "node_id": "fill"}
    publish_flow(client, headers, FAILING_FLOW)
    detail = run_sync(client, headers, "failing")
    return {"execution_id": detail["execution"]["execution_id"], "node_id": "first"}
