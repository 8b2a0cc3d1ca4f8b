"""The one place adapters are built from `Settings`: stores, the cache, the envelope, node contexts.

The `open_*` builders take the settings they build from (the API's `create_app`, `deca dev` and tests call
them); the cached factories below them build each adapter once per process from the `DECA_*` variables,
for Lambda handlers (`cache_clear()` them in tests). Every factory builds on first call, so a warm Lambda
reuses its clients and a test's mocks are already active when they are built.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from deca.settings import Settings

if TYPE_CHECKING:
    import httpx
    from pymongo import MongoClient

    from deca.ai.memory import ConversationStore
    from deca.cache import Cache
    from deca.clock import Clock
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
    "guarded_http",
    "human_tasks",
    "mongo_client",
    "mongodb_uri",
    "node_context",
    "node_context_factory",
    "open_cache",
    "open_conversations",
    "open_deca_data",
    "open_envelope",
    "open_object_store",
    "open_stores",
    "outbound_http",
    "outbound_policy",
    "secrets",
    "settings",
    "stores",
    "uses_shared_cache",
    "with_mongodb_uri",
]

CACHE_URL_VARIABLE = "DECA_CACHE_URL"
"""`redis://` / `rediss://` (ElastiCache) or `memory://` (the default); `REDIS_URL` when this is unset."""
CODE_RUNNER_VARIABLE = "DECA_CODE_RUNNER_FUNCTION"
"""Name of the isolated code-runner Lambda (set by cdk on the code node); unset: the sandbox runs locally."""
OBJECTS_BUCKET_VARIABLE = "DECA_OBJECTS_BUCKET"
"""S3 bucket of exports, reports and large node outputs; unset: `<data dir>/objects`."""
EMBEDDING_VARIABLES = ("DECA_EMBEDDING_MODEL", "DECA_EMBEDDING_BASE_URL", "DECA_EMBEDDING_DIMENSIONS")
"""Knowledge-base embeddings: an OpenAI(-compatible) model when DECA_EMBEDDING_MODEL is set (key in
OPENAI_API_KEY), else the deterministic local hashing embedder. DECA_PAGES_BASE_URL: public root of
published pages (default `/sites`)."""


# ---- builders from explicit settings ---------------------------------------------------------------


def mongodb_uri(settings: Settings) -> str | None:
    """The MongoDB connection string: `mongodb_uri`, else the Secrets Manager secret `mongodb_secret_arn` names."""
    if settings.mongodb_uri or not settings.mongodb_secret_arn:
        return settings.mongodb_uri
    import boto3

    secret = boto3.client("secretsmanager").get_secret_value(SecretId=settings.mongodb_secret_arn)
    uri: str = secret["SecretString"].strip()
    return uri


def with_mongodb_uri(settings: Settings) -> Settings:
    """`settings` with `mongodb_uri` read from the secret when only `mongodb_secret_arn` is set."""
    uri = mongodb_uri(settings)
    return settings if uri == settings.mongodb_uri else settings.model_copy(update={"mongodb_uri": uri})


def uses_shared_cache(settings: Settings) -> bool:
    """Whether the cache URL names Redis (shared by every process), not the in-process cache."""
    return (settings.cache_url or "").split(":", 1)[0].lower() in {"redis", "rediss"}


def open_cache(settings: Settings, *, clock: Clock | None = None) -> Cache:
    """Redis when `cache_url` (`DECA_CACHE_URL`, else `REDIS_URL`) names one, else an in-process cache."""
    from deca.cache import cache_from_url

    return cache_from_url(settings.cache_url or "memory://", clock=clock)


def open_stores(
    settings: Settings,
    *,
    cache: Cache | None = None,
    mongo: MongoClient[dict[str, object]] | None = None,
    embedded: bool = False,
) -> Stores:
    """MongoDB when a connection string is configured (or the secret holding one), else the SQLite file.

    With a shared (Redis) cache configured, flows and executions are read through it (`cache`, when
    given, is used instead of opening another client). `embedded=True` (`deca dev`): always the SQLite
    file in the data directory, never a shared cache. `mongo` is an open client of the configured URI.
    """
    from deca.stores import mongo_stores, sqlite_stores

    uri = None if embedded else mongodb_uri(settings)
    durable: Stores
    if uri:
        if mongo is None:
            import pymongo

            mongo = pymongo.MongoClient(uri)
        durable = mongo_stores(mongo, settings.mongodb_database)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        durable = sqlite_stores(settings.sqlite_path)
    if embedded or not uses_shared_cache(settings):
        return durable
    from deca.stores.cached import cached_stores

    return cached_stores(durable, cache or open_cache(settings), ttl_seconds=settings.cache_ttl_seconds)


def open_envelope(settings: Settings) -> Envelope:
    """Credential encryption under the KMS key when `kms_key_id` is set, else the local key file."""
    from deca.crypto import Envelope, KmsKeyEncryptionKey, LocalKeyEncryptionKey

    if settings.kms_key_id:
        import boto3

        return Envelope(KmsKeyEncryptionKey(boto3.client("kms"), settings.kms_key_id))
    return Envelope(LocalKeyEncryptionKey.from_file(settings.local_kek_file))


def open_object_store(settings: Settings, *, embedded: bool = False) -> ObjectStore:
    """S3 when `DECA_OBJECTS_BUCKET` is set (and not `embedded`), else a directory under the data dir."""
    from deca.tasks.object_store import LocalDirectoryStore, S3ObjectStore

    bucket = None if embedded else os.environ.get(OBJECTS_BUCKET_VARIABLE)
    if bucket:
        import boto3

        return S3ObjectStore(boto3.client("s3"), bucket)
    return LocalDirectoryStore(settings.data_dir / "objects")


def open_deca_data(
    settings: Settings,
    *,
    clock: Clock | None = None,
    mongo: MongoClient[dict[str, object]] | None = None,
    embedded: bool = False,
) -> DecaDataStores:
    """Pages, forms, knowledge bases, CRM and tables: MongoDB (Atlas Vector Search) or the SQLite file."""
    from deca.deca_data.stores import DEFAULT_PAGES_BASE_URL, mongo_deca_data, sqlite_deca_data

    pages = os.environ.get("DECA_PAGES_BASE_URL", DEFAULT_PAGES_BASE_URL)
    uri = None if embedded else settings.mongodb_uri
    if uri:
        if mongo is None:
            import pymongo

            mongo = pymongo.MongoClient(uri)
        database = mongo[settings.mongodb_database]
        return mongo_deca_data(database, clock=clock, embedder=embedder(), pages_base_url=pages)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_deca_data(settings.sqlite_path, clock=clock, embedder=embedder(), pages_base_url=pages)


def node_context_factory(
    settings: Settings,
    stores: Stores,
    *,
    clock: Clock | None = None,
    secrets: SecretResolver | None = None,
    http_client: Callable[[], httpx.Client] | None = None,
    deca_data: DecaDataStores | None = None,
    payload_store: ObjectStore | None = None,
    services: Mapping[str, Any] | None = None,
    embedded: bool = False,
) -> Callable[[str], NodeContext]:
    """Node contexts of one workspace each, on `stores`: DECA data and the payload store (built from
    `settings` unless given), then `services`. Without `secrets` a node finds no credential; without
    `http_client` it gets a plain client.
    """
    from deca.clock import SystemClock
    from deca.nodes.context import NodeContext, StaticSecrets
    from deca.nodes.payloads import PAYLOAD_STORE_SERVICE

    clock = clock or SystemClock()
    data = deca_data or open_deca_data(settings, clock=clock, embedded=embedded)
    payloads = payload_store or open_object_store(settings, embedded=embedded)
    resolver: SecretResolver = secrets or StaticSecrets()
    extra = dict(services or {})

    def context(workspace_id: str) -> NodeContext:
        return NodeContext(
            workspace_id=workspace_id,
            stores=stores,
            clock=clock,
            secrets=resolver,
            http_client=http_client,
            services={"deca_data": data, PAYLOAD_STORE_SERVICE: payloads, **extra},
        )

    return context


# ---- per-process factories from the environment (Lambda handlers) -----------------------------------


@functools.cache
def settings() -> Settings:
    """The process's settings, read once from `DECA_*` variables (the MongoDB URI read from its secret)."""
    return with_mongodb_uri(Settings.from_env())


@functools.cache
def mongo_client() -> MongoClient[dict[str, object]]:
    """The MongoDB client of `mongodb_uri` (connects lazily)."""
    import pymongo

    return pymongo.MongoClient(settings().mongodb_uri)


@functools.cache
def stores() -> Stores:
    """MongoDB when `mongodb_uri` (or its secret) is set, else the local SQLite file; behind Redis if set."""
    current = settings()
    return open_stores(
        current,
        cache=cache() if uses_shared_cache(current) else None,
        mongo=mongo_client() if current.mongodb_uri else None,
    )


@functools.cache
def cache() -> Cache:
    """Redis when `DECA_CACHE_URL` (else `REDIS_URL`) names one, else an in-process cache."""
    return open_cache(settings())


@functools.cache
def envelope() -> Envelope:
    """Credential encryption: the KMS key when `kms_key_id` is set, else the local key file."""
    return open_envelope(settings())


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


def open_conversations(
    settings: Settings, *, mongo: MongoClient[dict[str, object]] | None = None, cache: Cache | None = None
) -> ConversationStore:
    """Agent memory: MongoDB or the local SQLite file, read through `cache` when it is shared (Redis)."""
    from deca.ai.memory import (
        CacheConversations,
        CachedConversations,
        MongoConversations,
        SqliteConversations,
    )

    durable: ConversationStore
    if mongo is not None:
        durable = MongoConversations(mongo[settings.mongodb_database]["conversations"])
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        durable = SqliteConversations(settings.data_dir / "conversations.db")
    if cache is not None and uses_shared_cache(settings):
        return CachedConversations(durable, CacheConversations(cache, ttl_seconds=3600))
    return durable


def guarded_http(settings: Settings) -> Callable[[], httpx.Client]:
    """Builds HTTP clients whose every request and redirect passes the SSRF guard (with the allow-list)."""
    from deca.net import OutboundPolicy, guarded_client

    policy = OutboundPolicy.from_setting(settings.outbound_allow_list)
    return lambda: guarded_client(policy)


@functools.cache
def conversations() -> ConversationStore:
    """The process's agent memory (see `open_conversations`)."""
    current = settings()
    return open_conversations(
        current,
        mongo=mongo_client() if current.mongodb_uri else None,
        cache=cache() if uses_shared_cache(current) else None,
    )


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
    current = settings()
    return open_deca_data(current, mongo=mongo_client() if current.mongodb_uri else None)


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
    runner = code_runner()
    return node_context_factory(
        settings(),
        stores(),
        secrets=secrets(),
        http_client=outbound_http,
        deca_data=deca_data(),  # cached per process; opening it does no I/O on MongoDB
        payload_store=_payload_store(),  # large outputs by reference (S3 or the data dir)
        services={
            "conversations": conversations(),
            "human_tasks": human_tasks,  # built on first use by an approval or form node
            **({"code_runner": runner} if runner is not None else {}),
        },
    )(task.workspace_id)
