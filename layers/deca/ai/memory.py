"""Conversation memory per session: a durable store, optionally read through a cache (Redis when set).

`CacheConversations` keeps conversations in any `deca.cache.Cache` (in-process or Redis, with a TTL);
`SqliteConversations` keeps them in a local SQLite file, `MongoConversations` in MongoDB; `CachedConversations` puts a cache in front of
a durable store (reads hit the cache, writes go to both). Every key is scoped to the workspace.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from deca.ai.models import Message

if TYPE_CHECKING:
    from deca.cache import Cache

__all__ = [
    "CacheConversations",
    "CachedConversations",
    "Conversation",
    "ConversationStore",
    "MongoConversations",
    "SqliteConversations",
    "StoredMessage",
]

SessionStatus = Literal["active", "ended", "handed_off"]
DEFAULT_TTL_SECONDS = 30 * 24 * 3600


class StoredMessage(Message):
    """A message as remembered: with the time it was added."""

    created_at: datetime | None = None


class Conversation(BaseModel):
    """One session's history and state."""

    model_config = ConfigDict(extra="forbid")

    session_id: str
    status: SessionStatus = "active"
    owner: str | None = Field(default=None, description="Agent or chatbot the session belongs to")
    user_id: str | None = None
    assignee: str | None = None
    messages: list[StoredMessage] = Field(default_factory=list)

    def history(self, limit: int | None = None) -> list[Message]:
        """The remembered turns as plain messages (the most recent `limit` when set)."""
        kept = self.messages[-limit:] if limit else self.messages
        # Start at a user turn, so a cut never separates tool calls from their results.
        start = next((i for i, m in enumerate(kept) if m.role == "user"), len(kept))
        kept = kept[start:]
        return [Message.model_validate(m.model_dump(exclude={"created_at"})) for m in kept]


class ConversationStore(Protocol):
    """Where conversations live."""

    def get(self, workspace_id: str, session_id: str) -> Conversation | None:
        """The conversation, or None if it does not exist (or expired)."""
        ...

    def put(self, workspace_id: str, conversation: Conversation) -> None:
        """Store the conversation (replacing an older copy)."""
        ...

    def delete(self, workspace_id: str, session_id: str) -> None:
        """Forget the conversation."""
        ...


def _key(workspace_id: str, session_id: str) -> str:
    return f"conversation:{workspace_id}:{session_id}"


class CacheConversations:
    """Conversations as JSON in a cache (each write renews the TTL); keeps the last `max_messages`."""

    def __init__(
        self, cache: Cache, *, ttl_seconds: float = DEFAULT_TTL_SECONDS, max_messages: int = 200
    ) -> None:
        self._cache = cache
        self._ttl = ttl_seconds
        self._max = max_messages

    def get(self, workspace_id: str, session_id: str) -> Conversation | None:
        """The conversation, or None."""
        raw = self._cache.get(_key(workspace_id, session_id))
        return Conversation.model_validate_json(raw) if raw is not None else None

    def put(self, workspace_id: str, conversation: Conversation) -> None:
        """Store the conversation, trimmed to the most recent messages."""
        trimmed = conversation.model_copy(update={"messages": conversation.messages[-self._max :]})
        self._cache.set(
            _key(workspace_id, conversation.session_id), trimmed.model_dump_json(), ttl_seconds=self._ttl
        )

    def delete(self, workspace_id: str, session_id: str) -> None:
        """Forget the conversation."""
        self._cache.delete(_key(workspace_id, session_id))


class SqliteConversations:
    """Conversations in a local SQLite file (the durable store of local runs)."""

    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS conversations (workspace_id TEXT NOT NULL, session_id TEXT NOT NULL,"
                " body TEXT NOT NULL, PRIMARY KEY (workspace_id, session_id))"
            )

    def get(self, workspace_id: str, session_id: str) -> Conversation | None:
        """The conversation, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM conversations WHERE workspace_id = ? AND session_id = ?",
                (workspace_id, session_id),
            ).fetchone()
        return Conversation.model_validate_json(row[0]) if row else None

    def put(self, workspace_id: str, conversation: Conversation) -> None:
        """Store the conversation."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO conversations (workspace_id, session_id, body) VALUES (?, ?, ?)",
                (workspace_id, conversation.session_id, conversation.model_dump_json()),
            )

    def delete(self, workspace_id: str, session_id: str) -> None:
        """Forget the conversation."""
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM conversations WHERE workspace_id = ? AND session_id = ?",
                (workspace_id, session_id),
            )

    def close(self) -> None:
        """Close the file."""
        self._db.close()


class CachedConversations:
    """A durable store read through a cache: a cache hit skips the store, every write goes to both."""

    def __init__(self, store: ConversationStore, cache: ConversationStore) -> None:
        self._store = store
        self._cache = cache

    def get(self, workspace_id: str, session_id: str) -> Conversation | None:
        """The cached conversation, else the stored one (then cached)."""
        cached = self._cache.get(workspace_id, session_id)
        if cached is not None:
            return cached
        stored = self._store.get(workspace_id, session_id)
        if stored is not None:
            self._cache.put(workspace_id, stored)
        return stored

    def put(self, workspace_id: str, conversation: Conversation) -> None:
        """Write to the store, then the cache."""
        self._store.put(workspace_id, conversation)
        self._cache.put(workspace_id, conversation)

    def delete(self, workspace_id: str, session_id: str) -> None:
        """Forget it in both."""
        self._store.delete(workspace_id, session_id)
        self._cache.delete(workspace_id, session_id)


class MongoConversations:
    """Conversations in a MongoDB collection (one document per workspace and session)."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def get(self, workspace_id: str, session_id: str) -> Conversation | None:
        """The conversation, or None."""
        doc = self._collection.find_one({"_id": _key(workspace_id, session_id)})
        return Conversation.model_validate_json(doc["body"]) if doc else None

    def put(self, workspace_id: str, conversation: Conversation) -> None:
        """Store the conversation."""
        key = _key(workspace_id, conversation.session_id)
        doc = {"_id": key, "workspace_id": workspace_id, "body": conversation.model_dump_json()}
        self._collection.replace_one({"_id": key}, doc, upsert=True)

    def delete(self, workspace_id: str, session_id: str) -> None:
        """Forget the conversation."""
        self._collection.delete_one({"_id": _key(workspace_id, session_id)})
