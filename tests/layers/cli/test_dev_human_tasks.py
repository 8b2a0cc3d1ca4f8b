"""In `deca dev` an approval step opens its request (notifying its assignees), answers resume the studio's
engine, and the sweep runs with the app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deca.auth import mint_local_token
from deca.cli.dev_command import build_studio
from deca.hitl import HumanTaskService
from deca.settings import Settings

FLOW: dict[str, Any] = {
    "id": "refund",
    "name": "Refund",
    "nodes": [
        {
            "id": "ask",
            "type": "approval",
            "config": {"title": "Refund?", "approvers": ["role:owner", "cfo@acme.com"]},
        },
        {"id": "done", "type": "set", "config": {"values": {"approved": "{{ ask.approved }}"}}},
    ],
    "connections": [{"from": "ask", "to": "done"}],
}


def test_an_approval_opens_its_request_and_the_owner_answers_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    app, stores, engine = build_studio(settings, examples=None, ui_dist=None)
    service: HumanTaskService = app.state.human_tasks
    headers = {"Authorization": f"Bearer {mint_local_token(settings)}"}
    try:
        with caplog.at_level(logging.WARNING, logger="deca.hitl.notifiers"), TestClient(app) as client:
            assert client.post("/flows", json=FLOW, headers=headers).status_code == 201
            assert client.post("/flows/refund/publish", headers=headers).status_code == 200
            paused = client.post(
                "/flows/refund/executions", json={"mode": "sync", "timeout_seconds": 30}, headers=headers
            ).json()
            execution_id = paused["execution"]["execution_id"]
            opened = service.store.list(settings.local_workspace_id).items
            approved = client.post(f"/executions/{execution_id}/tasks/ask/approve", json={}, headers=headers)
            finished = engine.wait(settings.local_workspace_id, execution_id, 30)
    finally:
        engine.close()
        stores.close()

    assert paused["execution"]["status"] == "waiting"
    [request] = opened  # the node opened it (before anyone answered) and notified its assignees
    assert request.assignees == ["role:owner", "cfo@acme.com"]
    assert request.execution_id == execution_id  # the API's id, so requests list by execution
    assert request.request_id in caplog.text and "approve=http://localhost:8080/links/" in caplog.text
    assert approved.status_code == 200
    assert finished.status == "succeeded"
    assert finished.output == {"ask": finished.output["ask"], "done": {"approved": True}}
