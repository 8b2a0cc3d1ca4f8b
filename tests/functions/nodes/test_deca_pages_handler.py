"""The deca_pages Lambda handler in-process on the local wiring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.nodes import deca_pages
from tests.fakes.node_runs import data_lambda_wiring
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event


@pytest.fixture(autouse=True)
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with data_lambda_wiring(tmp_path, monkeypatch):
        yield


def test_create_then_list() -> None:
    event = lambda_event("deca_pages", {"operation": "create", "site_id": "s", "title": "Home"}, "a")
    created = deca_pages.lambda_handler(event, FakeLambdaContext())
    listed = deca_pages.lambda_handler(
        lambda_event("deca_pages", {"operation": "list", "site_id": "s"}, "b"), FakeLambdaContext()
    )
    assert (created["page"]["slug"], listed["count"]) == ("home", 1)
