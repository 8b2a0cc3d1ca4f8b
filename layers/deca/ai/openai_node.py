"""The openai node's operations on `OpenAIChatClient`: chat, embedding, moderation, image."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from deca.ai.errors import StructuredOutputInvalid
from deca.ai.models import LlmRequest, Message, Usage
from deca.ai.pricing import estimate_cost
from deca.ai.providers import openai_client

if TYPE_CHECKING:
    from deca.nodes.context import NodeContext
    from deca.nodes.openai import OpenAIConfig, OpenAIOutput, OpenAIUsage

__all__ = ["run_openai"]


def _usage(model: str, usage: Usage) -> OpenAIUsage:
    from deca.nodes.openai import OpenAIUsage

    return OpenAIUsage(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=estimate_cost(model, usage),
    )


def _inputs(config: OpenAIConfig) -> list[str]:
    value = config.input or []
    return [value] if isinstance(value, str) else list(value)


def _chat(config: OpenAIConfig, ctx: NodeContext) -> OpenAIOutput:
    from deca.nodes.openai import OpenAIOutput

    client = openai_client(ctx, credential_id=config.credential_id, base_url=config.base_url)
    messages = config.messages or []
    system = "\n\n".join(m.content for m in messages if m.role == "system") or None
    request = LlmRequest(
        model=config.model,
        system=system,
        messages=[Message(role=m.role, content=m.content) for m in messages if m.role != "system"],
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        json_mode=config.response_format == "json_object",
    )
    response = client.complete(request)
    data = None
    if config.response_format == "json_object":
        try:
            data = json.loads(response.text)
        except json.JSONDecodeError as exc:
            raise StructuredOutputInvalid(
                f"the answer is not JSON ({exc.msg}): {response.text[:200]!r}"
            ) from None
    return OpenAIOutput(
        text=response.text,
        data=data,
        finish_reason=response.finish_reason,
        usage=_usage(response.model, response.usage),
        model=response.model,
    )


def run_openai(config: OpenAIConfig, ctx: NodeContext) -> OpenAIOutput:
    """Run one operation of the openai node."""
    from deca.nodes.openai import OpenAIOutput

    if config.operation == "chat":
        return _chat(config, ctx)
    client = openai_client(ctx, credential_id=config.credential_id, base_url=config.base_url)
    if config.operation == "embedding":
        vectors, usage, model = client.embed(config.model, _inputs(config))
        return OpenAIOutput(embeddings=vectors, usage=_usage(model, usage), model=model)
    if config.operation == "moderation":
        flagged, categories, model = client.moderate(config.model, _inputs(config))
        return OpenAIOutput(flagged=flagged, categories=categories, model=model)
    images = client.images(config.model, config.prompt or "", size=config.size, n=config.n)
    return OpenAIOutput(images=images, model=config.model)
