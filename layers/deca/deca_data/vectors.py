"""Vector search over knowledge-base chunks: an exact cosine index (local default) and Atlas `$vectorSearch`.

Atlas needs a Vector Search index named `kb_chunks_vector` (or the name given) on the `deca_kb_chunks`
collection:

    {"fields": [
        {"type": "vector", "path": "embedding", "numDimensions": 1536, "similarity": "cosine"},
        {"type": "filter", "path": "workspace_id"},
        {"type": "filter", "path": "knowledge_base_id"}
    ]}

`numDimensions` is the embedder's; `ensure_vector_index(collection, dimensions)` creates it (at deploy
time, like the other indexes). Tenancy and knowledge base are pre-filters inside `$vectorSearch`;
metadata filters are applied to the candidates afterwards (over-fetched by `OVERFETCH`).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any, Protocol

from deca.deca_data.embeddings import cosine
from deca.deca_data.filters import Predicate
from deca.deca_data.models import KbChunk
from deca.deca_data.records import scan
from deca.stores.collection import Collection

__all__ = [
    "ATLAS_INDEX_NAME",
    "OVERFETCH",
    "AtlasVectorIndex",
    "ExactVectorIndex",
    "ScoredChunk",
    "VectorIndex",
]

ATLAS_INDEX_NAME = "kb_chunks_vector"
OVERFETCH = 4
ScoredChunk = tuple[KbChunk, float]
"""A chunk and its cosine similarity to the query (-1..1)."""


class VectorIndex(Protocol):
    """Finds the chunks of a knowledge base nearest to a vector."""

    def search(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        vector: Sequence[float],
        *,
        top_k: int,
        accept: Predicate | None = None,
    ) -> list[ScoredChunk]:
        """The best `top_k` chunks whose metadata `accept` takes, best first."""
        ...


class ExactVectorIndex:
    """Scores every chunk of the knowledge base (exact, fine up to some ten thousand chunks)."""

    def __init__(self, chunks: Collection[KbChunk]) -> None:
        self._chunks = chunks

    def search(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        vector: Sequence[float],
        *,
        top_k: int,
        accept: Predicate | None = None,
    ) -> list[ScoredChunk]:
        """The best `top_k` chunks by cosine similarity, best first (ties: document order)."""
        scored: list[tuple[float, int, KbChunk]] = []
        equal = {"workspace_id": workspace_id, "knowledge_base_id": knowledge_base_id}
        order = (("chunk_id", False),)
        for i, chunk in enumerate(scan(self._chunks, equal, order)):
            if accept is not None and not accept(chunk.metadata):
                continue
            if len(chunk.embedding) != len(vector):
                continue
            scored.append((cosine(vector, chunk.embedding), -i, chunk))
        best = heapq.nlargest(top_k, scored, key=lambda item: (item[0], item[1]))
        return [(chunk, score) for score, _, chunk in best]


class AtlasVectorIndex:
    """MongoDB Atlas Vector Search (`$vectorSearch` aggregation) on the chunks collection."""

    def __init__(self, collection: Any, *, index_name: str = ATLAS_INDEX_NAME, candidates: int = 20) -> None:
        self._collection = collection
        self._index = index_name
        self._candidates = candidates

    def pipeline(
        self, workspace_id: str, knowledge_base_id: str, vector: Sequence[float], *, limit: int
    ) -> list[dict[str, Any]]:
        """The aggregation pipeline of one search (public so its shape can be checked without Atlas)."""
        return [
            {
                "$vectorSearch": {
                    "index": self._index,
                    "path": "embedding",
                    "queryVector": list(vector),
                    "numCandidates": max(limit * self._candidates, 100),
                    "limit": limit,
                    "filter": {"workspace_id": workspace_id, "knowledge_base_id": knowledge_base_id},
                }
            },
            {"$project": {"_id": 0, "score": {"$meta": "vectorSearchScore"}, "doc": "$$ROOT"}},
        ]

    def search(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        vector: Sequence[float],
        *,
        top_k: int,
        accept: Predicate | None = None,
    ) -> list[ScoredChunk]:
        """The best `top_k` chunks as Atlas ranks them; its cosine score (1 + cos) / 2 is mapped back to cos."""
        limit = top_k * OVERFETCH if accept is not None else top_k
        found: list[ScoredChunk] = []
        for item in self._collection.aggregate(
            self.pipeline(workspace_id, knowledge_base_id, vector, limit=limit)
        ):
            doc = {k: v for k, v in item["doc"].items() if not k.startswith("_")}
            chunk = KbChunk.model_validate(doc)
            if accept is None or accept(chunk.metadata):
                found.append((chunk, 2.0 * float(item["score"]) - 1.0))
        return found[:top_k]


def vector_index_definition(dimensions: int) -> dict[str, Any]:
    """The Atlas Vector Search index definition of the chunks collection for vectors of `dimensions`."""
    return {
        "fields": [
            {"type": "vector", "path": "embedding", "numDimensions": dimensions, "similarity": "cosine"},
            {"type": "filter", "path": "workspace_id"},
            {"type": "filter", "path": "knowledge_base_id"},
        ]
    }


def ensure_vector_index(collection: Any, dimensions: int, *, name: str = ATLAS_INDEX_NAME) -> bool:
    """Create the Atlas Vector Search index unless one of that name exists; whether it was created."""
    from pymongo.operations import SearchIndexModel

    if any(index.get("name") == name for index in collection.list_search_indexes()):
        return False
    model = SearchIndexModel(definition=vector_index_definition(dimensions), name=name, type="vectorSearch")
    collection.create_search_index(model)
    return True
