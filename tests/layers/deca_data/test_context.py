"""How nodes reach the DECA data stores, and how the wiring picks the embedder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deca import wiring
from deca.deca_data.context import data_stores
from deca.deca_data.embeddings import HashingEmbedder, OpenAIEmbedder
from deca.deca_data.errors import DecaDataError
from deca.deca_data.stores import memory_deca_data
from deca.nodes.context import NodeContext
from deca.stores import memory_stores
from tests.fakes.clock import FakeClock


def test_context_without_data_stores_is_a_named_error() -> None:
    ctx = NodeContext(workspace_id="ws-1", stores=memory_stores(), clock=FakeClock())
    with pytest.raises(DecaDataError, match=r'services\["deca_data"\]'):
        data_stores(ctx)


def test_context_factory_builds_the_stores() -> None:
    data = memory_deca_data()
    ctx = NodeContext(
        workspace_id="ws-1", stores=memory_stores(), clock=FakeClock(), services={"deca_data": lambda: data}
    )
    assert data_stores(ctx) is data


@pytest.fixture
def fresh_embedder() -> Iterator[None]:
    wiring.embedder.cache_clear()
    yield
    wiring.embedder.cache_clear()


@pytest.mark.usefixtures("fresh_embedder")
def test_wiring_defaults_to_the_hashing_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DECA_EMBEDDING_MODEL", raising=False)
    assert isinstance(wiring.embedder(), HashingEmbedder)


@pytest.mark.usefixtures("fresh_embedder")
def test_wiring_uses_the_configured_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECA_EMBEDDING_MODEL", "text-embedding-3-large")
    monkeypatch.setenv("DECA_EMBEDDING_DIMENSIONS", "3072")
    monkeypatch.setenv("DECA_EMBEDDING_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    embedder = wiring.embedder()
    assert isinstance(embedder, OpenAIEmbedder)
    assert (embedder.name, embedder.dimensions) == ("openai:text-embedding-3-large", 3072)
