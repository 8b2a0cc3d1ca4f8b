"""The MongoDB backend beyond the contract: indexes, `_id` handling, the TTL date (on mongomock)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import mongomock
import pytest

from deca.stores import ensure_indexes, mongo_stores
from tests.fakes import records


@pytest.fixture
def database() -> Any:
    """An empty mongomock database."""
    return mongomock.MongoClient()["deca"]


def _indexes(database: Any, collection: str) -> dict[str, dict[str, Any]]:
    info: dict[str, dict[str, Any]] = database[collection].index_information()
    return info


def test_flow_versions_are_unique_per_workspace_flow_and_version(database: Any) -> None:
    ensure_indexes(database)

    key = _indexes(database, "flow_versions")["flow_versions_key"]

    assert key["key"] == [("workspace_id", 1), ("flow_id", 1), ("version", 1)]
    assert key["unique"] is True


def test_execution_names_are_unique_only_when_set(database: Any) -> None:
    ensure_indexes(database)

    index = _indexes(database, "executions")["executions_u0"]

    assert index["key"] == [("workspace_id", 1), ("flow_id", 1), ("name", 1)]
    assert index["partialFilterExpression"]["name"] == {"$type": "string"}


def test_listing_indexes_lead_with_workspace_id(database: Any) -> None:
    ensure_indexes(database)

    index = _indexes(database, "executions")["executions_i2"]

    assert index["key"] == [("workspace_id", 1), ("status", 1), ("start_time", 1), ("execution_id", 1)]


def test_idempotency_keys_have_a_ttl_index(database: Any) -> None:
    ensure_indexes(database)

    index = _indexes(database, "idempotency")["idempotency_ttl"]

    assert index["key"] == [("_expires_at", 1)]
    assert index["expireAfterSeconds"] == 0


def test_ensure_indexes_can_run_twice(database: Any) -> None:
    ensure_indexes(database)
    ensure_indexes(database)

    assert "flows_key" in _indexes(database, "flows")


def test_documents_get_a_server_id_that_records_never_show(database: Any) -> None:
    stores = mongo_stores(database.client, "deca", create_indexes=True)

    stores.flows.create("ws-1", records.flow())

    assert database["flows"].find_one({"flow_id": "flow-1"})["_id"] is not None
    assert "_id" not in stores.flows.get("ws-1", "flow-1").model_dump()


def test_expiry_is_also_stored_as_a_date_for_the_ttl_index(database: Any) -> None:
    stores = mongo_stores(database.client, "deca", create_indexes=True)
    expires = datetime(2100, 1, 1, 0, 1, tzinfo=UTC)

    stores.idempotency.put_if_absent(
        "ws-1", records.idempotency(now=datetime(2100, 1, 1, tzinfo=UTC), ttl=60)
    )

    stored = database["idempotency"].find_one({"key": "key-1"})
    assert stored["_expires_at"].replace(tzinfo=UTC) == expires
    assert stored["expires_at"] == "2100-01-01T00:01:00.000Z"
