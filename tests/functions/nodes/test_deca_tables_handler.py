"""The deca_tables Lambda handler in-process on the local wiring (SQLite DECA data stores)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deca.deca_data.errors import TableError
from deca.nodes.handlers import InvalidNodeConfig
from functions.nodes import deca_tables
from tests.fakes.node_runs import data_lambda_wiring
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event


@pytest.fixture(autouse=True)
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with data_lambda_wiring(tmp_path, monkeypatch):
        yield


def handle(config: dict[str, object], node_id: str) -> dict[str, object]:
    return deca_tables.lambda_handler(lambda_event("deca_tables", config, node_id), FakeLambdaContext())


def test_create_insert_and_query_persist_in_sqlite() -> None:
    handle({"operation": "create_table", "table_id": "t", "columns": [{"name": "n", "type": "integer"}]}, "a")
    handle({"operation": "insert", "table_id": "t", "rows": [{"n": 1}, {"n": 5}]}, "b")
    out = handle({"operation": "query", "table_id": "t", "where": {"n": {"$gt": 2}}}, "c")
    assert [r["n"] for r in out["rows"]] == [5]


def test_bad_value_is_table_error() -> None:
    handle({"operation": "create_table", "table_id": "t", "columns": [{"name": "n", "type": "integer"}]}, "a")
    with pytest.raises(TableError, match=r"rows\[0\]\.n"):
        handle({"operation": "insert", "table_id": "t", "rows": [{"n": "x"}]}, "b")


def test_bad_config_is_invalid_node_config() -> None:
    with pytest.raises(InvalidNodeConfig, match=r"config\.table_id"):
        handle({"operation": "query"}, "a")
