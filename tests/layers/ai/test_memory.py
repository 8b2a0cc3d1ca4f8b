"""Conversation memory: cache-backed (in-process and Redis), SQLite, MongoDB and read-through caching."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mongomock
import pytest
from redis import Redis

from deca.ai.memory import (
    CacheConversations,
    CachedConversations,
    Conversation,
    ConversationStore,
    MongoConversations,
    SqliteConversations,
    StoredMessage,
)
from deca.cache import MemoryCache, RedisCache
from tests.fakes.clock import FakeClock
from tests.fakes.redis_server import redis_binary, redis_server


def _conversation(session_id: str = "s1", *texts: str) -> Conversation:
    return Conversation(
        session_id=session_id, messages=[StoredMessage(role="user", content=t) for t in texts]
    )


@pytest.fixture(params=["memory-cache", "sqlite", "mongo", "cached"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ConversationStore]:
    """Every conversation store."""
    if request.param == "memory-cache":
        yield CacheConversations(MemoryCache())
    elif request.param == "sqlite":
        sqlite = SqliteConversations(tmp_path / "c.db")
        yield sqlite
        sqlite.close()
    elif request.param == "mongo":
        yield MongoConversations(mongomock.MongoClient()["deca"]["conversations"])
    else:
        yield CachedConversations(SqliteConversations(tmp_path / "c.db"), CacheConversations(MemoryCache()))


def test_stored_conversation_is_read_back(store: ConversationStore) -> None:
    store.put("ws", _conversation("s1", "hello"))

    found = store.get("ws", "s1")

    assert found is not None and [m.content for m in found.messages] == ["hello"]


def test_conversation_of_another_workspace_is_not_found(store: ConversationStore) -> None:
    store.put("ws", _conversation("s1", "hello"))

    assert store.get("other", "s1") is None


def test_deleted_conversation_is_gone(store: ConversationStore) -> None:
    store.put("ws", _conversation("s1", "hello"))

    store.delete("ws", "s1")

    assert store.get("ws", "s1") is None


def test_cache_store_keeps_only_the_latest_messages() -> None:
    store = CacheConversations(MemoryCache(), max_messages=2)

    store.put("ws", _conversation("s1", "a", "b", "c"))

    found = store.get("ws", "s1")
    assert found is not None and [m.content for m in found.messages] == ["b", "c"]


def test_cache_store_forgets_after_its_ttl() -> None:
    clock = FakeClock()
    store = CacheConversations(MemoryCache(clock), ttl_seconds=60)
    store.put("ws", _conversation("s1", "a"))

    clock.advance(61)

    assert store.get("ws", "s1") is None


def test_cached_store_refills_the_cache_from_the_durable_store(tmp_path: Path) -> None:
    durable, cache = SqliteConversations(tmp_path / "c.db"), CacheConversations(MemoryCache())
    durable.put("ws", _conversation("s1", "a"))

    CachedConversations(durable, cache).get("ws", "s1")

    assert cache.get("ws", "s1") is not None


def test_history_starts_at_a_user_turn() -> None:
    conversation = Conversation(
        session_id="s",
        messages=[
            StoredMessage(role="user", content="q1"),
            StoredMessage(role="assistant", content=""),
            StoredMessage(role="tool", content="r", tool_call_id="t"),
            StoredMessage(role="assistant", content="a1"),
            StoredMessage(role="user", content="q2"),
        ],
    )

    assert [m.content for m in conversation.history(limit=3)] == ["q2"]


@pytest.mark.skipif(redis_binary() is None, reason="redis-server is not installed")
def test_conversations_live_in_redis(tmp_path: Path) -> None:
    with redis_server(tmp_path) as port:
        client = Redis(host="127.0.0.1", port=port)
        CacheConversations(RedisCache(client, prefix="t:")).put("ws", _conversation("s1", "hi"))

        reread = CacheConversations(RedisCache(Redis(host="127.0.0.1", port=port), prefix="t:")).get(
            "ws", "s1"
        )

        assert reread is not None and reread.messages[0].content == "hi"
        assert client.ttl("t:conversation:ws:s1") > 0
