"""The studio in a real headless Chromium against `deca dev`: a flow built by drag and drop runs green, and a
failed execution shows its error on the node it failed at. Each test also fails on any console or page error
of the studio (see ui/browser/browser.mjs)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.browser.conftest import Chromium
from tests.e2e.studio_process import Studio, create_and_publish

REFUND_FLOW: dict[str, Any] = {
    "id": "refund",
    "name": "Refund",
    "nodes": [
        {"id": "load", "type": "set", "config": {"values": {"order": "{{ input.order }}"}}},
        {"id": "check", "type": "condition", "config": {"condition": "{{ input.amount > 100 }}"}},
        {"id": "approve", "type": "set", "config": {"values": {"approved": True}}},
        {
            "id": "reject",
            "type": "stop_and_error",
            "config": {"error": "RefundRejected", "message": "Order {{ vars.order }} cannot be refunded"},
        },
    ],
    "connections": [
        {"from": "load", "to": "check"},
        {"from": "check", "to": "approve", "label": "true"},
        {"from": "check", "to": "reject", "label": "false"},
    ],
}


def _get(studio: Studio, path: str) -> dict[str, Any]:
    response = httpx.get(f"{studio.url}{path}", headers=studio.headers, timeout=10)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_flow_built_by_drag_and_drop_runs_green(studio: Studio, chromium: Chromium) -> None:
    # Given the studio opened through the URL `deca dev` printed
    # When a four-node flow with a condition is dragged onto the canvas, connected, configured, saved,
    # published and run with {"amount": 150, "customer": "Ada"}
    result = chromium.run(
        "designer-run.mjs",
        {
            "DECA_OPEN_URL": studio.open_url,
            "DECA_FLOW_ID": "order-check",
            "DECA_SCREENSHOT": str(chromium.screenshots / "designer.png"),
        },
    )

    # Then every node turned green and the side panel showed the transform's output
    assert result["statuses"] == dict.fromkeys(["set", "condition", "transform", "set-2"], "succeeded")
    assert '"message": "Big order from Ada"' in result["panel"]
    # and the API holds the flow as built and the execution's output
    flow = _get(studio, "/flows/order-check")
    definition = flow["definition"]
    assert flow["flow"]["published_version"] == 1
    assert [(n["id"], n["type"]) for n in definition["nodes"]] == [
        ("set", "set"),
        ("condition", "condition"),
        ("transform", "transform"),
        ("set-2", "set"),
    ]
    assert [(c["from"], c["to"], c.get("label")) for c in definition["connections"]] == [
        ("set", "condition", None),
        ("condition", "transform", "true"),
        ("transform", "set-2", None),
    ]
    assert definition["nodes"][1]["config"] == {"condition": "{{ vars.total > 100 }}"}
    execution = _get(studio, f"/executions/{result['executionId']}")["execution"]
    assert execution["status"] == "succeeded"
    assert execution["input"] == {"amount": 150, "customer": "Ada"}
    assert execution["output"]["transform"] == {"message": "Big order from Ada", "total": 150}
    assert (chromium.screenshots / "designer.png").stat().st_size > 10_000


def test_a_failed_execution_shows_the_error_on_its_node(studio: Studio, chromium: Chromium) -> None:
    # Given a refund flow that fails at `reject` for small amounts, and one such execution
    create_and_publish(studio, REFUND_FLOW)
    started = httpx.post(
        f"{studio.url}/flows/refund/executions",
        json={"input": {"order": "A-17", "amount": 5}, "mode": "sync", "timeout_seconds": 20},
        headers=studio.headers,
        timeout=30,
    )
    assert started.status_code == 200, started.text
    execution = started.json()["execution"]
    assert execution["status"] == "failed"

    # When it is opened from the executions list
    result = chromium.run(
        "failed-execution.mjs",
        {
            "DECA_OPEN_URL": studio.open_url,
            "DECA_EXECUTION_ID": execution["execution_id"],
            "DECA_FAILED_NODE": "reject",
            "DECA_SCREENSHOT": str(chromium.screenshots / "execution.png"),
        },
    )

    # Then the page shows `reject` failed, selected, with its error
    assert result["url"].endswith(f"#/executions/{execution['execution_id']}")
    assert result["nodes"] == {"load": "succeeded", "check": "succeeded", "reject": "failed"}
    assert result["selected"] is True
    assert '"error": "RefundRejected"' in result["error"]
    assert '"cause": "Order A-17 cannot be refunded"' in result["error"]
    assert (chromium.screenshots / "execution.png").stat().st_size > 10_000
