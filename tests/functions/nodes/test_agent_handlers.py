"""The agent, openai and deca_chatbot Lambda handlers, in-process, with the default (local) wiring.

Credentials are sealed into the local store exactly as the API stores them; the wiring decrypts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from deca import wiring
from deca.crypto import credential_context
from deca.stores.models import Credential
from functions.nodes import agent as agent_handler
from functions.nodes import deca_chatbot as chatbot_handler
from functions.nodes import openai as openai_handler
from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server
from tests.fakes.redis_server import redis_binary, redis_server

WS = "ws-lambda"
_FACTORIES = [
    wiring.settings,
    wiring.mongo_client,
    wiring.stores,
    wiring.cache,
    wiring.envelope,
    wiring.secrets,
    wiring.conversations,
]


class _LambdaContext:
    function_name = "deca-node-agent"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:deca-node-agent"
    aws_request_id = "req-1"


@pytest.fixture
def lambda_context() -> _LambdaContext:
    """What Lambda passes as the context."""
    return _LambdaContext()


@pytest.fixture
def llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlmServer]:
    """Local wiring in a temp data dir, with an `openai-prod` credential pointing at the fake provider."""
    monkeypatch.setenv("DECA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "1")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "deca-tests")
    for factory in _FACTORIES:
        factory.cache_clear()
    with llm_server() as server:
        sealed = wiring.envelope().seal_json(
            {"api_key": "sk-prod", "base_url": server.openai_base_url}, credential_context(WS, "openai-prod")
        )
        wiring.stores().credentials.create(
            WS,
            Credential(
                workspace_id=WS,
                credential_id="openai-prod",
                name="OpenAI",
                type="openai",
                encrypted_value=sealed.blob,
                key_id=sealed.key_id,
            ),
        )
        yield server
    wiring.stores().close()
    for factory in _FACTORIES:
        factory.cache_clear()


def _event(node_type: str, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "execution": {"id": "arn:aws:states:us-east-1:123456789012:execution:flow:run-1", "name": "run-1"},
        "workspace_id": WS,
        "flow_id": "flow",
        "node_id": "node",
        "node_type": node_type,
        "config": config,
        "input": {},
    }


def test_agent_handler_answers_with_the_stored_credential(llm: FakeLlmServer, lambda_context: Any) -> None:
    llm.queue(Reply(text="Hi from Lambda"))
    config = {"provider": "openai", "model": "gpt-4o-mini", "prompt": "Hi", "credential_id": "openai-prod"}

    out = agent_handler.lambda_handler(_event("agent", config), lambda_context)

    assert out["text"] == "Hi from Lambda"
    assert llm.chat_requests()[0].headers["authorization"] == "Bearer sk-prod"


def test_agent_handler_remembers_sessions_across_invocations(llm: FakeLlmServer, lambda_context: Any) -> None:
    llm.queue(Reply(text="noted"), Reply(text="you said blue"))
    config = {"provider": "openai", "model": "gpt-4o-mini", "credential_id": "openai-prod", "session_id": "s"}

    agent_handler.lambda_handler(_event("agent", {**config, "prompt": "My colour is blue"}), lambda_context)
    wiring.conversations.cache_clear()  # a cold start: memory must come from the durable store
    agent_handler.lambda_handler(_event("agent", {**config, "prompt": "What did I say?"}), lambda_context)

    assert len(llm.chat_requests()[1].body["messages"]) == 3


def test_openai_handler_runs_an_embedding(llm: FakeLlmServer, lambda_context: Any) -> None:
    config = {
        "operation": "embedding",
        "model": "text-embedding-3-small",
        "credential_id": "openai-prod",
        "input": ["a"],
    }

    out = openai_handler.lambda_handler(_event("openai", config), lambda_context)

    assert len(out["embeddings"]) == 1


def test_chatbot_handler_talks_to_a_prebuilt_agent(
    llm: FakeLlmServer, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", llm.openai_base_url)
    llm.queue(Reply(text='{"summary": "s", "findings": []}'))
    config = {"operation": "send_message", "chatbot_id": "data-analyst", "message": "Sales: 1, 2, 3"}

    out = chatbot_handler.lambda_handler(_event("deca_chatbot", config), lambda_context)

    assert out["reply"] == '{"summary": "s", "findings": []}'


def test_missing_credential_raises_its_named_error(llm: FakeLlmServer, lambda_context: Any) -> None:
    from deca.nodes.context import CredentialNotFound

    config = {"provider": "openai", "model": "gpt-4o-mini", "prompt": "Hi", "credential_id": "missing"}

    with pytest.raises(CredentialNotFound):
        agent_handler.lambda_handler(_event("agent", config), lambda_context)


def test_http_tools_pass_the_ssrf_guard_in_deployed_wiring(llm: FakeLlmServer, lambda_context: Any) -> None:
    from deca.ai.errors import ToolError

    llm.add_route("GET", "/internal", {"secret": True})
    llm.queue(Reply(tool_calls=[("peek", {})]))
    tool = {"name": "peek", "type": "http", "url": llm.base_url + "/internal"}
    config = {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "prompt": "Hi",
        "credential_id": "openai-prod",
        "tool_definitions": [tool],
    }

    with pytest.raises(ToolError, match="OutboundRequestBlocked"):
        agent_handler.lambda_handler(_event("agent", config), lambda_context)

    assert all(r.path != "/internal" for r in llm.requests)


@pytest.mark.skipif(redis_binary() is None, reason="redis-server is not installed")
def test_session_memory_is_cached_in_redis_when_configured(
    llm: FakeLlmServer, lambda_context: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with redis_server(tmp_path) as port:
        monkeypatch.setenv("DECA_CACHE_URL", f"redis://127.0.0.1:{port}/0")
        wiring.settings.cache_clear()  # the cache URL is a setting, read once per process
        wiring.cache.cache_clear()
        wiring.conversations.cache_clear()
        llm.queue(Reply(text="noted"))
        config = {
            "provider": "openai",
            "model": "gpt-4o-mini",
            "credential_id": "openai-prod",
            "session_id": "s-redis",
            "prompt": "Remember me",
        }

        agent_handler.lambda_handler(_event("agent", config), lambda_context)

        assert Redis(host="127.0.0.1", port=port).exists(f"deca:conversation:{WS}:s-redis") == 1
        wiring.cache.cache_clear()
        wiring.conversations.cache_clear()
