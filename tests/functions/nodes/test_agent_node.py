"""The agent node through `run_node`: config checks, agents by name, memory, usage and cost, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from deca.ai.agents import stream_agent_node
from deca.ai.errors import AgentError, ProviderAuthError, ProviderRateLimited
from deca.ai.tools import MemoryKnowledgeBase
from deca.nodes.agent import AgentConfig
from deca.nodes.context import CredentialNotFound, NodeContext, StaticSecrets
from deca.nodes.handlers import InvalidNodeConfig, run_node
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.stores import memory_stores
from deca.stores.models import Agent, AgentModelConfig, Prompt, PromptVersion
from tests.fakes.clock import FakeClock
from tests.fakes.llm_server import FakeLlmServer, Reply, llm_server

WS = "ws-1"


@pytest.fixture
def llm() -> Iterator[FakeLlmServer]:
    """The fake provider."""
    with llm_server() as server:
        yield server


@pytest.fixture
def ctx(llm: FakeLlmServer) -> NodeContext:
    """Memory stores and credentials for both providers, pointing at the fake."""
    secrets = StaticSecrets(
        {
            (WS, "openai-test"): {"api_key": "sk-test", "base_url": llm.openai_base_url},
            (WS, "anthropic-test"): {"api_key": "sk-ant", "base_url": llm.base_url},
        }
    )
    return NodeContext(workspace_id=WS, stores=memory_stores(), clock=FakeClock(), secrets=secrets)


def _task(config: dict[str, Any], node_id: str = "ask") -> NodeTask:
    return NodeTask(
        execution=ExecutionInfo(id="exec-1"),
        workspace_id=WS,
        flow_id="f",
        node_id=node_id,
        node_type="agent",
        config=config,
    )


def _inline(**extra: Any) -> dict[str, Any]:
    return {
        "provider": "openai",
        "model": "gpt-4o",
        "credential_id": "openai-test",
        "prompt": "Hello",
        **extra,
    }


def test_output_reports_text_usage_cost_and_model(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="Hi there", input_tokens=1000, output_tokens=100))

    out = run_node(_task(_inline()), ctx)

    assert out["text"] == "Hi there"
    assert out["usage"] == {
        "input_tokens": 1000,
        "output_tokens": 100,
        "total_tokens": 1100,
        "cost_usd": 0.0035,
    }
    assert (out["model"], out["provider"], out["iterations"], out["finish_reason"]) == (
        "gpt-4o",
        "openai",
        1,
        "stop",
    )


def test_anthropic_provider_answers_through_its_sdk(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="Bonjour"))

    out = run_node(
        _task(_inline(provider="anthropic", model="claude-sonnet-4-6", credential_id="anthropic-test")), ctx
    )

    assert (out["text"], out["provider"]) == ("Bonjour", "anthropic")
    assert llm.chat_requests()[0].path == "/v1/messages"


def test_openai_compatible_base_url_needs_no_key(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="local answer"))
    config = {
        "provider": "openai_compatible",
        "base_url": llm.openai_base_url,
        "model": "llama3:8b",
        "prompt": "Hi",
    }

    out = run_node(_task(config), ctx)

    assert (out["text"], out["usage"]["cost_usd"]) == ("local answer", 0.0)


def test_session_memory_sends_earlier_turns_back(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="Nice to meet you, Ann"), Reply(text="You are Ann"))

    run_node(_task(_inline(prompt="I am Ann", session_id="s-1")), ctx)
    run_node(_task(_inline(prompt="Who am I?", session_id="s-1")), ctx)

    sent = llm.chat_requests()[1].body["messages"]
    assert [(m["role"], m["content"]) for m in sent] == [
        ("user", "I am Ann"),
        ("assistant", "Nice to meet you, Ann"),
        ("user", "Who am I?"),
    ]


def test_sessions_do_not_share_memory(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="a"), Reply(text="b"))

    run_node(_task(_inline(prompt="first", session_id="s-1")), ctx)
    run_node(_task(_inline(prompt="second", session_id="s-2")), ctx)

    assert len(llm.chat_requests()[1].body["messages"]) == 1


def test_prebuilt_agent_is_usable_by_name(llm: FakeLlmServer, ctx: NodeContext) -> None:
    persona = {"name": "Dev Dana", "goals": ["ship"], "pain_points": ["flaky CI"]}
    llm.queue(Reply(text=json.dumps(persona)))

    out = run_node(
        _task(
            {"agent_id": "Virtual Persona Generator", "prompt": "Data: ...", "credential_id": "openai-test"}
        ),
        ctx,
    )

    assert out["data"] == persona
    body = llm.chat_requests()[0].body
    assert body["model"] == "gpt-4o-mini"
    assert body["messages"][0]["content"].startswith("You create realistic, detailed user personas")
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["name", "goals", "pain_points"]


@pytest.mark.parametrize(
    "agent_id", ["campaign-analyzer", "persona-generator", "content-creator", "data-analyst", "code-reviewer"]
)
def test_every_prebuilt_agent_resolves_from_a_flow_config(ctx: NodeContext, agent_id: str) -> None:
    from deca.ai.agents import resolve_agent

    definition = resolve_agent(AgentConfig(agent_id=agent_id, prompt="x"), ctx)

    assert definition.agent_id == agent_id and definition.output_schema is not None


def test_node_config_overrides_the_prebuilt_model(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text='{"summary": "ok", "issues": [], "approve": true}'))

    run_node(
        _task(
            {
                "agent_id": "code-reviewer",
                "model": "gpt-4.1",
                "prompt": "def f(): pass",
                "credential_id": "openai-test",
            }
        ),
        ctx,
    )

    assert llm.chat_requests()[0].body["model"] == "gpt-4.1"


def test_saved_agent_of_the_workspace_is_used(llm: FakeLlmServer, ctx: NodeContext) -> None:
    ctx.stores.agents.create(
        WS,
        Agent(
            workspace_id=WS,
            agent_id="helper",
            name="Helper",
            system_prompt="You help.",
            llm=AgentModelConfig(provider="anthropic", model="claude-haiku-4-5", max_tokens=300),
        ),
    )
    llm.queue(Reply(text="Helped"))

    out = run_node(_task({"agent_id": "helper", "prompt": "Help", "credential_id": "anthropic-test"}), ctx)

    assert out["text"] == "Helped"
    body = llm.chat_requests()[0].body
    assert (body["system"], body["max_tokens"], body["model"]) == ("You help.", 300, "claude-haiku-4-5")


def test_saved_agent_brings_its_credential_and_answer_schema(llm: FakeLlmServer, ctx: NodeContext) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    ctx.stores.agents.create(
        WS,
        Agent(
            workspace_id=WS,
            agent_id="checker",
            name="Checker",
            llm=AgentModelConfig(provider="openai", model="gpt-4o-mini", credential_id="openai-test"),
            output_schema=schema,
        ),
    )
    llm.queue(Reply(text=json.dumps({"ok": True})))

    out = run_node(_task({"agent_id": "checker", "prompt": "Check"}), ctx)

    assert out["data"] == {"ok": True}
    assert llm.chat_requests()[0].headers["authorization"] == "Bearer sk-test"


def test_versioned_prompt_template_is_the_system_prompt(llm: FakeLlmServer, ctx: NodeContext) -> None:
    ctx.stores.prompts.create(WS, Prompt(workspace_id=WS, prompt_id="tone", name="Tone"))
    for number, text in [(1, "Be formal with {{ name }}"), (2, "Be casual with {{ name }}")]:
        ctx.stores.prompts.add_version(
            WS, PromptVersion(workspace_id=WS, prompt_id="tone", version=number, template=text)
        )
    llm.queue(Reply(text="ok"))

    run_node(_task(_inline(prompt_id="tone", prompt_version=1, variables={"name": "Ann"})), ctx)

    assert llm.chat_requests()[0].body["messages"][0] == {"role": "system", "content": "Be formal with Ann"}


def test_knowledge_base_ids_give_the_agent_a_search_tool(llm: FakeLlmServer, ctx: NodeContext) -> None:
    kb = MemoryKnowledgeBase()
    kb.add(WS, "help-center", "a1", "Refunds take five days")
    ctx.services["knowledge_base"] = kb
    llm.queue(Reply(tool_calls=[("search_help_center", {"query": "refunds"})]), Reply(text="Five days"))

    out = run_node(_task(_inline(knowledge_base_ids=["help-center"])), ctx)

    assert out["tool_calls"][0]["result"][0]["id"] == "a1"


def test_registered_tool_is_found_by_name(llm: FakeLlmServer, ctx: NodeContext) -> None:
    from deca.ai.definition import ToolDefinition

    llm.add_route("GET", "/ping", {"pong": True})
    ctx.services["tools"] = {"ping": ToolDefinition(name="ping", type="http", url=llm.base_url + "/ping")}
    llm.queue(Reply(tool_calls=[("ping", {})]), Reply(text="pong"))

    out = run_node(_task(_inline(tools=["ping"])), ctx)

    assert out["tool_calls"][0]["result"] == {"pong": True}


def test_streamed_run_remembers_the_turns(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply(text="streamed answer"))

    chunks = list(stream_agent_node(AgentConfig.model_validate(_inline(session_id="s-9")), ctx))

    assert chunks[-1]["result"]["text"] == "streamed answer"
    from deca.ai.agents import conversations

    stored = conversations(ctx).get(WS, "s-9")
    assert stored is not None and [m.content for m in stored.messages] == ["Hello", "streamed answer"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (_inline(temperature=5), "config.temperature"),
        ({"prompt": "x"}, "config: Value error, set `agent_id`"),
        (_inline(prompt=""), "config.prompt"),
        (_inline(tool_definitions=[{"name": "t", "type": "http"}]), "config.tool_definitions.0"),
        (_inline(max_iterations=0), "config.max_iterations"),
    ],
    ids=["temperature", "agent-or-model", "empty-prompt", "tool-without-url", "iterations"],
)
def test_bad_config_is_invalid_node_config_naming_the_field(
    ctx: NodeContext, config: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidNodeConfig, match=field.replace(".", r"\.").replace("`", ".")):
        run_node(_task(config), ctx)


def test_unknown_agent_id_names_the_field(ctx: NodeContext) -> None:
    with pytest.raises(AgentError, match=r"config\.agent_id: no saved or pre-built agent 'nope'"):
        run_node(_task({"agent_id": "nope", "prompt": "x"}), ctx)


def test_unknown_tool_name_names_its_position(ctx: NodeContext) -> None:
    with pytest.raises(AgentError, match=r"config\.tools\[1\]: unknown tool 'ghost'"):
        run_node(_task(_inline(tools=["search_x", "ghost"], knowledge_base_ids=["x"])), ctx)


def test_invalid_output_schema_names_the_field(ctx: NodeContext) -> None:
    with pytest.raises(AgentError, match=r"config\.output_schema is not a valid JSON Schema"):
        run_node(_task(_inline(output_schema={"type": 12})), ctx)


def test_missing_credential_is_credential_not_found(ctx: NodeContext) -> None:
    with pytest.raises(CredentialNotFound, match="'nope'"):
        run_node(_task(_inline(credential_id="nope")), ctx)


def test_no_api_key_anywhere_is_a_provider_auth_error(
    ctx: NodeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    with pytest.raises(ProviderAuthError, match=r"config\.credential_id"):
        run_node(_task({"provider": "openai", "model": "gpt-4o", "prompt": "x"}), ctx)


def test_provider_rate_limit_propagates_as_its_asl_error_name(llm: FakeLlmServer, ctx: NodeContext) -> None:
    llm.queue(Reply.error(429))

    with pytest.raises(ProviderRateLimited):
        run_node(_task(_inline()), ctx)


def _store_flow(ctx: NodeContext, flow_id: str, nodes: list[dict[str, Any]]) -> None:
    from deca.stores.models import FlowRecord, FlowVersion

    document = {"id": flow_id, "name": flow_id, "version": 1, "nodes": nodes, "connections": []}
    ctx.stores.flows.create(WS, FlowRecord(workspace_id=WS, flow_id=flow_id, name=flow_id))
    ctx.stores.flows.add_version(
        WS, FlowVersion(workspace_id=WS, flow_id=flow_id, version=1, definition=document)
    )


def test_flow_tool_runs_a_stored_flow_with_the_arguments(llm: FakeLlmServer, ctx: NodeContext) -> None:
    _store_flow(
        ctx,
        "greet",
        [{"id": "hello", "type": "set", "config": {"values": {"greeting": "{{ 'Hello ' & input.name }}"}}}],
    )
    tool = {
        "name": "greet",
        "type": "flow",
        "flow_id": "greet",
        "parameters": {"type": "object", "properties": {"name": {"type": "string"}}},
    }
    llm.queue(Reply(tool_calls=[("greet", {"name": "Ann"})]), Reply(text="done"))

    out = run_node(_task(_inline(tool_definitions=[tool])), ctx)

    assert out["tool_calls"][0]["result"] == {"hello": {"greeting": "Hello Ann"}}


def test_flow_tool_failure_is_a_tool_error(llm: FakeLlmServer, ctx: NodeContext) -> None:
    from deca.ai.errors import ToolError

    _store_flow(
        ctx,
        "broken",
        [{"id": "stop", "type": "stop_and_error", "config": {"error": "Nope", "message": "always fails"}}],
    )
    llm.queue(Reply(tool_calls=[("broken", {})]))

    with pytest.raises(ToolError, match="flow 'broken' ended FAILED"):
        run_node(
            _task(_inline(tool_definitions=[{"name": "broken", "type": "flow", "flow_id": "broken"}])), ctx
        )


def test_saved_agent_with_an_unknown_provider_is_an_agent_error(ctx: NodeContext) -> None:
    ctx.stores.agents.create(
        WS,
        Agent(
            workspace_id=WS,
            agent_id="odd",
            name="Odd",
            llm=AgentModelConfig(provider="cohere", model="command"),
        ),
    )

    with pytest.raises(AgentError, match=r"saved agent 'odd' is invalid: provider"):
        run_node(_task({"agent_id": "odd", "prompt": "x"}), ctx)


def test_knowledge_base_tool_searches_the_deca_knowledge_store(llm: FakeLlmServer, ctx: NodeContext) -> None:
    from deca.deca_data.stores import memory_deca_data

    data = memory_deca_data()
    ctx.services["deca_data"] = data
    data.knowledge.add_document(
        WS, "help-center", content="Refunds are paid within five business days.", title="Refunds"
    )
    llm.queue(
        Reply(tool_calls=[("search_help_center", {"query": "how long do refunds take"})]),
        Reply(text="5 days"),
    )

    out = run_node(_task(_inline(knowledge_base_ids=["help-center"])), ctx)

    assert "five business days" in out["tool_calls"][0]["result"][0]["text"]
