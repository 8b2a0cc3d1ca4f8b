"""The one builder of adapters from settings: MongoDB from its secret, the Redis read-through cache, the
REDIS_URL fallback, node contexts (deca dev's and the Lambdas')."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import mongomock
import pytest
import redis
from fastapi.testclient import TestClient
from moto import mock_aws

from api.app import create_app
from deca import wiring
from deca.settings import Settings
from deca.stores.cached import CachedExecutions, CachedFlows
from deca.tasks.object_store import LocalDirectoryStore
from tests.fakes import records
from tests.fakes.redis_server import redis_binary, redis_server

_FACTORIES = (wiring.settings, wiring.mongo_client, wiring.stores, wiring.cache)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server for the module."""
    if redis_binary() is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs the Debian package)")
    with redis_server(tmp_path_factory.mktemp("redis")) as port:
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    """A client of the emptied database."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """A Lambda-like environment with a temp data dir; the per-process factories rebuilt around the test."""
    monkeypatch.setenv("DECA_DATA_DIR", str(tmp_path))
    for variable in ("DECA_MONGODB_URI", "DECA_MONGODB_SECRET_ARN", "DECA_CACHE_URL", "REDIS_URL"):
        monkeypatch.delenv(variable, raising=False)
    for factory in _FACTORIES:
        factory.cache_clear()
    yield monkeypatch
    for factory in _FACTORIES:
        factory.cache_clear()


def test_redis_url_is_the_cache_url_unless_deca_cache_url_is_set() -> None:
    assert Settings.from_env({"REDIS_URL": "redis://r:6379/0"}).cache_url == "redis://r:6379/0"
    both = {"REDIS_URL": "redis://r:6379/0", "DECA_CACHE_URL": "rediss://cache:6380/1"}
    assert Settings.from_env(both).cache_url == "rediss://cache:6380/1"
    assert Settings.from_env({}).cache_url is None


def test_lambda_stores_use_the_mongodb_uri_of_the_secret(lambda_env: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    client: Any = mongomock.MongoClient()

    def connect(uri: str) -> Any:
        opened.append(uri)
        return client

    lambda_env.setattr("pymongo.MongoClient", connect)
    with mock_aws():
        secret = boto3.client("secretsmanager").create_secret(
            Name="deca/dev/mongodb-atlas", SecretString="mongodb+srv://u:p@cluster0.example.net/\n"
        )
        lambda_env.setenv("DECA_MONGODB_SECRET_ARN", secret["ARN"])

        wiring.stores().workspaces.create("ws-1", records.workspace("ws-1"))

    assert opened == ["mongodb+srv://u:p@cluster0.example.net/"]
    assert wiring.settings().mongodb_uri == "mongodb+srv://u:p@cluster0.example.net/"
    assert client["deca"]["workspaces"].count_documents({"workspace_id": "ws-1"}) == 1


def test_lambda_stores_read_flows_and_executions_through_redis(
    lambda_env: pytest.MonkeyPatch, redis_url: str, redis_client: redis.Redis
) -> None:
    lambda_env.setenv("REDIS_URL", redis_url)

    stores = wiring.stores()
    stores.flows.create_with_version("ws-1", records.flow(), records.flow_version())
    stores.flows.get_version("ws-1", "flow-1", 1)

    assert redis_client.exists("deca:store:flow-version:ws-1:flow-1:1") == 1
    assert isinstance(stores.executions, CachedExecutions)


def test_deca_dev_stores_stay_embedded_and_uncached(tmp_path: Path, redis_url: str) -> None:
    settings = Settings(data_dir=tmp_path, cache_url=redis_url, mongodb_uri="mongodb://127.0.0.1:1/")

    stores = wiring.open_stores(settings, embedded=True)
    try:
        stores.workspaces.create("ws-1", records.workspace("ws-1"))
        assert not isinstance(stores.flows, CachedFlows)
        assert settings.sqlite_path.is_file()
    finally:
        stores.close()


def test_the_api_reads_through_the_redis_cache_when_configured(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    app = create_app(Settings(data_dir=tmp_path, cache_url=redis_url, cache_ttl_seconds=30))

    with TestClient(app):
        stores = app.state.services.stores
        stores.executions.create("ws-1", records.execution())
        assert stores.executions.get("ws-1", "exec-1").status == "running"

        assert 0 < int(redis_client.ttl("deca:store:execution:ws-1:exec-1")) <= 30


def test_node_contexts_get_deca_data_and_payloads_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECA_OBJECTS_BUCKET", "deca-objects")  # a Lambda's: deca dev keeps payloads on disk
    settings = Settings(data_dir=tmp_path)
    stores = wiring.open_stores(settings, embedded=True)
    try:
        contexts = wiring.node_context_factory(settings, stores, embedded=True)

        one, other = contexts("ws-1"), contexts("ws-2")

        assert (one.workspace_id, other.workspace_id) == ("ws-1", "ws-2")
        assert one.stores is stores and one.services["deca_data"] is other.services["deca_data"]
        payloads = one.services["payload_store"]
        assert isinstance(payloads, LocalDirectoryStore)
        payloads.put("ws-1/big.json", b"{}")
        assert (tmp_path / "objects").is_dir()
        one.services["deca_data"].close()
    finally:
        stores.close()
