"""Agents: saved AI agents (CRUD), the pre-built ones, and direct execution (JSON answer or server-sent events).

An agent names its provider credential by id or name; only the id is stored, and the secret is decrypted
with the app's envelope just to build the provider client of a run. A run with `session_id` continues
that conversation (memory of the workspace). Provider failures are 502 with the provider error's code
(`provider_error`, `provider_auth_error`, `provider_rate_limited`); on the stream they are an `error`
event, so a client never sees a broken stream.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.deps import ID_PATTERN, ApiServices, Principal, ResourceId, ServicesDep, audit, require
from api.errors import ApiError, ErrorBody, ErrorDetail, error_responses
from api.node_context import conversation_store, workspace_context
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit, RequestModel
from deca.ai.agents import resolve_agent, run_agent_node, stream_agent_node
from deca.ai.definition import AgentDefinition, Provider, ToolDefinition
from deca.ai.errors import AgentError, ProviderError, StructuredOutputInvalid, ToolError
from deca.ai.loop import sse_event
from deca.ai.models import StreamChunk, Usage
from deca.ai.structured import check_schema
from deca.ai.templates import PREBUILT_AGENTS, find_prebuilt
from deca.errors import DecaError, NotFoundError
from deca.nodes.agent import AgentConfig
from deca.nodes.context import CredentialNotFound, NodeContext
from deca.stores import Page
from deca.stores.models import Agent, AgentModelConfig, AgentStatus

__all__ = ["AgentAnswer", "AgentExecute", "AgentWrite", "router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/agents", tags=["agents"], responses=COMMON_ERRORS)

PROVIDER_FAILED: dict[int | str, dict[str, Any]] = {
    502: {"model": ErrorBody, "description": "The LLM provider (or a tool the agent called) failed"}
}


class AgentLlm(RequestModel):
    """The model an agent talks to, and the credential holding the provider's API key."""

    provider: Provider = Field(description="openai, anthropic or openai_compatible")
    model: str = Field(min_length=1, max_length=200, description="e.g. `gpt-4o-mini`, `claude-sonnet-4-5`")
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=200_000)
    base_url: str | None = Field(
        default=None,
        max_length=2000,
        pattern=r"^https?://",
        description="Endpoint of an OpenAI-compatible server (provider openai_compatible only)",
    )
    credential: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Id or name of a workspace credential with the API key; unset: the server's environment",
    )


class AgentWrite(RequestModel):
    """A saved agent: model, instructions, tools and an optional JSON Schema of its answer."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    agent_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="Id (create only; generated when unset)"
    )
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(default="assistant", min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    llm: AgentLlm = Field(alias="model_config")
    system_prompt: str = Field(default="", max_length=100_000)
    tools: list[ToolDefinition] = Field(default_factory=list, max_length=64)
    output_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema of a structured answer"
    )
    status: AgentStatus = "active"


class AgentExecute(RequestModel):
    """One turn: the user's prompt, and the conversation it continues."""

    prompt: str = Field(min_length=1, max_length=100_000)
    session_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="Conversation memory key: earlier turns are sent along"
    )
    credential: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Id or name of the credential for this run (default: the agent's; needed by pre-built ones)",
    )
    max_iterations: int = Field(default=10, ge=1, le=50, description="Model calls allowed")
    timeout_seconds: int = Field(default=120, ge=1, le=900, description="Seconds before the run is stopped")


class AgentAnswer(BaseModel):
    """The agent's final answer, its structured data (with an output schema), usage and estimated cost."""

    agent_id: str
    session_id: str | None
    text: str
    data: JsonValue = None
    tool_calls: list[dict[str, JsonValue]] = Field(default_factory=list)
    usage: Usage
    cost_usd: float
    model: str
    iterations: int
    finish_reason: str | None


def _credential_id(services: ApiServices, workspace_id: str, reference: str, path: str) -> str:
    """The id of the credential `reference` names (an id, else a name); 422 at `path` if none."""
    credentials = services.stores.credentials
    try:
        return credentials.get(workspace_id, reference).credential_id
    except NotFoundError:
        pass
    try:
        return credentials.get_by_name(workspace_id, reference).credential_id
    except NotFoundError:
        message = f"no credential with id or name '{reference}' in this workspace"
        raise ApiError(422, "validation_error", message, [ErrorDetail(path=path, message=message)]) from None


def _invalid(path: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", message, [ErrorDetail(path=path, message=message)])


def _checked(body: AgentWrite, services: ApiServices, workspace_id: str) -> tuple[str | None, list[Any]]:
    """(credential id, tools as stored) of a valid body; 422 naming the first problem otherwise."""
    llm = body.llm
    if (llm.provider == "openai_compatible") != (llm.base_url is not None):
        raise _invalid(
            "body.model_config.base_url", "base_url is required by, and only used with, openai_compatible"
        )
    if body.output_schema is not None:
        try:
            check_schema(body.output_schema)
        except AgentError as exc:
            raise _invalid("body.output_schema", exc.message) from None
    for index, tool in enumerate(body.tools):
        if tool.type == "function" and tool.function_id is not None:
            try:
                services.stores.functions.get(workspace_id, tool.function_id)
            except NotFoundError:
                raise _invalid(
                    f"body.tools[{index}].function_id", f"no function '{tool.function_id}' in this workspace"
                ) from None
    credential_id = (
        _credential_id(services, workspace_id, llm.credential, "body.model_config.credential")
        if llm.credential
        else None
    )
    return credential_id, [tool.model_dump(mode="json", exclude_none=True) for tool in body.tools]


def _record(body: AgentWrite, services: ApiServices, principal: Principal, agent_id: str) -> Agent:
    credential_id, tools = _checked(body, services, principal.workspace_id)
    now = services.clock.now()
    return Agent(
        workspace_id=principal.workspace_id,
        agent_id=agent_id,
        name=body.name,
        type=body.type,
        description=body.description,
        llm=AgentModelConfig(
            provider=body.llm.provider,
            model=body.llm.model,
            temperature=body.llm.temperature,
            max_tokens=body.llm.max_tokens,
            base_url=body.llm.base_url,
            credential_id=credential_id,
        ),
        system_prompt=body.system_prompt,
        tools=tools,
        output_schema=body.output_schema,
        status=body.status,
        created_at=now,
        updated_at=now,
        created_by=principal.user_id,
    )


@router.get("/templates", response_model=list[AgentDefinition])
def list_templates(principal: Annotated[Principal, require("read:agents")]) -> list[AgentDefinition]:
    """The pre-built agents (run them by id with `POST /agents/{agent_id}/execute`)."""
    return list(PREBUILT_AGENTS.values())


@router.post("", response_model=Agent, status_code=201, responses=error_responses(409))
def create_agent(
    body: AgentWrite, services: ServicesDep, principal: Annotated[Principal, require("write:agents")]
) -> Agent:
    """Save an agent (409 if the id is taken)."""
    agent_id = body.agent_id or "agt_" + uuid.uuid4().hex
    stored = services.stores.agents.create(
        principal.workspace_id, _record(body, services, principal, agent_id)
    )
    audit(services, principal, "agent.create", agent_id, details={"name": body.name})
    return stored


@router.get("", response_model=Page[Agent])
def list_agents(
    services: ServicesDep,
    principal: Annotated[Principal, require("read:agents")],
    status: AgentStatus | None = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[Agent]:
    """Saved agents of the workspace by name, optionally of one status."""
    return services.stores.agents.list(principal.workspace_id, status=status, limit=limit, cursor=cursor)


@router.get("/{agent_id}", response_model=Agent, responses=error_responses(404))
def get_agent(
    agent_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("read:agents")]
) -> Agent:
    """A saved agent."""
    return services.stores.agents.get(principal.workspace_id, agent_id)


@router.put("/{agent_id}", response_model=Agent, responses=error_responses(404))
def update_agent(
    agent_id: ResourceId,
    body: AgentWrite,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:agents")],
) -> Agent:
    """Replace a saved agent's definition (its id and creation stamp stay)."""
    if body.agent_id is not None and body.agent_id != agent_id:
        raise _invalid("body.agent_id", "the id in the body differs from the path's")
    services.stores.agents.get(principal.workspace_id, agent_id)
    stored = services.stores.agents.update(
        principal.workspace_id, _record(body, services, principal, agent_id)
    )
    audit(services, principal, "agent.update", agent_id, details={"name": body.name})
    return stored


@router.delete("/{agent_id}", status_code=204, responses=error_responses(404))
def delete_agent(
    agent_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("delete:agents")]
) -> Response:
    """Delete a saved agent."""
    services.stores.agents.delete(principal.workspace_id, agent_id)
    audit(services, principal, "agent.delete", agent_id)
    return Response(status_code=204)


def _failure(exc: DecaError) -> ApiError | None:
    """The HTTP error of an agent run's failure; None when the common handlers know it."""
    if isinstance(exc, ProviderError | StructuredOutputInvalid | ToolError):
        return ApiError(502, exc.code, exc.message)
    if isinstance(exc, AgentError):
        path = f"body.{exc.field}" if exc.field else "body"
        return ApiError(422, exc.code, exc.message, [ErrorDetail(path=path, message=exc.message)])
    if isinstance(exc, CredentialNotFound):
        return ApiError(
            422, exc.code, exc.message, [ErrorDetail(path="body.credential", message=exc.message)]
        )
    return None


@contextmanager
def _agent_errors(services: ApiServices, principal: Principal, agent_id: str) -> Iterator[None]:
    """Audit a failed run and answer it with its HTTP error."""
    try:
        yield
    except DecaError as exc:
        audit(services, principal, "agent.execute", agent_id, result="failure", details={"code": exc.code})
        raise _failure(exc) or exc from None


def _run(
    agent_id: str, body: AgentExecute, request: Request, services: ApiServices, principal: Principal
) -> tuple[AgentConfig, NodeContext]:
    """The run's config and context; 404 for an agent neither saved nor pre-built, 409 if inactive.

    The provider key comes from the request's credential, else the saved agent's (see `resolve_agent`).
    """
    workspace_id = principal.workspace_id
    credential_id: str | None = None
    try:
        saved = services.stores.agents.get(workspace_id, agent_id)
    except NotFoundError:
        if find_prebuilt(agent_id) is None:
            raise NotFoundError(
                f"agent '{agent_id}' not found", resource="agent", resource_id=agent_id
            ) from None
    else:
        if saved.status != "active":
            raise ApiError(409, "agent_inactive", f"agent '{agent_id}' is inactive")
    if body.credential is not None:
        credential_id = _credential_id(services, workspace_id, body.credential, "body.credential")
    config = AgentConfig(
        agent_id=agent_id,
        prompt=body.prompt,
        session_id=body.session_id,
        credential_id=credential_id,
        max_iterations=body.max_iterations,
        timeout_seconds=body.timeout_seconds,
    )
    ctx = workspace_context(services, workspace_id, conversation_store(request, services))
    return config, ctx


def _usage_details(result: dict[str, Any], stream: bool) -> dict[str, JsonValue]:
    usage = result.get("usage", {})
    return {
        "model": result.get("model"),
        "input_tokens": usage.get("input_tokens"),
        "output_tokens": usage.get("output_tokens"),
        "cost_usd": result.get("cost_usd"),
        "stream": stream,
    }


@router.post(
    "/{agent_id}/execute",
    response_model=AgentAnswer,
    responses={**error_responses(404, 409), **PROVIDER_FAILED},
)
def execute_agent(
    agent_id: ResourceId,
    body: AgentExecute,
    request: Request,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:executions")],
) -> AgentAnswer:
    """Run a saved or pre-built agent on a prompt and return its answer, usage and estimated cost."""
    config, ctx = _run(agent_id, body, request, services, principal)
    with _agent_errors(services, principal, agent_id):
        _, result = run_agent_node(config, ctx)
    answer = result.model_dump(mode="json", exclude={"new_messages"})
    audit(services, principal, "agent.execute", agent_id, details=_usage_details(answer, stream=False))
    return AgentAnswer(agent_id=agent_id, session_id=body.session_id, **answer)


def _events(
    config: AgentConfig, ctx: NodeContext, services: ApiServices, principal: Principal, agent_id: str
) -> Iterator[str]:
    """The run's chunks as server-sent events; a failure ends the stream with an `error` event."""
    result: dict[str, Any] = {}
    try:
        for chunk in stream_agent_node(config, ctx):
            if chunk["type"] == "done":
                result = chunk["result"]
            yield sse_event(chunk)
    except Exception as exc:  # the response has started: report in the stream, never break it
        error = _failure(exc) if isinstance(exc, DecaError) else None
        if error is None:
            logger.exception("agent stream failed")
            error = ApiError(500, "internal_error", "internal error")
        audit(services, principal, "agent.execute", agent_id, result="failure", details={"code": error.code})
        failed: StreamChunk = {
            "type": "error",
            "error": {"code": error.code, "message": error.message, "status": error.status},
        }
        yield sse_event(failed)
        return
    audit(services, principal, "agent.execute", agent_id, details=_usage_details(result, stream=True))


@router.post(
    "/{agent_id}/execute/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-sent events: `text`, `tool_call`, `tool_result`, `usage`, then `done` "
            "with the result, or `error`",
        },
        **error_responses(404, 409),
    },
)
def execute_agent_stream(
    agent_id: ResourceId,
    body: AgentExecute,
    request: Request,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:executions")],
) -> StreamingResponse:
    """Run an agent and relay its chunks as server-sent events (`data: {json}` lines)."""
    config, ctx = _run(agent_id, body, request, services, principal)
    with _agent_errors(services, principal, agent_id):
        resolve_agent(config, ctx)  # an unusable agent is a 422 before the stream starts
    return StreamingResponse(
        _events(config, ctx, services, principal, agent_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
