"""Build the `LlmClient` of an agent's provider from its credential (or the environment).

Resolution: a client the wiring put in `ctx.services["llm_clients"][provider]` wins (tests, custom
integrations); else the SDK client is built with the credential's `api_key` (and optional `base_url`),
or without a credential from the SDK's own environment variables (`OPENAI_API_KEY`, `OPENAI_BASE_URL`,
`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`). An OpenAI-compatible server needs no key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from deca.ai.client import DEFAULT_TIMEOUT_SECONDS, LlmClient
from deca.ai.errors import ProviderAuthError

if TYPE_CHECKING:
    from deca.ai.openai_client import OpenAIChatClient
    from deca.nodes.context import NodeContext

__all__ = ["build_client", "credential_fields", "openai_client"]


def credential_fields(ctx: NodeContext, credential_id: str | None) -> Mapping[str, str]:
    """The credential's fields, or none when no credential is named (the environment is used)."""
    return ctx.secrets.resolve(ctx.workspace_id, credential_id) if credential_id else {}


def _sdk_errors(provider: str, exc: Exception, credential_id: str | None) -> ProviderAuthError:
    where = f"credential '{credential_id}'" if credential_id else "the environment"
    return ProviderAuthError(
        f"no usable {provider} API key in {where} (config.credential_id): {exc}", provider=provider
    )


def openai_client(
    ctx: NodeContext,
    *,
    credential_id: str | None,
    base_url: str | None = None,
    provider: str = "openai",
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> OpenAIChatClient:
    """An OpenAIChatClient for OpenAI itself or an OpenAI-compatible `base_url`."""
    import openai

    from deca.ai.openai_client import OpenAIChatClient

    fields = credential_fields(ctx, credential_id)
    api_key = fields.get("api_key") or fields.get("token")
    if api_key is None and provider == "openai_compatible":
        api_key = "not-needed"  # local model servers accept any key
    try:
        return OpenAIChatClient(
            api_key=api_key,  # type: ignore[arg-type]  # None: the SDK reads OPENAI_API_KEY
            base_url=base_url or fields.get("base_url"),
            http_client=ctx.services.get("llm_http_client"),
            timeout=timeout,
            provider=provider,
        )
    except openai.OpenAIError as exc:
        raise _sdk_errors(provider, exc, credential_id) from exc


def _anthropic(ctx: NodeContext, credential_id: str | None, timeout: float) -> LlmClient:
    import anthropic

    from deca.ai.anthropic_client import AnthropicClient

    fields = credential_fields(ctx, credential_id)
    api_key: Any = fields.get("api_key") or fields.get("token")
    try:
        client = AnthropicClient(
            api_key=api_key,
            base_url=fields.get("base_url"),
            http_client=ctx.services.get("llm_http_client"),
            timeout=timeout,
        )
    except anthropic.AnthropicError as exc:
        raise _sdk_errors("anthropic", exc, credential_id) from exc
    if api_key is None and not _anthropic_has_key(client):
        raise ProviderAuthError(
            "no anthropic API key: set config.credential_id or ANTHROPIC_API_KEY", provider="anthropic"
        )
    return client


def _anthropic_has_key(client: Any) -> bool:
    sdk = getattr(client, "_sdk", None)
    return bool(getattr(sdk, "api_key", None) or getattr(sdk, "auth_token", None))


def build_client(
    ctx: NodeContext,
    provider: str,
    *,
    credential_id: str | None,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> LlmClient:
    """The client for `provider` (see the module doc for where keys and endpoints come from)."""
    injected: Mapping[str, LlmClient] = ctx.services.get("llm_clients", {})
    if provider in injected:
        return injected[provider]
    if provider == "anthropic":
        return _anthropic(ctx, credential_id, timeout)
    return openai_client(
        ctx, credential_id=credential_id, base_url=base_url, provider=provider, timeout=timeout
    )
