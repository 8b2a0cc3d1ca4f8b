"""Atlas Vector Search: the `$vectorSearch` pipeline and how its scores and filters are read back."""

from __future__ import annotations

from typing import Any

from deca.deca_data.errors import KnowledgeBaseError
from deca.deca_data.filters import compile_filter
from deca.deca_data.vectors import AtlasVectorIndex, ensure_vector_index, vector_index_definition


class FakeAtlasCollection:
    """Records pipelines and answers with fixed documents (mongomock has no `$vectorSearch`)."""

    def __init__(self, results: list[dict[str, Any]]) -> None:
        self.results = results
        self.pipelines: list[list[dict[str, Any]]] = []

    def aggregate(self, pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.pipelines.append(pipeline)
        return self.results


def chunk_doc(chunk_id: str, topic: str) -> dict[str, Any]:
    return {
        "_id": "x",
        "workspace_id": "ws-1",
        "knowledge_base_id": "help",
        "chunk_id": chunk_id,
        "document_id": "doc",
        "position": 0,
        "text": chunk_id,
        "embedding": [1.0, 0.0],
        "metadata": {"topic": topic},
    }


def test_pipeline_prefilters_workspace_and_knowledge_base() -> None:
    stage = AtlasVectorIndex(FakeAtlasCollection([])).pipeline("ws-1", "help", [0.5, 0.5], limit=3)[0]
    assert stage["$vectorSearch"] == {
        "index": "kb_chunks_vector",
        "path": "embedding",
        "queryVector": [0.5, 0.5],
        "numCandidates": 100,
        "limit": 3,
        "filter": {"workspace_id": "ws-1", "knowledge_base_id": "help"},
    }


def test_atlas_scores_are_mapped_back_to_cosine() -> None:
    fake = FakeAtlasCollection(
        [{"score": 1.0, "doc": chunk_doc("a", "x")}, {"score": 0.75, "doc": chunk_doc("b", "x")}]
    )
    found = AtlasVectorIndex(fake).search("ws-1", "help", [1.0, 0.0], top_k=2)
    assert [(c.chunk_id, s) for c, s in found] == [("a", 1.0), ("b", 0.5)]


def test_metadata_filter_overfetches_then_drops_candidates() -> None:
    fake = FakeAtlasCollection(
        [{"score": 0.9, "doc": chunk_doc("a", "x")}, {"score": 0.8, "doc": chunk_doc("b", "y")}]
    )
    accept = compile_filter({"topic": "y"}, error=KnowledgeBaseError)
    found = AtlasVectorIndex(fake).search("ws-1", "help", [1.0, 0.0], top_k=1, accept=accept)
    assert [c.chunk_id for c, _ in found] == ["b"]
    assert fake.pipelines[0][0]["$vectorSearch"]["limit"] == 4


class FakeSearchIndexes:
    """Records `create_search_index` calls; lists what was created."""

    def __init__(self, existing: list[str]) -> None:
        self.names = list(existing)
        self.created: list[Any] = []

    def list_search_indexes(self) -> list[dict[str, Any]]:
        return [{"name": n} for n in self.names]

    def create_search_index(self, model: Any) -> str:
        self.created.append(model.document)
        self.names.append(model.document["name"])
        return str(model.document["name"])


def test_ensure_vector_index_creates_the_documented_definition() -> None:
    fake = FakeSearchIndexes([])
    assert ensure_vector_index(fake, 1536) is True
    assert fake.created == [
        {"name": "kb_chunks_vector", "type": "vectorSearch", "definition": vector_index_definition(1536)}
    ]


def test_ensure_vector_index_keeps_an_existing_one() -> None:
    fake = FakeSearchIndexes(["kb_chunks_vector"])
    assert ensure_vector_index(fake, 1536) is False
    assert fake.created == []
