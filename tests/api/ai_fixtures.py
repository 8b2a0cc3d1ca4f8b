"""Agents, prompts and functions made through the API, for their route tests and the permission matrix."""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any

from fastapi.testclient import TestClient

from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server

GREETER_SOURCE = "def main(input):\n    return {'greeting': 'Hello ' + input['name']}\n"


def llm_credential(client: TestClient, headers: dict[str, str], llm: FakeLlmServer, name: str = "llm") -> str:
    """A credential `name` whose value points the SDKs at the fake provider; its id."""
    value = {"api_key": "sk-test", "base_url": llm.openai_base_url}
    response = client.post(
        "/credentials", json={"name": name, "type": "openai", "value": value}, headers=headers
    )
    assert response.status_code == 201, response.text
    credential_id: str = response.json()["credential_id"]
    return credential_id


def agent_body(**changes: Any) -> dict[str, Any]:
    """A valid agent body (OpenAI through the credential named `llm`), with top-level fields replaced."""
    body: dict[str, Any] = {
        "agent_id": "helper",
        "name": "Helper",
        "description": "Answers questions",
        "model_config": {
            "provider": "openai",
            "model": "gpt-4o-mini",
            "temperature": 0.1,
            "credential": "llm",
        },
        "system_prompt": "You are terse.",
    }
    return {**body, **changes}


def create_agent(client: TestClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """Save an agent; its JSON."""
    response = client.post("/agents", json=agent_body(**changes), headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def create_prompt(client: TestClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """Create the prompt `welcome` (version 1); its detail."""
    body = {
        "prompt_id": "welcome",
        "name": "Welcome",
        "template": "Hello {{ name }}, welcome to {{ company }}.",
    }
    response = client.post("/prompts", json={**body, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def create_function(client: TestClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """Register the Python function `greeter` (version 1); its detail."""
    body = {
        "function_id": "greeter",
        "name": "Greeter",
        "source": GREETER_SOURCE,
        "input_schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    }
    response = client.post("/functions", json={**body, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def sse_events(text: str) -> list[dict[str, Any]]:
    """The JSON payloads of a server-sent event stream (`data: {...}` blocks)."""
    events = []
    for block in text.split("\n\n"):
        data = [line.removeprefix("data: ") for line in block.splitlines() if line.startswith("data: ")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events


def ai_world(client: TestClient, headers: dict[str, str], template: str, stack: ExitStack) -> dict[str, str]:
    """Path parameters of the agent, prompt and function routes; an executing route gets a fake provider
    (kept running by `stack`) with one scripted answer."""
    world: dict[str, str] = {}
    if "{agent_id}" in template:
        llm = stack.enter_context(llm_server())
        llm.queue(Reply(text="pong"))
        llm_credential(client, headers, llm)
        world["agent_id"] = create_agent(client, headers)["agent_id"]
    if "{prompt_id}" in template:
        world["prompt_id"] = create_prompt(client, headers)["prompt"]["prompt_id"]
    if "{function_id}" in template:
        world["function_id"] = create_function(client, headers)["function"]["function_id"]
    return world
