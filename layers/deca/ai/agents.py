"""The agent node's logic: resolve the agent (saved, pre-built or inline), its tools and memory, then run it.

`resolve_agent` merges a node's config over a saved agent of the workspace or a pre-built one;
`run_agent_node` runs it with conversation memory and returns the `AgentResult`; `stream_agent_node`
does the same as a stream of chunks (what the chatbot node and the API relay as server-sent events).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from deca.ai.definition import AgentDefinition, ToolDefinition
from deca.ai.errors import AgentError
from deca.ai.flows import LocalFlowRunner
from deca.ai.loop import AgentResult, AgentRun, run_agent, stream_agent
from deca.ai.memory import CacheConversations, Conversation, ConversationStore, StoredMessage
from deca.ai.models import Message, StreamChunk
from deca.ai.prompts import load_prompt
from deca.ai.providers import build_client
from deca.ai.structured import check_schema
from deca.ai.templates import PREBUILT_AGENTS, find_prebuilt, slug
from deca.ai.tools import DecaKnowledgeBase, MemoryKnowledgeBase, SandboxFunctions, ToolRunner
from deca.errors import NotFoundError

if TYPE_CHECKING:
    from deca.nodes.agent import AgentConfig
    from deca.nodes.code import CodeRunner
    from deca.nodes.context import NodeContext
    from deca.stores.models import Agent

__all__ = [
    "conversations",
    "remember",
    "resolve_agent",
    "run_agent_node",
    "stream_agent_node",
    "tool_runner",
]

MEMORY_WINDOW = 50
"""Most recent remembered messages sent back to the model."""


def _from_saved(agent: Agent) -> AgentDefinition:
    """A saved agent as a definition; its tools must be full tool definitions."""
    try:
        return AgentDefinition(
            agent_id=agent.agent_id,
            name=agent.name,
            description=agent.description,
            provider=agent.llm.provider,  # checked by the model
            model=agent.llm.model,
            base_url=agent.llm.base_url,
            temperature=agent.llm.temperature,
            max_tokens=agent.llm.max_tokens,
            system_prompt=agent.system_prompt,
            tools=[ToolDefinition.model_validate(t) for t in agent.tools],
            output_schema=agent.output_schema,
            credential_id=agent.llm.credential_id,
        )
    except ValidationError as exc:
        raise AgentError(
            f"config.agent_id: the saved agent '{agent.agent_id}' is invalid: {_problems(exc)}",
            field="agent_id",
        ) from None


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'agent'}: {e['msg']}" for e in exc.errors())


def _base(config: AgentConfig, ctx: NodeContext) -> AgentDefinition | None:
    if config.agent_id is None:
        return None
    try:
        return _from_saved(ctx.stores.agents.get(ctx.workspace_id, config.agent_id))
    except NotFoundError:
        pass
    prebuilt = find_prebuilt(config.agent_id)
    if prebuilt is None:
        known = ", ".join(PREBUILT_AGENTS)
        raise AgentError(
            f"config.agent_id: no saved or pre-built agent '{config.agent_id}' (pre-built: {known})",
            field="agent_id",
        )
    return prebuilt


def _registered_tools(ctx: NodeContext) -> Mapping[str, ToolDefinition]:
    tools: Mapping[str, ToolDefinition] = ctx.services.get("tools", {})
    return tools


def _tool_by_name(
    name: str, index: int, known: dict[str, ToolDefinition], ctx: NodeContext
) -> ToolDefinition:
    if name in known:
        return known[name]
    registered = _registered_tools(ctx)
    if name in registered:
        return registered[name]
    try:
        record = ctx.stores.functions.get(ctx.workspace_id, name)
        version = ctx.stores.functions.get_version(ctx.workspace_id, name, record.latest_version)
    except NotFoundError:
        raise AgentError(
            f"config.tools[{index}]: unknown tool '{name}' (define it in config.tool_definitions, "
            "register it, or save a function with that id)",
            field=f"tools[{index}]",
        ) from None
    return ToolDefinition(
        name=slug(name).replace("-", "_")[:64],
        type="function",
        function_id=name,
        description=record.description,
        parameters=version.input_schema or {"type": "object"},
    )


def _tools(config: AgentConfig, base: AgentDefinition | None, ctx: NodeContext) -> list[ToolDefinition]:
    chosen: dict[str, ToolDefinition] = {t.name: t for t in (base.tools if base else [])}
    chosen.update({t.name: t for t in config.tool_definitions})
    for kb_id in config.knowledge_base_ids:
        name = f"search_{slug(kb_id).replace('-', '_')}"[:64]
        chosen[name] = ToolDefinition(
            name=name,
            type="knowledge_base",
            knowledge_base_id=kb_id,
            description=f"Search the knowledge base '{kb_id}' for passages relevant to a query",
        )
    known = dict(chosen)
    for index, name in enumerate(config.tools):
        tool = _tool_by_name(name, index, known, ctx)
        chosen[tool.name] = tool
    return list(chosen.values())


def _system_prompt(config: AgentConfig, base: AgentDefinition | None, ctx: NodeContext) -> str:
    if config.prompt_id is not None:
        template = load_prompt(ctx.stores, ctx.workspace_id, config.prompt_id, config.prompt_version)
        return template.render(config.variables)
    if config.system_prompt is not None:
        return config.system_prompt
    return base.system_prompt if base else ""


def resolve_agent(config: AgentConfig, ctx: NodeContext) -> AgentDefinition:
    """The agent a node runs: its config's fields over the saved or pre-built agent `agent_id`."""
    base = _base(config, ctx)
    if config.output_schema is not None:
        check_schema(config.output_schema)
    merged: dict[str, Any] = base.model_dump() if base else {}
    overrides = {
        "provider": config.provider,
        "model": config.model,
        "base_url": config.base_url,
        "temperature": config.temperature,
        "max_tokens": config.max_tokens,
        "output_schema": config.output_schema,
    }
    merged.update({k: v for k, v in overrides.items() if v is not None})
    merged.setdefault("provider", "openai")
    merged["system_prompt"] = _system_prompt(config, base, ctx)
    merged["tools"] = _tools(config, base, ctx)
    merged["max_iterations"] = config.max_iterations
    try:
        return AgentDefinition.model_validate(merged)
    except ValidationError as exc:
        raise AgentError(f"config: the merged agent is invalid: {_problems(exc)}") from None


def conversations(ctx: NodeContext) -> ConversationStore:
    """The context's conversation store; an in-process one is attached on first use when none is wired."""
    store = ctx.services.get("conversations")
    if store is None:
        from deca.cache import MemoryCache

        store = ctx.services.setdefault("conversations", CacheConversations(MemoryCache(ctx.clock)))
    result: ConversationStore = store
    return result


def _context_code_runner(ctx: NodeContext) -> CodeRunner | None:
    from deca.nodes.code import CODE_RUNNER_SERVICE

    runner = ctx.services.get(CODE_RUNNER_SERVICE)
    return runner if callable(runner) else None


def tool_runner(ctx: NodeContext) -> ToolRunner:
    """The tool runner of a node context (ports from `ctx.services`; sandbox, local flow and memory defaults)."""
    kb = ctx.services.get("knowledge_base")
    data = ctx.services.get("deca_data")
    if kb is None and data is not None:
        kb = DecaKnowledgeBase(data.knowledge)
    if kb is None:
        kb = ctx.services.setdefault("knowledge_base", MemoryKnowledgeBase())
    return ToolRunner(
        workspace_id=ctx.workspace_id,
        http=ctx.http,
        functions=ctx.services.get("functions") or SandboxFunctions(ctx.stores, _context_code_runner(ctx)),
        flows=ctx.services.get("flows") or LocalFlowRunner(ctx),
        knowledge_base=kb,
    )


def remember(
    ctx: NodeContext,
    session_id: str,
    messages: list[Message],
    *,
    owner: str | None = None,
    user_id: str | None = None,
) -> Conversation:
    """Append turns to a session (creating it) and store it."""
    store = conversations(ctx)
    conversation = store.get(ctx.workspace_id, session_id) or Conversation(
        session_id=session_id, owner=owner, user_id=user_id
    )
    now = ctx.clock.now()
    stamped = [StoredMessage(**m.model_dump(), created_at=now) for m in messages]
    conversation = conversation.model_copy(update={"messages": [*conversation.messages, *stamped]})
    store.put(ctx.workspace_id, conversation)
    return conversation


def _prepare(
    definition: AgentDefinition,
    ctx: NodeContext,
    *,
    credential_id: str | None,
    session_id: str | None,
    timeout_seconds: float,
) -> AgentRun:
    from deca.ai.client import DEFAULT_TIMEOUT_SECONDS

    client = build_client(
        ctx,
        definition.provider,
        credential_id=credential_id or definition.credential_id,
        base_url=definition.base_url,
        timeout=min(DEFAULT_TIMEOUT_SECONDS, timeout_seconds),
    )
    history: list[Message] = []
    if session_id:
        stored = conversations(ctx).get(ctx.workspace_id, session_id)
        history = stored.history(MEMORY_WINDOW) if stored else []
    return AgentRun(
        definition=definition,
        client=client,
        tools=tool_runner(ctx),
        history=history,
        timeout_seconds=timeout_seconds,
    )


def run_agent_node(config: AgentConfig, ctx: NodeContext) -> tuple[AgentDefinition, AgentResult]:
    """Resolve and run the node's agent to its answer, remembering the turns under `session_id`."""
    definition = resolve_agent(config, ctx)
    run = _prepare(
        definition,
        ctx,
        credential_id=config.credential_id,
        session_id=config.session_id,
        timeout_seconds=config.timeout_seconds,
    )
    result = run_agent(run, config.prompt)
    if config.session_id:
        remember(ctx, config.session_id, result.new_messages, owner=definition.agent_id)
    return definition, result


def stream_agent_node(config: AgentConfig, ctx: NodeContext) -> Iterator[StreamChunk]:
    """The node's agent as a stream of chunks; the turns are remembered when the stream completes."""
    definition = resolve_agent(config, ctx)
    run = _prepare(
        definition,
        ctx,
        credential_id=config.credential_id,
        session_id=config.session_id,
        timeout_seconds=config.timeout_seconds,
    )
    session_id = config.session_id

    def keep(result: AgentResult) -> None:
        if session_id:
            remember(ctx, session_id, result.new_messages, owner=definition.agent_id)

    yield from stream_agent(run, config.prompt, on_result=keep)
