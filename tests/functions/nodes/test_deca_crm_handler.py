"""The deca_crm Lambda handler in-process on the local wiring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import deca_crm
from tests.fakes.node_runs import data_lambda_wiring
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event


@pytest.fixture(autouse=True)
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with data_lambda_wiring(tmp_path, monkeypatch):
        yield


def test_create_then_search() -> None:
    create = {"operation": "create", "entity": "company", "data": {"name": "ACME", "size": 50}}
    made = deca_crm.lambda_handler(lambda_event("deca_crm", create, "a"), FakeLambdaContext())
    search = {"operation": "search", "entity": "company", "query": "acme"}
    found = deca_crm.lambda_handler(lambda_event("deca_crm", search, "b"), FakeLambdaContext())
    assert (found["total"], found["records"][0]["id"]) == (1, made["id"])
