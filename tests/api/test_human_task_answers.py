"""Answers to paused steps go through the human task service: assignees, approvals needed, form schema,
the declared reject path, and single-use signed links (public routes)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes.human_task_deps import get_human_tasks
from deca.hitl import HumanTaskService, request_for_pending
from tests.api.execution_fixtures import publish_flow, run_sync
from tests.fakes.clock import FakeClock

TWO_APPROVALS: dict[str, Any] = {
    "id": "payout",
    "name": "Payout",
    "nodes": [
        {
            "id": "ask",
            "type": "approval",
            "config": {
                "title": "Pay out?",
                "approvers": ["owner-user", "role:admin"],
                "required_approvals": 2,
            },
        },
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
}

FINANCE_ONLY: dict[str, Any] = {
    "id": "refund-finance",
    "name": "Refund",
    "nodes": [
        {"id": "ask", "type": "approval", "config": {"title": "Refund?", "approvers": ["finance-lead"]}},
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
}

REJECT_ROUTES: dict[str, Any] = {
    "id": "guarded",
    "name": "Guarded",
    "nodes": [
        {
            "id": "ask",
            "type": "approval",
            "config": {"title": "Deploy?", "approvers": ["role:owner"], "on_reject": "fail"},
            "on_error": {"action": "route", "route_to": "rolled-back", "errors": ["ApprovalRejected"]},
        },
        {"id": "deployed", "type": "set", "config": {"values": {"path": "deployed"}}},
        {"id": "rolled-back", "type": "set", "config": {"values": {"path": "rolled back"}}},
    ],
    "connections": [{"from": "ask", "to": "deployed"}],
}

SURVEY: dict[str, Any] = {
    "id": "nps",
    "name": "NPS",
    "nodes": [
        {
            "id": "fill",
            "type": "form",
            "config": {
                "title": "How likely are you to recommend us?",
                "fields": [{"name": "score", "type": "number", "label": "Score", "required": True}],
            },
        },
        {"id": "thanks", "type": "set", "config": {"values": {"score": "{{ fill.data.score }}"}}},
    ],
    "connections": [{"from": "fill", "to": "thanks"}],
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
        time.sleep(0.02)


def _paused(client: TestClient, headers: dict[str, str], document: dict[str, Any]) -> str:
    publish_flow(client, headers, document)
    detail = run_sync(client, headers, document["id"])
    assert detail["execution"]["status"] == "waiting", detail
    return str(detail["execution"]["execution_id"])


def _answer(
    client: TestClient, headers: dict[str, str], execution_id: str, node: str, action: str, body: Any = None
) -> Any:
    return client.post(f"/executions/{execution_id}/tasks/{node}/{action}", json=body or {}, headers=headers)


def test_approving_as_an_assignee_resumes_the_flow_to_completion(
    client: TestClient, owner: dict[str, str], caller: Any
) -> None:
    # Given a payout that needs the owner's and an admin's approval
    execution_id = _paused(client, owner, TWO_APPROVALS)
    admin = caller.headers("admin", user="admin-user")

    # When the owner approves, it still waits; when an admin approves too, it finishes
    first = _answer(client, owner, execution_id, "ask", "approve", {"comment": "fine"})
    still = client.get(f"/executions/{execution_id}", headers=owner).json()
    second = _answer(client, admin, execution_id, "ask", "approve")
    finished = _until(client, owner, execution_id, {"succeeded", "failed"})

    assert (first.status_code, second.status_code) == (200, 200)
    assert still["execution"]["status"] == "waiting"
    assert finished["execution"]["status"] == "succeeded"
    assert finished["execution"]["output"]["done"] == {"approved": True}
    ask = next(node for node in finished["nodes"] if node["node_id"] == "ask")
    assert ask["output"]["approvers"] == ["owner-user", "admin-user"]


def test_a_non_assignee_gets_403_and_the_flow_stays_paused(client: TestClient, owner: dict[str, str]) -> None:
    execution_id = _paused(client, owner, FINANCE_ONLY)

    response = _answer(client, owner, execution_id, "ask", "approve")
    detail = client.get(f"/executions/{execution_id}", headers=owner).json()

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_assignee"
    assert detail["execution"]["status"] == "waiting"
    assert [task["node_id"] for task in detail["pending_tasks"]] == ["ask"]


def test_a_form_answer_against_the_schema_is_422_naming_the_field(
    client: TestClient, owner: dict[str, str]
) -> None:
    execution_id = _paused(client, owner, SURVEY)

    wrong_type = _answer(client, owner, execution_id, "fill", "submit", {"data": {"score": "ten"}})
    missing = _answer(client, owner, execution_id, "fill", "submit", {"data": {}})
    detail = client.get(f"/executions/{execution_id}", headers=owner).json()

    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"]["code"] == "form_invalid"
    assert wrong_type.json()["error"]["details"][0]["path"] == "body.data.score"
    assert missing.json()["error"]["details"][0]["path"] == "body.data.score"
    assert detail["execution"]["status"] == "waiting"

    # and a valid answer afterwards still goes through
    assert _answer(client, owner, execution_id, "fill", "submit", {"data": {"score": 9}}).status_code == 200
    finished = _until(client, owner, execution_id, {"succeeded", "failed"})
    assert finished["execution"]["output"]["thanks"] == {"score": 9}


def test_reject_takes_the_declared_error_route(client: TestClient, owner: dict[str, str]) -> None:
    execution_id = _paused(client, owner, REJECT_ROUTES)

    response = _answer(client, owner, execution_id, "ask", "reject", {"comment": "not today"})
    finished = _until(client, owner, execution_id, {"succeeded", "failed"})

    assert response.status_code == 200
    assert finished["execution"]["status"] == "succeeded", finished["execution"]
    assert finished["execution"]["output"]["rolled-back"] == {"path": "rolled back"}
    assert "deployed" not in finished["execution"]["output"]


def test_an_answer_is_audited_with_its_request(client: TestClient, owner: dict[str, str]) -> None:
    execution_id = _paused(client, owner, SURVEY)

    _answer(client, owner, execution_id, "fill", "submit", {"data": {"score": 7}})
    records = client.get("/audit", headers=owner).json()["items"]

    submitted = next(r for r in records if r["action"] == "execution.submit")
    assert submitted["resource_id"] == execution_id
    assert submitted["details"]["request_id"].startswith("hr_")


# ---- signed links -------------------------------------------------------------------------------


def _service(
    app: FastAPI, client: TestClient, headers: dict[str, str], execution_id: str
) -> HumanTaskService:
    client.get(f"/executions/{execution_id}", headers=headers)  # the app builds its engine

    class _Request:  # what the dependency reads
        def __init__(self, application: FastAPI) -> None:
            self.app = application

    request: Any = _Request(app)
    return get_human_tasks(request, app.state.services, app.state.engine)


def _links(app: FastAPI, client: TestClient, headers: dict[str, str], execution_id: str) -> dict[str, str]:
    service = _service(app, client, headers, execution_id)
    [task] = client.get(f"/executions/{execution_id}/tasks", headers=headers).json()
    request = request_for_pending(
        service,
        "ws-a",
        execution_id=execution_id,
        node_id=task["node_id"],
        node_type=task["node_type"],
        task_token=task["task_token"],
        config=task["config"],
    )
    return service.links(request, recipient="cfo@example.com")


def test_a_link_shows_its_request_and_approves_once(
    app: FastAPI, client: TestClient, owner: dict[str, str]
) -> None:
    execution_id = _paused(client, owner, FINANCE_ONLY)
    links = _links(app, client, owner, execution_id)

    shown = client.get(f"/links/{links['approve']}")
    used = client.post(f"/links/{links['approve']}", json={"comment": "ok by me"})
    finished = _until(client, owner, execution_id, {"succeeded", "failed"})
    again = client.post(f"/links/{links['approve']}", json={})
    reject_after = client.post(f"/links/{links['reject']}", json={})

    assert shown.status_code == 200
    assert (shown.json()["action"], shown.json()["title"]) == ("approve", "Refund?")
    assert used.status_code == 200 and used.json()["status"] == "approved"
    assert finished["execution"]["output"]["done"] == {"approved": True}
    ask = next(node for node in finished["nodes"] if node["node_id"] == "ask")
    assert ask["output"]["approvers"] == ["cfo@example.com"]
    assert again.status_code == 400 and again.json()["error"]["code"] == "link_used"
    assert reject_after.status_code == 409  # the request is decided: the other link does nothing


def test_forged_and_expired_links_are_refused_and_resume_nothing(
    app: FastAPI, client: TestClient, owner: dict[str, str], clock: FakeClock
) -> None:
    execution_id = _paused(client, owner, FINANCE_ONLY)
    links = _links(app, client, owner, execution_id)
    payload, _, signature = links["approve"].partition(".")
    forged = f"{payload}.{'A' * len(signature)}"

    forged_answer = client.post(f"/links/{forged}", json={})
    clock.advance(2 * 86_400)  # past the approval's 24-hour timeout (and the owner's token)
    expired_show = client.get(f"/links/{links['approve']}")
    expired_answer = client.post(f"/links/{links['approve']}", json={})
    pending = app.state.engine.pending_tasks("ws-a", execution_id)

    assert forged_answer.status_code == 400
    assert forged_answer.json()["error"]["code"] == "link_invalid"
    assert expired_show.status_code == 400 and expired_show.json()["error"]["code"] == "link_expired"
    assert expired_answer.status_code == 400
    assert [task.node_id for task in pending] == ["ask"]  # nothing resumed
