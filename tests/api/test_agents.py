"""Agents over HTTP: CRUD, the pre-built ones, execution and streaming with the real SDKs against a loopback fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deca.ai.models import Usage
from deca.ai.pricing import estimate_cost
from deca.stores import Stores
from tests.api.ai_fixtures import agent_body, create_agent, llm_credential, sse_events
from tests.api.conftest import WORKSPACE
from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server


@pytest.fixture
def llm() -> Iterator[FakeLlmServer]:
    """A fresh fake OpenAI/Anthropic server on loopback."""
    with llm_server() as server:
        yield server


@pytest.fixture
def credential_id(client: TestClient, owner: dict[str, str], llm: FakeLlmServer) -> str:
    """The credential `llm`, pointing at the fake."""
    return llm_credential(client, owner, llm)


@pytest.fixture
def agent(client: TestClient, owner: dict[str, str], credential_id: str) -> dict[str, Any]:
    """The saved agent `helper`."""
    return create_agent(client, owner)


def _execute(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], agent_id: str = "helper"
) -> Any:
    return client.post(f"/agents/{agent_id}/execute", json=body, headers=headers)


def test_create_stores_the_credential_id_never_a_secret(
    client: TestClient, owner: dict[str, str], credential_id: str, stores: Stores
) -> None:
    response = client.post("/agents", json=agent_body(), headers=owner)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["agent_id"] == "helper"
    assert body["model_config"]["credential_id"] == credential_id
    assert "sk-test" not in response.text
    stored = stores.agents.get(WORKSPACE, "helper")
    assert stored.llm.credential_id == credential_id and stored.created_by == "owner-user"


def test_get_list_update_delete(client: TestClient, owner: dict[str, str], agent: dict[str, Any]) -> None:
    assert client.get("/agents/helper", headers=owner).json()["name"] == "Helper"
    assert [a["agent_id"] for a in client.get("/agents", headers=owner).json()["items"]] == ["helper"]

    updated = client.put("/agents/helper", json=agent_body(name="Helper 2", status="inactive"), headers=owner)
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Helper 2"
    assert updated.json()["created_at"] == agent["created_at"]
    assert client.get("/agents?status=active", headers=owner).json()["items"] == []

    assert client.delete("/agents/helper", headers=owner).status_code == 204
    assert client.get("/agents/helper", headers=owner).status_code == 404


def test_duplicate_id_is_409(client: TestClient, owner: dict[str, str], agent: dict[str, Any]) -> None:
    response = client.post("/agents", json=agent_body(), headers=owner)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        (
            {"model_config": {"provider": "openai", "model": "m", "credential": "nope"}},
            "body.model_config.credential",
        ),
        ({"model_config": {"provider": "mistral", "model": "m"}}, "body.model_config.provider"),
        ({"model_config": {"provider": "openai_compatible", "model": "m"}}, "body.model_config.base_url"),
        (
            {"model_config": {"provider": "openai", "model": "m", "temperature": 3}},
            "body.model_config.temperature",
        ),
        ({"output_schema": {"type": "no-such-type"}}, "body.output_schema"),
        ({"tools": [{"name": "lookup", "type": "http"}]}, "body.tools[0]"),
        (
            {"tools": [{"name": "f", "type": "function", "function_id": "missing"}]},
            "body.tools[0].function_id",
        ),
        ({"api_key": "sk-live"}, "body.api_key"),
    ],
)
def test_invalid_definitions_are_422_at_the_field(
    client: TestClient, owner: dict[str, str], credential_id: str, changes: dict[str, Any], path: str
) -> None:
    response = client.post("/agents", json=agent_body(**changes), headers=owner)

    assert response.status_code == 422, response.text
    assert path in [d["path"] for d in response.json()["error"]["details"]]


def test_credential_can_be_named_by_id(client: TestClient, owner: dict[str, str], credential_id: str) -> None:
    llm_config = {"provider": "openai", "model": "gpt-4o-mini", "credential": credential_id}

    response = client.post("/agents", json=agent_body(model_config=llm_config), headers=owner)

    assert response.json()["model_config"]["credential_id"] == credential_id


def test_the_five_prebuilt_agents_are_listed(client: TestClient, owner: dict[str, str]) -> None:
    templates = client.get("/agents/templates", headers=owner).json()

    assert {t["name"] for t in templates} == {
        "Campaign Analyzer",
        "Virtual Persona Generator",
        "Content Creator",
        "Data Analyst",
        "Code Reviewer",
    }
    assert all(t["output_schema"] for t in templates)


def test_execute_answers_with_usage_and_cost(
    client: TestClient, owner: dict[str, str], agent: dict[str, Any], llm: FakeLlmServer, stores: Stores
) -> None:
    llm.queue(Reply(text="Paris.", input_tokens=20, output_tokens=4))

    response = _execute(client, owner, {"prompt": "Capital of France?"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"] == "Paris."
    assert body["usage"] == {"input_tokens": 20, "output_tokens": 4}
    assert body["cost_usd"] == estimate_cost("gpt-4o-mini", Usage(input_tokens=20, output_tokens=4)) > 0
    assert body["iterations"] == 1
    (sent,) = llm.chat_requests()
    assert sent.headers["authorization"] == "Bearer sk-test"
    assert sent.body["model"] == "gpt-4o-mini"
    assert sent.body["messages"][0] == {"role": "system", "content": "You are terse."}
    records = stores.audit.list(WORKSPACE).items
    executed = [r for r in records if r.action == "agent.execute"]
    assert executed[-1].details["input_tokens"] == 20 and executed[-1].result == "success"


def test_structured_output_is_parsed(
    client: TestClient, owner: dict[str, str], credential_id: str, llm: FakeLlmServer
) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    create_agent(client, owner, output_schema=schema)
    llm.queue(Reply(text=json.dumps({"city": "Paris"})))

    body = _execute(client, owner, {"prompt": "Capital of France?"}).json()

    assert body["data"] == {"city": "Paris"}


def test_anthropic_agent_runs_through_the_anthropic_sdk(
    client: TestClient, owner: dict[str, str], llm: FakeLlmServer
) -> None:
    value = {"api_key": "sk-ant-test", "base_url": llm.base_url}
    client.post("/credentials", json={"name": "claude", "type": "anthropic", "value": value}, headers=owner)
    llm_config = {
        "provider": "anthropic",
        "model": "claude-haiku-4-5",
        "max_tokens": 256,
        "credential": "claude",
    }
    create_agent(client, owner, model_config=llm_config)
    llm.queue(Reply(text="Bonjour"))

    body = _execute(client, owner, {"prompt": "Say hello in French"}).json()

    assert body["text"] == "Bonjour"
    (sent,) = llm.chat_requests()
    assert sent.path.startswith("/v1/messages") and "sk-ant-test" in (
        sent.headers.get("x-api-key") or sent.headers["authorization"]
    )


def test_session_id_carries_the_conversation(
    client: TestClient, owner: dict[str, str], agent: dict[str, Any], llm: FakeLlmServer
) -> None:
    llm.queue(Reply(text="Nice to meet you, Ann."), Reply(text="Your name is Ann."))

    _execute(client, owner, {"prompt": "I am Ann.", "session_id": "chat-1"})
    second = _execute(client, owner, {"prompt": "What is my name?", "session_id": "chat-1"}).json()

    assert second["session_id"] == "chat-1"
    contents = [m["content"] for m in llm.chat_requests()[1].body["messages"]]
    assert contents == ["You are terse.", "I am Ann.", "Nice to meet you, Ann.", "What is my name?"]


def test_prebuilt_agent_runs_by_id_with_a_credential_of_the_request(
    client: TestClient, owner: dict[str, str], credential_id: str, llm: FakeLlmServer
) -> None:
    answer = {"summary": "Fine", "insights": ["CTR up"], "recommendations": ["Raise budget"]}
    llm.queue(Reply(text=json.dumps(answer)))

    response = _execute(
        client, owner, {"prompt": "Analyse: CTR 3%", "credential": "llm"}, "campaign-analyzer"
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"] == answer


def test_unknown_agent_is_404_and_inactive_is_409(
    client: TestClient, owner: dict[str, str], credential_id: str
) -> None:
    create_agent(client, owner, status="inactive")

    assert _execute(client, owner, {"prompt": "hi"}, "nobody").status_code == 404
    inactive = _execute(client, owner, {"prompt": "hi"})
    assert inactive.status_code == 409 and inactive.json()["error"]["code"] == "agent_inactive"


@pytest.mark.parametrize(("status", "code"), [(500, "provider_error"), (401, "provider_auth_error")])
def test_provider_failure_is_502_with_a_stable_code(
    client: TestClient,
    owner: dict[str, str],
    agent: dict[str, Any],
    llm: FakeLlmServer,
    stores: Stores,
    status: int,
    code: str,
) -> None:
    llm.queue(Reply.error(status))

    response = _execute(client, owner, {"prompt": "hi"})

    assert response.status_code == 502
    assert response.json()["error"]["code"] == code
    failed = [r for r in stores.audit.list(WORKSPACE).items if r.action == "agent.execute"]
    assert failed[-1].result == "failure" and failed[-1].details == {"code": code}


def test_stream_relays_chunks_as_server_sent_events(
    client: TestClient, owner: dict[str, str], agent: dict[str, Any], llm: FakeLlmServer
) -> None:
    llm.queue(Reply(text="Streaming works fine", input_tokens=9, output_tokens=3))

    with client.stream(
        "POST", "/agents/helper/execute/stream", json={"prompt": "go"}, headers=owner
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.read().decode())

    texts = [e["text"] for e in events if e["type"] == "text"]
    assert len(texts) > 1 and "".join(texts) == "Streaming works fine"
    usage = next(e for e in events if e["type"] == "usage")
    assert (usage["input_tokens"], usage["output_tokens"]) == (9, 3)
    assert events[-1]["type"] == "done"
    assert events[-1]["result"]["text"] == "Streaming works fine"
    assert events[-1]["result"]["usage"] == {"input_tokens": 9, "output_tokens": 3}
    assert llm.chat_requests()[0].body["stream"] is True


def test_stream_ends_with_an_error_event_when_the_provider_fails(
    client: TestClient, owner: dict[str, str], agent: dict[str, Any], llm: FakeLlmServer
) -> None:
    llm.queue(Reply.error(503))

    with client.stream(
        "POST", "/agents/helper/execute/stream", json={"prompt": "go"}, headers=owner
    ) as response:
        events = sse_events(response.read().decode())

    assert response.status_code == 200
    assert events[-1]["type"] == "error"
    assert events[-1]["error"]["code"] == "provider_error" and events[-1]["error"]["status"] == 502


def test_stream_of_an_unknown_agent_is_a_plain_404(client: TestClient, owner: dict[str, str]) -> None:
    response = client.post("/agents/nobody/execute/stream", json={"prompt": "go"}, headers=owner)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
