"""An approval or form node inside a compiled flow pauses the runtime until a person answers."""

from __future__ import annotations

from typing import Any

import pytest

from deca.hitl import NotAssignee, RequestClosed
from tests.layers.hitl.conftest import WS, Harness, approval_flow


def test_approval_pauses_the_flow_and_opens_a_request(harness: Harness) -> None:
    result = harness.start(approval_flow(), {"amount": 300})

    assert result.status == "RUNNING"
    [request] = harness.pending()
    assert (request.title, request.assignees, request.node_id) == (
        "Refund 300",
        ["ann@example.com"],
        "approve",
    )
    assert harness.runtime.tokens(result.execution_arn) == [request.task_token]


def test_approving_resumes_the_flow_to_completion(harness: Harness) -> None:
    result = harness.start(approval_flow(), {"amount": 300})
    [request] = harness.pending()

    harness.service.approve(WS, request.request_id, "ann@example.com", "fine")

    final = harness.runtime.describe(result.execution_arn)
    assert final.status == "SUCCEEDED"
    assert final.output["approve"]["approved"] is True
    assert final.output["approve"]["comment"] == "fine"
    assert final.output["done"] == {"paid": True}


def test_approving_by_task_token_works_too(harness: Harness) -> None:
    result = harness.start(approval_flow(), {"amount": 300})
    [request] = harness.pending()

    harness.service.approve(WS, request.task_token, "ann@example.com")

    assert harness.runtime.describe(result.execution_arn).status == "SUCCEEDED"


def test_rejecting_takes_the_declared_path(harness: Harness) -> None:
    result = harness.start(approval_flow(), {"amount": 300})
    [request] = harness.pending()

    harness.service.reject(WS, request.request_id, "ann@example.com", "too much")

    final = harness.runtime.describe(result.execution_arn)
    assert final.output["approve"]["decision"] == "rejected"
    assert final.output["declined"] == {"paid": False}
    assert "done" not in final.output


def test_rejecting_with_on_reject_fail_takes_the_error_path(harness: Harness) -> None:
    flow = approval_flow(on_reject="fail", on_error={"action": "continue", "errors": ["ApprovalRejected"]})
    result = harness.start(flow, {"amount": 300})
    [request] = harness.pending()

    harness.service.reject(WS, request.request_id, "ann@example.com", "no")

    final = harness.runtime.describe(result.execution_arn)
    assert final.status == "SUCCEEDED"
    assert final.output["approve"]["error"] == "ApprovalRejected"
    assert final.output["declined"] == {"paid": False}


def test_rejecting_with_on_reject_fail_and_no_handler_fails_the_execution(harness: Harness) -> None:
    result = harness.start(approval_flow(on_reject="fail"), {"amount": 300})
    [request] = harness.pending()

    harness.service.reject(WS, request.request_id, "ann@example.com")

    final = harness.runtime.describe(result.execution_arn)
    assert (final.status, final.error) == ("FAILED", "ApprovalRejected")


def test_timeout_takes_the_timeout_path(harness: Harness) -> None:
    flow = approval_flow(timeout_seconds=600, on_error={"action": "continue", "errors": ["States.Timeout"]})

    final = harness.start(flow, {"amount": 300}, wait=True)  # the fake clock jumps past the timeout

    assert final.status == "SUCCEEDED"
    assert final.output["approve"]["error"] == "States.Timeout"
    assert final.output["declined"] == {"paid": False}


def test_answer_after_the_timeout_is_refused_and_closes_the_request(harness: Harness) -> None:
    flow = approval_flow(timeout_seconds=600, on_error={"action": "continue", "errors": ["States.Timeout"]})
    harness.start(flow, {"amount": 300}, wait=True)
    [request] = harness.pending()

    with pytest.raises(RequestClosed):
        harness.service.approve(WS, request.request_id, "ann@example.com")

    assert harness.service.get(WS, request.request_id).status == "expired"


def test_two_required_approvals_resume_only_after_the_second(harness: Harness) -> None:
    flow = approval_flow(approvers=["ann@example.com", "bob@example.com"], required_approvals=2)
    result = harness.start(flow, {"amount": 300})
    [request] = harness.pending()

    harness.service.approve(WS, request.request_id, "ann@example.com")
    assert harness.runtime.describe(result.execution_arn).status == "RUNNING"
    harness.service.approve(WS, request.request_id, "bob@example.com")

    final = harness.runtime.describe(result.execution_arn)
    assert final.output["approve"]["approvers"] == ["ann@example.com", "bob@example.com"]


def test_someone_not_assigned_cannot_approve(harness: Harness) -> None:
    harness.start(approval_flow(), {"amount": 300})
    [request] = harness.pending()

    with pytest.raises(NotAssignee):
        harness.service.approve(WS, request.request_id, "eve@example.com")


def test_an_assigned_role_may_approve(harness: Harness) -> None:
    result = harness.start(approval_flow(approvers=["role:finance"]), {"amount": 300})
    [request] = harness.pending()

    harness.service.approve(WS, request.request_id, "carl@example.com", roles=["finance"])

    assert harness.runtime.describe(result.execution_arn).status == "SUCCEEDED"


def test_a_decided_request_takes_no_second_answer(harness: Harness) -> None:
    harness.start(approval_flow(), {"amount": 300})
    [request] = harness.pending()
    harness.service.approve(WS, request.request_id, "ann@example.com")

    with pytest.raises(RequestClosed):
        harness.service.reject(WS, request.request_id, "ann@example.com")


def _loop_flow() -> dict[str, Any]:
    return {
        "id": "batch",
        "name": "Batch",
        "version": 1,
        "nodes": [
            {
                "id": "each",
                "type": "loop",
                "config": {"items": "{{ input.items }}"},
            },
            {
                "id": "ok",
                "type": "approval",
                "config": {"title": "Item {{ item }}", "approvers": ["ann@example.com"]},
            },
        ],
        "connections": [{"from": "each", "to": "ok", "label": "body"}, {"from": "ok", "to": "each"}],
        "settings": {"timeout": 86_400},
    }


def test_approvals_inside_a_loop_pause_each_iteration(harness: Harness) -> None:
    result = harness.start(_loop_flow(), {"items": ["a", "b"]})

    requests = harness.pending()
    assert sorted(r.title for r in requests) == ["Item a", "Item b"]
    for request in requests:
        harness.service.approve(WS, request.request_id, "ann@example.com")

    assert harness.runtime.describe(result.execution_arn).status == "SUCCEEDED"


def _parallel_flow() -> dict[str, Any]:
    return {
        "id": "fan",
        "name": "Fan",
        "version": 1,
        "nodes": [
            {"id": "start", "type": "set", "config": {"values": {"go": True}}},
            {
                "id": "legal",
                "type": "approval",
                "config": {"title": "Legal", "approvers": ["lea@example.com"]},
            },
            {
                "id": "details",
                "type": "form",
                "config": {
                    "title": "Details",
                    "fields": [{"name": "budget", "label": "Budget", "type": "number", "required": True}],
                },
            },
            {"id": "join", "type": "merge", "config": {}},
        ],
        "connections": [
            {"from": "start", "to": "legal"},
            {"from": "start", "to": "details"},
            {"from": "legal", "to": "join"},
            {"from": "details", "to": "join"},
        ],
        "settings": {"timeout": 86_400},
    }


def test_approval_and_form_in_parallel_branches_both_pause_until_answered(harness: Harness) -> None:
    result = harness.start(_parallel_flow())
    by_node = {r.node_id: r for r in harness.pending()}
    assert set(by_node) == {"legal", "details"}

    harness.service.submit(WS, by_node["details"].request_id, "sam@example.com", {"budget": 5000})
    assert harness.runtime.describe(result.execution_arn).status == "RUNNING"
    harness.service.approve(WS, by_node["legal"].request_id, "lea@example.com")

    final = harness.runtime.describe(result.execution_arn)
    assert final.status == "SUCCEEDED"
    assert final.output["details"]["data"] == {"budget": 5000}
    assert final.output["legal"]["approved"] is True
