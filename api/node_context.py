"""The node context API routes run agents and platform tools with: the caller's workspace, the app's
stores and clock, credentials decrypted with the app's envelope, and the app's conversation memory.

Conversation memory is `app.state.conversations` when an embedder set one, else built once from the
settings: MongoDB's `conversations` collection when MongoDB is configured, else a SQLite file in the data
directory (so `session_id` turns survive restarts of `deca dev`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

from api.deps import ApiServices, built_once
from deca.nodes.context import NodeContext
from deca.wiring import StoreSecrets

if TYPE_CHECKING:
    from deca.ai.memory import ConversationStore

__all__ = ["conversation_store", "workspace_context"]


def _default_conversations(services: ApiServices) -> ConversationStore:
    from api.app import mongodb_uri
    from deca.ai.memory import MongoConversations, SqliteConversations

    uri = mongodb_uri(services.settings)
    if uri:
        from pymongo import MongoClient

        client: MongoClient[dict[str, object]] = MongoClient(uri)
        return MongoConversations(client[services.settings.mongodb_database]["conversations"])
    services.settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteConversations(services.settings.data_dir / "conversations.db")


def conversation_store(request: Request, services: ApiServices) -> ConversationStore:
    """The app's conversation memory (`app.state.conversations`, built from the settings on first use)."""
    return built_once(request.app.state, "conversations", lambda: _default_conversations(services))


def workspace_context(
    services: ApiServices, workspace_id: str, conversations: ConversationStore | None = None
) -> NodeContext:
    """A node context scoped to `workspace_id` (outbound HTTP of tools through the SSRF guard)."""
    from deca import wiring
    from deca.nodes.code import CODE_RUNNER_SERVICE

    extra: dict[str, object] = {}
    if conversations is not None:
        extra["conversations"] = conversations
    runner = wiring.code_runner()
    if runner is not None:  # on AWS: user code runs in the isolated code-runner Lambda, not in the API
        extra[CODE_RUNNER_SERVICE] = runner
    return NodeContext(
        workspace_id=workspace_id,
        stores=services.stores,
        clock=services.clock,
        secrets=StoreSecrets(services.stores, services.envelope),
        http_client=wiring.outbound_http,
        services=extra,
    )
