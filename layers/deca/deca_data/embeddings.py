"""The `Embedder` port: a deterministic local hashing embedder (the default, and for tests) and OpenAI's.

Vectors are L2-normalised, so cosine similarity is their dot product. A knowledge base records the
embedder's `name` and `dimensions` and refuses vectors from another one.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from deca.ai.models import Usage

__all__ = ["Embedder", "EmbeddingClient", "HashingEmbedder", "OpenAIEmbedder", "cosine", "normalise"]

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
    ]
)
_SUFFIXES = ("ing", "es", "ed", "s")


def _stem(word: str) -> str:
    """A crude English stem (`refunds` -> `refund`), enough for keyword overlap."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class Embedder(Protocol):
    """Turns texts into vectors of a fixed size."""

    @property
    def name(self) -> str:
        """Identifies the model (vectors of different names are never compared)."""
        ...

    @property
    def dimensions(self) -> int:
        """Length of every vector."""
        ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text, in order."""
        ...


def normalise(vector: Sequence[float]) -> list[float]:
    """The vector scaled to length 1 (a zero vector stays zero)."""
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else [0.0 for _ in vector]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors of the same length."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class HashingEmbedder:
    """Feature hashing of stemmed words and word pairs (stop words dropped): deterministic, offline, keyword-level."""

    def __init__(self, dimensions: int = 1024) -> None:
        if dimensions < 8:
            raise ValueError("dimensions must be at least 8")
        self._dimensions = dimensions

    @property
    def name(self) -> str:
        """`local-hash-<dimensions>`."""
        return f"local-hash-{self._dimensions}"

    @property
    def dimensions(self) -> int:
        """Length of every vector."""
        return self._dimensions

    def _vector(self, text: str) -> list[float]:
        words = [_stem(w) for w in (w.lower() for w in _WORD.findall(text)) if w not in _STOPWORDS]
        features = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        vector = [0.0] * self._dimensions
        for feature in features:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "big") % self._dimensions
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        return normalise(vector)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text."""
        return [self._vector(t) for t in texts]


class EmbeddingClient(Protocol):
    """What OpenAIEmbedder needs of a client (`deca.ai.openai_client.OpenAIChatClient` fits)."""

    def embed(self, model: str, inputs: list[str]) -> tuple[list[list[float]], Usage, str]:
        """Vectors, usage and the model that answered."""
        ...


class OpenAIEmbedder:
    """Embeddings from OpenAI or any OpenAI-compatible server (through the `openai` SDK client given)."""

    def __init__(
        self,
        client: EmbeddingClient,
        *,
        model: str = "text-embedding-3-small",
        dimensions: int = 1536,
        batch_size: int = 128,
    ) -> None:
        self._client = client
        self._model = model
        self._dimensions = dimensions
        self._batch = batch_size

    @classmethod
    def connect(
        cls,
        *,
        api_key: str,
        base_url: str | None = None,
        model: str = "text-embedding-3-small",
        dimensions: int = 1536,
        http_client: object = None,
    ) -> OpenAIEmbedder:
        """An embedder on a new SDK client for `base_url` (OpenAI when None)."""
        from deca.ai.openai_client import OpenAIChatClient

        client = OpenAIChatClient(api_key=api_key, base_url=base_url, http_client=http_client)
        return cls(client, model=model, dimensions=dimensions)

    @property
    def name(self) -> str:
        """`openai:<model>`."""
        return f"openai:{self._model}"

    @property
    def dimensions(self) -> int:
        """Length of every vector (the model's)."""
        return self._dimensions

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text, asked for in batches; a wrong length is a KnowledgeBaseError."""
        from deca.deca_data.errors import KnowledgeBaseError

        vectors: list[list[float]] = []
        items = list(texts)
        for start in range(0, len(items), self._batch):
            batch, _usage, _model = self._client.embed(self._model, items[start : start + self._batch])
            vectors.extend(normalise(v) for v in batch)
        bad = next((v for v in vectors if len(v) != self._dimensions), None)
        if bad is not None or len(vectors) != len(items):
            raise KnowledgeBaseError(
                f"embedding model {self._model!r} answered vectors of {len(bad or [])} numbers, "
                f"expected {self._dimensions}"
            )
        return vectors
