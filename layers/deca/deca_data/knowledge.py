"""Knowledge bases: documents chunked and embedded on write, searched by vector similarity."""

from __future__ import annotations

import copy
from typing import Any

from deca.clock import Clock
from deca.deca_data.chunking import chunk_text
from deca.deca_data.embeddings import Embedder
from deca.deca_data.errors import DocumentNotFound, KnowledgeBaseError, KnowledgeBaseNotFound
from deca.deca_data.filters import compile_filter
from deca.deca_data.models import KbChunk, KbDocument, KnowledgeBase
from deca.deca_data.records import IdFactory, scan
from deca.deca_data.vectors import ScoredChunk, VectorIndex
from deca.stores.collection import Collection

__all__ = ["KnowledgeStore"]

_ORDER = (("created_at", False), ("document_id", False))


class KnowledgeStore:
    """Documents, chunks and vector search of knowledge bases (every method takes the workspace first)."""

    def __init__(
        self,
        bases: Collection[KnowledgeBase],
        documents: Collection[KbDocument],
        chunks: Collection[KbChunk],
        index: VectorIndex,
        embedder: Embedder,
        clock: Clock,
        new_id: IdFactory,
    ) -> None:
        self._bases = bases
        self._documents = documents
        self._chunks = chunks
        self._index = index
        self.embedder = embedder
        self._clock = clock
        self._new_id = new_id

    def with_embedder(self, embedder: Embedder) -> KnowledgeStore:
        """The same store embedding with another model (e.g. a workspace's own provider credential)."""
        view = copy.copy(self)
        view.embedder = embedder
        return view

    def get_base(self, workspace_id: str, knowledge_base_id: str) -> KnowledgeBase:
        """The knowledge base; `KnowledgeBaseNotFound` if it has never had a document."""
        base = self._bases.find(self._bases.key(workspace_id, knowledge_base_id))
        if base is None:
            raise KnowledgeBaseNotFound(f"knowledge_base_id: knowledge base {knowledge_base_id!r} not found")
        if base.embedder != self.embedder.name or base.dimensions != self.embedder.dimensions:
            raise KnowledgeBaseError(
                f"knowledge_base_id: {knowledge_base_id!r} was embedded with {base.embedder} "
                f"({base.dimensions} dimensions), not with the configured {self.embedder.name}"
            )
        return base

    def _ensure_base(self, workspace_id: str, knowledge_base_id: str) -> KnowledgeBase:
        if self._bases.find(self._bases.key(workspace_id, knowledge_base_id)) is None:
            self._bases.put(
                workspace_id,
                KnowledgeBase(
                    workspace_id=workspace_id,
                    knowledge_base_id=knowledge_base_id,
                    embedder=self.embedder.name,
                    dimensions=self.embedder.dimensions,
                    created_at=self._clock.now(),
                ),
            )
        return self.get_base(workspace_id, knowledge_base_id)

    def _write_chunks(self, document: KbDocument) -> int:
        ws, kb = document.workspace_id, document.knowledge_base_id
        self._chunks.table.delete_where(
            {"workspace_id": ws, "knowledge_base_id": kb, "document_id": document.document_id}
        )
        texts = chunk_text(document.content)
        if not texts:
            return 0
        vectors = self.embedder.embed([f"{document.title}\n{t}" if document.title else t for t in texts])
        for position, (text, vector) in enumerate(zip(texts, vectors, strict=True)):
            self._chunks.put(
                ws,
                KbChunk(
                    workspace_id=ws,
                    knowledge_base_id=kb,
                    chunk_id=f"{document.document_id}:{position:05d}",
                    document_id=document.document_id,
                    position=position,
                    text=text,
                    embedding=vector,
                    metadata=document.metadata,
                ),
            )
        return len(texts)

    def add_document(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        *,
        content: str,
        title: str | None = None,
        source_url: str | None = None,
        metadata: dict[str, Any] | None = None,
        document_id: str | None = None,
    ) -> KbDocument:
        """Store, chunk and embed a new document (the knowledge base is created by its first one)."""
        if not content.strip():
            raise KnowledgeBaseError("content: the document has no text")
        self._ensure_base(workspace_id, knowledge_base_id)
        now = self._clock.now()
        document = KbDocument(
            workspace_id=workspace_id,
            knowledge_base_id=knowledge_base_id,
            document_id=document_id or self._new_id("doc"),
            title=title,
            content=content,
            source_url=source_url,
            metadata=metadata or {},
            created_at=now,
            updated_at=now,
        )
        document = document.model_copy(update={"chunk_count": self._write_chunks(document)})
        return self._documents.put(workspace_id, document)

    def get_document(self, workspace_id: str, knowledge_base_id: str, document_id: str) -> KbDocument:
        """One document; `DocumentNotFound` if missing."""
        self.get_base(workspace_id, knowledge_base_id)
        document = self._documents.find(self._documents.key(workspace_id, knowledge_base_id, document_id))
        if document is None:
            raise DocumentNotFound(
                f"document_id: document {document_id!r} not found in {knowledge_base_id!r}"
            )
        return document

    def update_document(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        document_id: str,
        *,
        title: str | None = None,
        content: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> KbDocument:
        """Change a document; its chunks are rebuilt when the text, title or metadata change."""
        document = self.get_document(workspace_id, knowledge_base_id, document_id)
        changes: dict[str, Any] = {
            k: v
            for k, v in {"title": title, "content": content, "metadata": metadata}.items()
            if v is not None
        }
        if content is not None and not content.strip():
            raise KnowledgeBaseError("content: the document has no text")
        updated = document.model_copy(update={**changes, "updated_at": self._clock.now()})
        if changes:
            updated = updated.model_copy(update={"chunk_count": self._write_chunks(updated)})
        return self._documents.put(workspace_id, updated)

    def delete_document(self, workspace_id: str, knowledge_base_id: str, document_id: str) -> None:
        """Remove a document and its chunks."""
        self.get_document(workspace_id, knowledge_base_id, document_id)
        self._chunks.table.delete_where(
            {"workspace_id": workspace_id, "knowledge_base_id": knowledge_base_id, "document_id": document_id}
        )
        self._documents.table.delete(self._documents.key(workspace_id, knowledge_base_id, document_id))

    def list_documents(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        *,
        filters: dict[str, Any] | None = None,
        limit: int = 100,
    ) -> list[KbDocument]:
        """Documents in the order they were added, whose metadata match `filters`."""
        self.get_base(workspace_id, knowledge_base_id)
        accept = compile_filter(filters, error=KnowledgeBaseError, where="filters")
        found = []
        equal = {"workspace_id": workspace_id, "knowledge_base_id": knowledge_base_id}
        for document in scan(self._documents, equal, _ORDER):
            if accept(document.metadata):
                found.append(document)
                if len(found) >= limit:
                    break
        return found

    def search(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        query: str,
        *,
        top_k: int = 5,
        min_score: float = 0.0,
        filters: dict[str, Any] | None = None,
    ) -> list[ScoredChunk]:
        """The passages nearest to `query`, best first, scored 0..1 (negative similarity counts as 0)."""
        self.get_base(workspace_id, knowledge_base_id)
        accept = compile_filter(filters, error=KnowledgeBaseError, where="filters") if filters else None
        [vector] = self.embedder.embed([query])
        found = self._index.search(workspace_id, knowledge_base_id, vector, top_k=top_k, accept=accept)
        scored = [(chunk, max(0.0, min(1.0, score))) for chunk, score in found]
        return [(chunk, score) for chunk, score in scored if score >= min_score]
