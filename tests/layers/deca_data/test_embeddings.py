"""Embedders: the local hashing one is deterministic; the OpenAI one talks to a loopback fake through the SDK."""

from __future__ import annotations

import math

import pytest

from deca.deca_data.embeddings import HashingEmbedder, OpenAIEmbedder, cosine
from deca.deca_data.errors import KnowledgeBaseError
from tests.fakes.llm_server import llm_server


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    [a] = HashingEmbedder().embed(["Refunds within 14 days"])
    [b] = HashingEmbedder().embed(["Refunds within 14 days"])
    assert a == b
    assert math.isclose(math.sqrt(sum(x * x for x in a)), 1.0)


def test_hashing_embedder_prefers_shared_words() -> None:
    query, near, far = HashingEmbedder().embed(
        ["refund policy", "our refund policy explained", "shipping times"]
    )
    assert cosine(query, near) > cosine(query, far)


def test_openai_embedder_sends_batches_to_compatible_server() -> None:
    with llm_server() as fake:
        embedder = OpenAIEmbedder.connect(
            api_key="sk-test", base_url=fake.openai_base_url, model="text-embedding-3-small", dimensions=8
        )
        embedder._batch = 2
        vectors = embedder.embed(["one", "two", "three"])
    assert [len(v) for v in vectors] == [8, 8, 8]
    assert embedder.name == "openai:text-embedding-3-small"
    assert math.isclose(sum(x * x for x in vectors[0]), 1.0)


def test_openai_embedder_with_wrong_dimensions_is_knowledge_base_error() -> None:
    with llm_server() as fake:
        embedder = OpenAIEmbedder.connect(api_key="sk-test", base_url=fake.openai_base_url, dimensions=1536)
        with pytest.raises(KnowledgeBaseError, match="expected 1536"):
            embedder.embed(["one"])
