"""The tool-calling loop: call the model, run the tools it asks for, feed results back, until it answers.

One generator drives both modes: `stream_agent` yields chunks as they come (text deltas, tool calls and
their results, total usage, then `done` with the result), `run_agent` consumes the same generator over
non-streamed calls and returns the `AgentResult`. The loop is bounded by `max_iterations` model calls
and by a wall-clock budget measured with an injectable monotonic clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from deca.ai.client import LlmClient, collect_stream
from deca.ai.definition import AgentDefinition, ToolDefinition
from deca.ai.errors import AgentError, StructuredOutputInvalid
from deca.ai.models import LlmRequest, LlmResponse, Message, StreamChunk, ToolCall, Usage
from deca.ai.pricing import estimate_cost
from deca.ai.structured import parse_structured, validation_problem
from deca.ai.tools import ToolRunner, tool_spec

__all__ = ["MAX_TOOL_RESULT_CHARS", "AgentResult", "AgentRun", "run_agent", "sse_event", "stream_agent"]

MAX_TOOL_RESULT_CHARS = 50_000
"""Longest tool result (as JSON text) sent back to the model; the node output keeps the whole value."""


class AgentResult(BaseModel):
    """The outcome of one agent run."""

    text: str
    data: Any = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float = 0.0
    model: str = ""
    iterations: int = 0
    finish_reason: str | None = None
    new_messages: list[Message] = Field(default_factory=list, description="Turns to remember")


@dataclass
class AgentRun:
    """Everything one run needs: the agent, a client for its provider, the tools, the prior turns."""

    definition: AgentDefinition
    client: LlmClient
    tools: ToolRunner
    history: list[Message] = field(default_factory=list)
    timeout_seconds: float = 120.0
    monotonic: Callable[[], float] = time.monotonic


def _response_chunks(response: LlmResponse) -> Iterator[StreamChunk]:
    if response.text:
        yield {"type": "text", "text": response.text}
    for call in response.tool_calls:
        yield {"type": "tool_call", "id": call.id, "name": call.name, "arguments": call.arguments}
    yield {"type": "usage", **response.usage.model_dump()}
    yield {"type": "done", "model": response.model, "finish_reason": response.finish_reason}


def _tool_result(run: AgentRun, tools: dict[str, ToolDefinition], call: ToolCall) -> tuple[Any, str | None]:
    """(result, error): a model mistake (unknown tool, bad arguments) goes back to the model as an error."""
    tool = tools.get(call.name)
    if tool is None:
        return None, f"unknown tool '{call.name}'; available: {', '.join(sorted(tools)) or 'none'}"
    problem = validation_problem(call.arguments, tool_spec(tool).parameters)
    if problem is not None:
        return None, f"invalid arguments at '{problem[0]}': {problem[1]}"
    return run.tools.call(tool, call.arguments), None


def _loop(run: AgentRun, prompt: str, *, streaming: bool) -> Iterator[StreamChunk]:
    agent = run.definition
    tools = {t.name: t for t in agent.tools}
    specs = [tool_spec(t) for t in agent.tools]
    started = run.monotonic()
    new: list[Message] = [Message(role="user", content=prompt)]
    usage, model = Usage(), agent.model
    calls: list[dict[str, Any]] = []
    for iteration in range(1, agent.max_iterations + 1):
        if run.monotonic() - started > run.timeout_seconds:
            raise AgentError(
                f"the agent ran longer than timeout_seconds={run.timeout_seconds:g}", field="timeout_seconds"
            )
        request = LlmRequest(
            model=agent.model,
            messages=run.history + new,
            system=agent.system_prompt or None,
            tools=specs,
            temperature=agent.temperature,
            max_tokens=agent.max_tokens,
            output_schema=agent.output_schema,
        )
        chunks: list[StreamChunk] = []
        source = run.client.stream(request) if streaming else _response_chunks(run.client.complete(request))
        for chunk in source:
            chunks.append(chunk)
            if chunk["type"] == "text":
                yield chunk
        response = collect_stream(chunks)
        usage, model = usage + response.usage, response.model or model
        new.append(Message(role="assistant", content=response.text, tool_calls=response.tool_calls))
        if not response.tool_calls:
            data = None
            if agent.output_schema is not None:
                try:
                    data = parse_structured(response.text, agent.output_schema)
                except StructuredOutputInvalid as exc:
                    if iteration == agent.max_iterations:
                        raise
                    new.append(
                        Message(role="user", content=f"{exc.message}. Answer again with valid JSON only.")
                    )
                    continue
            cost = estimate_cost(model, usage)
            yield {"type": "usage", **usage.model_dump(), "cost_usd": cost}
            result = AgentResult(
                text=response.text,
                data=data,
                tool_calls=calls,
                usage=usage,
                cost_usd=cost,
                model=model,
                iterations=iteration,
                finish_reason=response.finish_reason,
                new_messages=new,
            )
            yield {"type": "done", "result": result}
            return
        for call in response.tool_calls:
            yield {"type": "tool_call", "id": call.id, "name": call.name, "arguments": call.arguments}
            result_value, error = _tool_result(run, tools, call)
            record = {"id": call.id, "name": call.name, "arguments": call.arguments, "result": result_value}
            if error is not None:
                record["error"] = error
            calls.append(record)
            yield {
                "type": "tool_result",
                "id": call.id,
                "name": call.name,
                "result": result_value,
                **({"error": error} if error else {}),
            }
            content = json.dumps({"error": error} if error else result_value, ensure_ascii=False, default=str)
            if len(content) > MAX_TOOL_RESULT_CHARS:  # keep one big result from filling the context window
                content = content[:MAX_TOOL_RESULT_CHARS] + " …(truncated)"
            new.append(Message(role="tool", content=content, tool_call_id=call.id, name=call.name))
    raise AgentError(
        f"the agent gave no final answer within max_iterations={agent.max_iterations} model calls",
        field="max_iterations",
    )


def run_agent(run: AgentRun, prompt: str) -> AgentResult:
    """Run the loop to its final answer (non-streamed model calls)."""
    for chunk in _loop(run, prompt, streaming=False):
        if chunk["type"] == "done":
            result: AgentResult = chunk["result"]
            return result
    raise AgentError("the agent loop ended without an answer")  # pragma: no cover - _loop always ends so


def stream_agent(
    run: AgentRun, prompt: str, *, on_result: Callable[[AgentResult], None] | None = None
) -> Iterator[StreamChunk]:
    """Run the loop with streamed model calls, yielding JSON-ready chunks.

    The last chunk is `{"type": "done", "result": {...}}` (the AgentResult as JSON, without the turns);
    `on_result` receives the full AgentResult just before it (e.g. to remember the turns).
    """
    for chunk in _loop(run, prompt, streaming=True):
        if chunk["type"] == "done":
            result: AgentResult = chunk["result"]
            if on_result is not None:
                on_result(result)
            chunk = {"type": "done", "result": result.model_dump(mode="json", exclude={"new_messages"})}
        yield chunk


def sse_event(chunk: StreamChunk) -> str:
    """One chunk as a server-sent event: `data: {...}\n\n`."""
    return f"data: {json.dumps(chunk, ensure_ascii=False, default=str)}\n\n"
