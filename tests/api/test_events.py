"""POST /events: a custom event starts every published flow of the caller's workspace whose pattern matches."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import OTHER_WORKSPACE, Caller
from tests.api.execution_fixtures import publish_flow

DEAL_WON = {"source": ["crm"], "detail-type": ["deal.won"]}


def _flow(flow_id: str, pattern: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": flow_id,
        "name": flow_id,
        "triggers": [{"type": "manual"}, {"type": "event", "pattern": pattern}],
        "nodes": [
            {"id": "echo", "type": "transform", "config": {"output": {"amount": "{{ input.detail.amount }}"}}}
        ],
    }


def _event(**changes: Any) -> dict[str, Any]:
    return {"id": "evt-1", "source": "crm", "detail-type": "deal.won", "detail": {"amount": 42}, **changes}


def _executions(client: TestClient, headers: dict[str, str], flow_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/executions?flow_id={flow_id}", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_an_event_starts_every_matching_published_flow_and_no_other(
    client: TestClient, owner: dict[str, str]
) -> None:
    publish_flow(client, owner, _flow("notify-sales", DEAL_WON))
    publish_flow(client, owner, _flow("book-revenue", {"detail": {"amount": [{"numeric": [">", 10]}]}}))
    publish_flow(client, owner, _flow("on-lost", {"detail-type": ["deal.lost"]}))

    response = client.post("/events", json=_event(), headers=owner)

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["event_id"] == "evt-1"
    started = {execution["flow_id"]: execution for execution in body["executions"]}
    assert sorted(started) == ["book-revenue", "notify-sales"]
    assert started["notify-sales"]["trigger_index"] == 1
    for flow_id in ("notify-sales", "book-revenue"):
        [record] = _executions(client, owner, flow_id)
        assert record["execution_id"] == started[flow_id]["execution_id"]
        assert record["trigger"]["type"] == "event"
        assert record["input"]["detail"] == {"amount": 42}
        assert record["input"]["detail-type"] == "deal.won"
    assert _executions(client, owner, "on-lost") == []


def test_the_same_event_id_starts_nothing_new(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, _flow("notify-sales", DEAL_WON))

    first = client.post("/events", json=_event(id="evt-7"), headers=owner)
    second = client.post("/events", json=_event(id="evt-7"), headers=owner)

    assert first.status_code == second.status_code == 202
    assert first.json()["executions"] == second.json()["executions"]
    assert len(_executions(client, owner, "notify-sales")) == 1


def test_the_idempotency_key_names_an_event_without_an_id(client: TestClient, owner: dict[str, str]) -> None:
    publish_flow(client, owner, _flow("notify-sales", DEAL_WON))
    event = {key: value for key, value in _event().items() if key != "id"}
    headers = {**owner, "Idempotency-Key": "deal-981"}

    first = client.post("/events", json=event, headers=headers)
    second = client.post("/events", json=event, headers=headers)
    unkeyed = client.post("/events", json=event, headers=owner)

    assert first.json()["event_id"] == "deal-981"
    assert first.json()["executions"] == second.json()["executions"]
    assert unkeyed.json()["event_id"] != "deal-981"
    assert len(_executions(client, owner, "notify-sales")) == 2


def test_an_unpublished_flow_is_not_started(client: TestClient, owner: dict[str, str]) -> None:
    created = client.post("/flows", json=_flow("draft", DEAL_WON), headers=owner)
    assert created.status_code == 201, created.text

    response = client.post("/events", json=_event(), headers=owner)

    assert (response.status_code, response.json()["executions"]) == (202, [])
    assert _executions(client, owner, "draft") == []


def test_flows_of_another_workspace_never_start(
    client: TestClient, owner: dict[str, str], caller: Caller
) -> None:
    other = caller.headers("owner", workspace=OTHER_WORKSPACE)
    publish_flow(client, other, _flow("their-flow", DEAL_WON))

    response = client.post("/events", json=_event(), headers=owner)

    assert (response.status_code, response.json()["executions"]) == (202, [])
    assert _executions(client, other, "their-flow") == []


def test_a_bad_body_is_422_with_the_field(client: TestClient, owner: dict[str, str]) -> None:
    missing = client.post("/events", json={"source": "crm"}, headers=owner)
    unknown = client.post("/events", json=_event(colour="red"), headers=owner)
    not_an_object = client.post("/events", json=_event(detail=[1, 2]), headers=owner)

    assert [r.status_code for r in (missing, unknown, not_an_object)] == [422, 422, 422]
    assert "detail-type" in missing.text
    assert "colour" in unknown.text


def test_a_viewer_may_not_post_events(client: TestClient, caller: Caller) -> None:
    response = client.post("/events", json=_event(), headers=caller.headers("viewer"))

    assert response.status_code == 403


def test_event_time_must_be_iso_8601(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/events", json={"source": "crm", "detail-type": "x", "time": 0}, headers=owner)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "body.time"
