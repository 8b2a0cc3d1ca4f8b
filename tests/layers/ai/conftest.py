"""Fixtures of the AI layer tests: a loopback fake provider and node contexts whose credentials point at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deca.nodes.context import NodeContext, StaticSecrets
from deca.stores import memory_stores
from tests.fakes.clock import FakeClock
from tests.fakes.llm_server import FakeLlmServer, llm_server

WORKSPACE = "ws-ai"


@pytest.fixture
def llm() -> Iterator[FakeLlmServer]:
    """A fresh fake OpenAI/Anthropic server on loopback."""
    with llm_server() as server:
        yield server


def secrets_for(server: FakeLlmServer) -> StaticSecrets:
    """Credentials `openai-test` and `anthropic-test` whose base URLs point at the fake."""
    return StaticSecrets(
        {
            (WORKSPACE, "openai-test"): {"api_key": "sk-test", "base_url": server.openai_base_url},
            (WORKSPACE, "anthropic-test"): {"api_key": "sk-ant-test", "base_url": server.base_url},
        }
    )


@pytest.fixture
def ctx(llm: FakeLlmServer) -> NodeContext:
    """A node context with memory stores, a fake clock and credentials for the fake provider."""
    return NodeContext(
        workspace_id=WORKSPACE, stores=memory_stores(), clock=FakeClock(), secrets=secrets_for(llm)
    )
