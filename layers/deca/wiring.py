"""Adapters built from `Settings` for Lambda handlers: cached factories (`cache_clear()` them in tests).

Every factory builds on first call, so a warm Lambda reuses its clients and a test's mocks are already
active when they are built.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from deca.settings import Settings

if TYPE_CHECKING:
    import httpx
    from pymongo import MongoClient

    from deca.ai.memory import ConversationStore
    from deca.cache import Cache
    from deca.crypto import Envelope
    from deca.deca_data.embeddings import Embedder
    from deca.deca_data.stores import DecaDataStores
    from deca.hitl.service import HumanTaskService
    from deca.net import OutboundPolicy
    from deca.nodes.code import CodeRunner
    from deca.nodes.context import NodeContext, SecretResolver
    from deca.nodes.task import NodeTask
    from deca.stores import Stores
    from deca.tasks.object_store import ObjectStore

__all__ = [
    "StoreSecrets",
    "cache",
    "code_runner",
    "conversations",
    "deca_data",
    "embedder",
    "envelope",
    "human_tasks",
    "mongo_client",
    "node_context",
    "outbound_http",
    "outbound_policy",
    "secrets",
    "settings",
    "stores",
]

CACHE_URL_VARIABLE = "DECA_CACHE_URL"
"""`redis://` / `rediss://` (ElastiCache) or `memory://` (the default)."""
CODE_RUNNER_VARIABLE = "DECA_CODE_RUNNER_FUNCTION"
"""Name of the isolated code-runner Lambda (set by cdk on the code node); unset: the sandbox runs locally."""
EMBEDDING_VARIABLES = ("DECA_EMBEDDING_MODEL", "DECA_EMBEDDING_BASE_URL", "DECA_EMBEDDING_DIMENSIONS")
"""Knowledge-base embeddings: an OpenAI(-compatible) model when DECA_EMBEDDING_MODEL is set (key in
OPENAI_API_KEY), else the deterministic local hashing embedder. DECA_PAGES_BASE_URL: public root of
published pages (default `/sites`)."""


@functools.cache
def settings() -> Settings:
    """The process's settings, read once from `DECA_*` variables."""
    return Settings.from_env()


@functools.cache
def mongo_client() -> MongoClient[dict[str, object]]:
    """The MongoDB client of `mongodb_uri` (connects lazily)."""
    import pymongo

    return pymongo.MongoClient(settings().mongodb_uri)


@functools.cache
def stores() -> Stores:
    """MongoDB when `mongodb_uri` is set, else the local SQLite file."""
    from deca.stores import mongo_stores, sqlite_stores

    current = settings()
    if current.mongodb_uri:
        return mongo_stores(mongo_client(), current.mongodb_database)
    current.data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_stores(current.sqlite_path)


@functools.cache
def cache() -> Cache:
    """Redis when `DECA_CACHE_URL` names one, else an in-process cache."""
    from deca.cache import cache_from_url

    return cache_from_url(os.environ.get(CACHE_URL_VARIABLE, "memory://"))


@functools.cache
def envelope() -> Envelope:
    """Credential encryption: the KMS key when `kms_key_id` is set, else the local key file."""
    from deca.crypto import Envelope, KmsKeyEncryptionKey, LocalKeyEncryptionKey

    current = settings()
    if current.kms_key_id:
        import boto3

        return Envelope(KmsKeyEncryptionKey(boto3.client("kms"), current.kms_key_id))
    return Envelope(LocalKeyEncryptionKey.from_file(current.local_kek_file))


class StoreSecrets:
    """A SecretResolver over the workspace's stored, envelope-encrypted credentials."""

    def __init__(self, stores: Stores, envelope: Envelope) -> None:
        self._stores = stores
        self._envelope = envelope

    def resolve(self, workspace_id: str, credential_id: str) -> Mapping[str, str]:
        """The credential's fields (a plain string value becomes `{"api_key": value}`)."""
        from deca.crypto import credential_context
        from deca.errors import NotFoundError
        from deca.nodes.context import CredentialNotFound

        try:
            record = self._stores.credentials.get(workspace_id, credential_id)
        except NotFoundError:
            raise CredentialNotFound(f"credential '{credential_id}' not found") from None
        value = self._envelope.open_json(
            record.encrypted_value, credential_context(workspace_id, credential_id)
        )
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items() if v is not None}
        return {"api_key": str(value)}


@functools.cache
def secrets() -> SecretResolver:
    """Credentials decrypted from the stores."""
    return StoreSecrets(stores(), envelope())


@functools.cache
def conversations() -> ConversationStore:
    """Agent memory: MongoDB or the local SQLite file, read through the cache when it is Redis."""
    from deca.ai.memory import (
        CacheConversations,
        CachedConversations,
        MongoConversations,
        SqliteConversations,
    )

    current = settings()
    durable: ConversationStore
    if current.mongodb_uri:
        durable = MongoConversations(mongo_client()[current.mongodb_database]["conversations"])
    else:
        current.data_dir.mkdir(parents=True, exist_ok=True)
        durable = SqliteConversations(current.data_dir / "conversations.db")
    if os.environ.get(CACHE_URL_VARIABLE, "memory://").startswith("redis"):
        return CachedConversations(durable, CacheConversations(cache(), ttl_seconds=3600))
    return durable


@functools.cache
def outbound_policy() -> OutboundPolicy:
    """The SSRF guard's policy, with the `outbound_allow_list` setting."""
    from deca.net import OutboundPolicy

    return OutboundPolicy.from_setting(settings().outbound_allow_list)


def outbound_http() -> httpx.Client:
    """An HTTP client whose every request and redirect passes the SSRF guard (for user-aimed calls)."""
    from deca.net import guarded_client

    return guarded_client(outbound_policy())


@functools.cache
def embedder() -> Embedder:
    """The knowledge-base embedder: the configured OpenAI-compatible model, else local feature hashing."""
    from deca.deca_data.embeddings import HashingEmbedder, OpenAIEmbedder

    model = os.environ.get("DECA_EMBEDDING_MODEL")
    if not model:
        return HashingEmbedder()
    return OpenAIEmbedder.connect(
        api_key=os.environ.get("OPENAI_API_KEY", ""),
        base_url=os.environ.get("DECA_EMBEDDING_BASE_URL") or None,
        model=model,
        dimensions=int(os.environ.get("DECA_EMBEDDING_DIMENSIONS", "1536")),
    )


@functools.cache
def deca_data() -> DecaDataStores:
    """Pages, forms, knowledge bases, CRM and tables: MongoDB (Atlas Vector Search) or the local SQLite file."""
    from deca.deca_data.stores import DEFAULT_PAGES_BASE_URL, mongo_deca_data, sqlite_deca_data

    current = settings()
    pages = os.environ.get("DECA_PAGES_BASE_URL", DEFAULT_PAGES_BASE_URL)
    if current.mongodb_uri:
        database = mongo_client()[current.mongodb_database]
        return mongo_deca_data(database, embedder=embedder(), pages_base_url=pages)
    current.data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_deca_data(current.sqlite_path, embedder=embedder(), pages_base_url=pages)


@functools.cache
def code_runner() -> CodeRunner | None:
    """The code-runner Lambda when `DECA_CODE_RUNNER_FUNCTION` names one (None: run the sandbox here)."""
    name = os.environ.get(CODE_RUNNER_VARIABLE)
    if not name:
        return None
    import boto3

    from deca.nodes.code import LambdaCodeRunner

    return LambdaCodeRunner(boto3.client("lambda"), name)


@functools.cache
def human_tasks() -> HumanTaskService:
    """Approval/form requests (opened by callback nodes; answers need an engine as callbacks)."""
    from deca.hitl.setup import human_task_service

    current = settings()
    return human_task_service(current, mongo_client=mongo_client() if current.mongodb_uri else None)


def _payload_store() -> ObjectStore:
    from deca.tasks.wiring import object_store

    return object_store()


def node_context(task: NodeTask) -> NodeContext:
    """The context a node Lambda runs with: the task's workspace, real stores, secrets and memory."""
    from deca.clock import SystemClock
    from deca.nodes.context import NodeContext

    return NodeContext(
        workspace_id=task.workspace_id,
        stores=stores(),
        clock=SystemClock(),
        secrets=secrets(),
        http_client=outbound_http,
        services={
            "conversations": conversations(),
            "deca_data": deca_data(),  # cached per process; opening it does no I/O on MongoDB
            "human_tasks": human_tasks,  # built on first use by an approval or form node
            "payload_store": _payload_store(),  # large outputs by reference (S3 or the data dir)
            **({"code_runner": runner} if (runner := code_runner()) is not None else {}),
        },
    )
