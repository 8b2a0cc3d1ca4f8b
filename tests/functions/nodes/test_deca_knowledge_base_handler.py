"""The deca_knowledge_base Lambda handler in-process on the local wiring (hashing embedder, exact search)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import deca_knowledge_base
from tests.fakes.node_runs import data_lambda_wiring
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event


@pytest.fixture(autouse=True)
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with data_lambda_wiring(tmp_path, monkeypatch):
        yield


def test_add_then_search() -> None:
    add = {
        "operation": "add_document",
        "knowledge_base_id": "kb",
        "title": "Hours",
        "content": "We open at nine.",
    }
    deca_knowledge_base.lambda_handler(lambda_event("deca_knowledge_base", add, "a"), FakeLambdaContext())
    search = {"operation": "search", "knowledge_base_id": "kb", "query": "when do you open"}
    out = deca_knowledge_base.lambda_handler(
        lambda_event("deca_knowledge_base", search, "b"), FakeLambdaContext()
    )
    assert out["results"][0]["text"] == "We open at nine."
