"""Execution routes: start (async, sync), read each node's result, history, cancel, redrive, re-run, answers."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import sample_flow
from tests.api.execution_fixtures import APPROVAL_FLOW, FAILING_FLOW, FORM_FLOW, publish_flow, run_sync

HELLO_FLOW: dict[str, Any] = {
    "id": "hello",
    "name": "Hello",
    "nodes": [
        {"id": "greet", "type": "set", "config": {"values": {"greeting": "hello"}}},
        {
            "id": "say",
            "type": "transform",
            "config": {"output": {"msg": "{{ greet.greeting }} {{ input.name }}"}},
        },
    ],
    "connections": [{"from": "greet", "to": "say"}],
}


def _until(
    client: TestClient, headers: dict[str, str], execution_id: str, statuses: set[str]
) -> dict[str, Any]:
    """The execution once its status is one of `statuses` (polled with a deadline: it runs in the pool)."""
    deadline = time.monotonic() + 20
    while True:
        body: dict[str, Any] = client.get(f"/executions/{execution_id}", headers=headers).json()
        if body["execution"]["status"] in statuses or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_sync_start_answers_the_result_and_each_node_output(
    client: TestClient, owner: dict[str, str]
) -> None:
    publish_flow(client, owner, HELLO_FLOW)

    detail = run_sync(client, owner, "hello", {"name": "Ada"})

    assert detail["execution"]["status"] == "succeeded"
    assert detail["execution"]["output"] == {"greet": {"greeting": "hello"}, "say": {"msg": "hello Ada"}}
    outputs = {node["node_id"]: node["output"] for node in detail["nodes"]}
    assert outputs == {"greet": {"greeting": "hello"}, "say": {"msg": "hello Ada"}}


def test_async_start_is_accepted_and_finishes(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, HELLO_FLOW)

    response = client.post("/flows/hello/executions", json={"input": {"name": "Bo"}}, headers=owner)
    finished = _until(client, owner, response.json()["execution"]["execution_id"], {"succeeded", "failed"})

    assert response.status_code == 202
    assert finished["execution"]["status"] == "succeeded"


def test_start_of_an_unpublished_flow_is_a_conflict(client: TestClient, owner: dict[str, str]) -> None:
    client.post("/flows", json=HELLO_FLOW, headers=owner)

    response = client.post("/flows/hello/executions", json={}, headers=owner)

    assert response.status_code == 409


def test_start_with_the_same_name_is_the_same_execution(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, HELLO_FLOW)
    body = {"input": {}, "name": "order-42", "mode": "sync"}

    first = client.post("/flows/hello/executions", json=body, headers=owner).json()
    second = client.post("/flows/hello/executions", json=body, headers=owner).json()

    assert first["execution"]["execution_id"] == second["execution"]["execution_id"]


def test_publish_of_a_flow_that_does_not_compile_is_422(client: TestClient, owner: dict[str, str]) -> None:
    broken = sample_flow(
        id="broken",
        nodes=[{"id": "a", "type": "transform", "config": {"output": "{{ nowhere.field }}"}}],
        connections=[],
    )
    assert client.post("/flows", json=broken, headers=owner).status_code == 201  # saving does not compile

    response = client.post("/flows/broken/publish", headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "compile_errors"


def test_unpublish_withdraws_the_version(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, HELLO_FLOW)

    record = client.post("/flows/hello/unpublish", headers=owner).json()
    start = client.post("/flows/hello/executions", json={}, headers=owner)

    assert record["published_version"] is None
    assert start.status_code == 409


def test_failed_execution_names_the_error_and_the_failed_node(
    client: TestClient, owner: dict[str, str]
) -> None:
    publish_flow(client, owner, FAILING_FLOW)

    detail = run_sync(client, owner, "failing")

    assert detail["execution"]["status"] == "failed"
    assert detail["execution"]["error_details"]["error"] == "Boom"
    statuses = {node["node_id"]: node["status"] for node in detail["nodes"]}
    assert statuses == {"first": "succeeded", "boom": "failed"}


def test_redrive_of_a_succeeded_execution_is_a_conflict(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, HELLO_FLOW)
    execution_id = run_sync(client, owner, "hello")["execution"]["execution_id"]

    response = client.post(f"/executions/{execution_id}/redrive", headers=owner)

    assert response.status_code == 409


def test_rerun_starts_a_new_execution_with_the_same_input(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, HELLO_FLOW)
    first = run_sync(client, owner, "hello", {"name": "Ada"})["execution"]

    response = client.post(f"/executions/{first['execution_id']}/rerun", headers=owner)
    second = _until(client, owner, response.json()["execution"]["execution_id"], {"succeeded", "failed"})

    assert response.status_code == 202
    assert second["execution"]["execution_id"] != first["execution_id"]
    assert second["execution"]["output"] == first["output"]


def test_history_is_the_step_functions_event_list(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, HELLO_FLOW)
    execution_id = run_sync(client, owner, "hello")["execution"]["execution_id"]

    items = client.get(f"/executions/{execution_id}/history", headers=owner).json()["items"]

    assert items[0]["type"] == "ExecutionStarted"
    assert items[-1]["type"] == "ExecutionSucceeded"


def test_list_filters_by_flow_and_status(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, HELLO_FLOW)
    publish_flow(client, owner, FAILING_FLOW)
    run_sync(client, owner, "hello")
    run_sync(client, owner, "failing")

    failed = client.get("/executions", params={"status": "failed"}, headers=owner).json()["items"]
    hello = client.get("/executions", params={"flow_id": "hello"}, headers=owner).json()["items"]

    assert [e["flow_id"] for e in failed] == ["failing"]
    assert [e["flow_id"] for e in hello] == ["hello"]


def test_approve_continues_the_paused_execution(client: TestClient, owner: dict[str, str]) -> None:
    # Given an execution paused on an approval
    publish_flow(client, owner, APPROVAL_FLOW)
    paused = run_sync(client, owner, "refund")
    execution_id = paused["execution"]["execution_id"]

    # When the owner approves it
    response = client.post(
        f"/executions/{execution_id}/tasks/ask/approve", json={"comment": "ok"}, headers=owner
    )
    finished = _until(client, owner, execution_id, {"succeeded", "failed"})

    # Then it continues with the decision
    assert paused["execution"]["status"] == "waiting"
    assert [task["node_id"] for task in paused["pending_tasks"]] == ["ask"]
    assert response.status_code == 200
    assert finished["execution"]["output"]["done"] == {"approved": True}
    ask = next(node for node in finished["nodes"] if node["node_id"] == "ask")
    assert ask["output"]["approvers"] == ["owner-user"]


def test_reject_continues_with_approved_false(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, APPROVAL_FLOW)
    execution_id = run_sync(client, owner, "refund")["execution"]["execution_id"]

    client.post(f"/executions/{execution_id}/tasks/ask/reject", json={}, headers=owner)
    finished = _until(client, owner, execution_id, {"succeeded", "failed"})

    assert finished["execution"]["output"]["done"] == {"approved": False}


def test_submitted_form_answers_reach_the_next_node(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, FORM_FLOW)
    execution_id = run_sync(client, owner, "survey")["execution"]["execution_id"]

    client.post(f"/executions/{execution_id}/tasks/fill/submit", json={"data": {"score": 9}}, headers=owner)
    finished = _until(client, owner, execution_id, {"succeeded", "failed"})

    assert finished["execution"]["output"]["thanks"] == {"score": 9}


def test_answering_a_node_that_is_not_waiting_is_404(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, APPROVAL_FLOW)
    execution_id = run_sync(client, owner, "refund")["execution"]["execution_id"]

    response = client.post(f"/executions/{execution_id}/tasks/done/approve", json={}, headers=owner)

    assert response.status_code == 404


def test_cancel_stops_a_paused_execution(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, APPROVAL_FLOW)
    execution_id = run_sync(client, owner, "refund")["execution"]["execution_id"]

    record = client.post(f"/executions/{execution_id}/cancel", headers=owner).json()

    assert record["status"] == "cancelled"


def test_another_workspace_cannot_see_the_execution(
    client: TestClient, owner: dict[str, str], caller: Any
) -> None:
    publish_flow(client, owner, HELLO_FLOW)
    execution_id = run_sync(client, owner, "hello")["execution"]["execution_id"]

    response = client.get(f"/executions/{execution_id}", headers=caller.headers("owner", workspace="ws-b"))

    assert response.status_code == 404


def test_webhooks_and_schedules_come_from_published_flows(client: TestClient, owner: dict[str, str]) -> None:
    triggered = {
        **HELLO_FLOW,
        "triggers": [
            {"type": "webhook", "path": "/hooks/hello", "method": "POST"},
            {"type": "schedule", "cron": "0 9 * * MON-FRI", "timezone": "UTC"},
        ],
    }
    publish_flow(client, owner, triggered)

    webhooks = client.get("/webhooks", headers=owner).json()["items"]
    schedules = client.get("/schedules", headers=owner).json()["items"]

    assert [(w["flow_id"], w["path"], w["methods"]) for w in webhooks] == [("hello", "hooks/hello", ["POST"])]
    assert webhooks[0]["url"].endswith("/webhooks/ws-a/hooks/hello")
    assert schedules[0]["summary"]["description"].startswith("At 09:00 AM")
    assert len(schedules[0]["summary"]["next_runs"]) == 5


def test_answer_names_the_paused_instance_by_its_token(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, APPROVAL_FLOW)
    paused = run_sync(client, owner, "refund")
    execution_id = paused["execution"]["execution_id"]

    wrong = client.post(
        f"/executions/{execution_id}/tasks/ask/approve", json={"task_token": "not-this-one"}, headers=owner
    )
    right = client.post(
        f"/executions/{execution_id}/tasks/ask/approve",
        json={"task_token": paused["pending_tasks"][0]["task_token"]},
        headers=owner,
    )

    assert wrong.status_code == 404
    assert right.status_code == 200
