"""`deca_knowledge_base`: searches and maintains DECA knowledge bases (documents and their chunks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, CredentialId, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.deca_data.knowledge import KnowledgeStore
    from deca.deca_data.models import KbDocument
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "DecaKnowledgeBaseConfig", "DecaKnowledgeBaseOutput", "KnowledgeMatch", "run"]


class DecaKnowledgeBaseConfig(OperationConfig):
    """Config of the deca_knowledge_base node."""

    operation: Literal[
        "search", "get_document", "list_documents", "add_document", "update_document", "delete_document"
    ] = Field(description=OPERATION_HELP)
    knowledge_base_id: str = Field(description="Id of the knowledge base", min_length=1, max_length=128)
    query: str | None = Field(
        default=None, min_length=1, description="Question or keywords (templates allowed)"
    )
    top_k: int | None = Field(default=None, ge=1, le=100, description="Passages returned (default 5)")
    min_score: float | None = Field(default=None, ge=0, le=1, description="Drop passages scoring below this")
    filters: dict[str, Any] | None = Field(default=None, description="Metadata filters")
    document_id: str | None = Field(default=None, min_length=1, description="Document id (templates allowed)")
    title: str | None = Field(default=None, max_length=500, description="Document title")
    content: str | None = Field(default=None, description="Document text (Markdown/HTML/plain)")
    source_url: str | None = Field(default=None, description="Fetch the document from this URL instead")
    metadata: dict[str, Any] | None = Field(
        default=None, description="Document metadata, usable in search filters"
    )
    limit: int | None = Field(
        description="Maximum documents returned (default 100)", default=None, ge=1, le=1000
    )
    credential_id: CredentialId | None = Field(
        default=None,
        description="Credential of an OpenAI(-compatible) embeddings provider (`api_key`, optional "
        "`base_url`); the platform's embedder when unset. Use the same one for every call on a knowledge base",
    )
    embedding_model: str | None = Field(
        default=None,
        min_length=1,
        description="Embedding model with `credential_id` (text-embedding-3-small)",
    )
    embedding_dimensions: int | None = Field(
        default=None, ge=8, le=8192, description="Vector length of that model (default 1536)"
    )

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "search": Operation(required=("query",), optional=("top_k", "min_score", "filters")),
        "get_document": Operation(required=("document_id",)),
        "list_documents": Operation(optional=("filters", "limit")),
        "add_document": Operation(optional=("title", "content", "source_url", "metadata")),
        "update_document": Operation(required=("document_id",), optional=("title", "content", "metadata")),
        "delete_document": Operation(required=("document_id",)),
    }

    @model_validator(mode="after")
    def _document_source(self) -> DecaKnowledgeBaseConfig:
        if self.operation == "add_document" and (self.content is None) == (self.source_url is None):
            raise ValueError("add_document needs exactly one of `content` or `source_url`")
        return self


class KnowledgeMatch(NodeOutput):
    """One passage found by a search."""

    document_id: str = Field(description="Document the passage comes from")
    title: str | None = Field(default=None, description="Title of that document")
    text: str = Field(description="The matching passage")
    score: float = Field(description="Relevance, 1 is best", ge=0, le=1)
    metadata: dict[str, Any] = Field(default_factory=dict, description="The document's metadata")


class DecaKnowledgeBaseOutput(NodeOutput):
    """What a deca_knowledge_base node returns."""

    results: list[KnowledgeMatch] = Field(default_factory=list, description="Passages, best first (search)")
    context: str = Field(default="", description="The passages joined, ready for a prompt (search)")
    document: dict[str, Any] | None = Field(default=None, description="The document (get, add, update)")
    documents: list[dict[str, Any]] = Field(default_factory=list, description="(list_documents)")
    count: int = Field(default=0, ge=0, description="Number of results or documents returned")


SPEC = NodeSpec(
    type="deca_knowledge_base",
    category="deca",
    description="Search a DECA knowledge base or add, update and remove its documents",
    config=DecaKnowledgeBaseConfig,
    output=DecaKnowledgeBaseOutput,
    side_effects=True,
    icon="book-open",
    errors=(
        "KnowledgeBaseNotFound",
        "DocumentNotFound",
        "KnowledgeBaseError",
        "ProviderRateLimited",
        "ProviderError",
        "ProviderAuthError",
        "CredentialNotFound",
    ),
    example={
        "operation": "search",
        "knowledge_base_id": "help-center",
        "query": "{{ input.question }}",
        "top_k": 3,
    },
)


_READS = frozenset({"search", "get_document", "list_documents"})
_MAX_FETCH_BYTES = 5 * 1024 * 1024


def _document(document: KbDocument) -> dict[str, Any]:
    return document.model_dump(mode="json")


def _fetch(url: str, ctx: NodeContext) -> str:
    """The text at `url`, through the context's HTTP client (the SSRF-guarded one on AWS)."""
    import httpx

    from deca.deca_data.errors import KnowledgeBaseError

    try:
        with ctx.http() as client:
            response = client.get(url)
    except httpx.HTTPError as exc:
        raise KnowledgeBaseError(f"source_url: could not fetch {url}: {exc}") from exc
    if response.status_code >= 400:
        raise KnowledgeBaseError(f"source_url: {url} answered HTTP {response.status_code}")
    if len(response.content) > _MAX_FETCH_BYTES:
        raise KnowledgeBaseError(f"source_url: the document is larger than {_MAX_FETCH_BYTES} bytes")
    return response.text


def _search(
    config: DecaKnowledgeBaseConfig, store: KnowledgeStore, workspace_id: str
) -> DecaKnowledgeBaseOutput:
    found = store.search(
        workspace_id,
        config.knowledge_base_id,
        config.query or "",
        top_k=config.top_k or 5,
        min_score=config.min_score or 0.0,
        filters=config.filters,
    )
    titles: dict[str, str | None] = {}
    results = []
    for chunk, score in found:
        if chunk.document_id not in titles:
            doc = store.get_document(workspace_id, config.knowledge_base_id, chunk.document_id)
            titles[chunk.document_id] = doc.title
        results.append(
            KnowledgeMatch(
                document_id=chunk.document_id,
                title=titles[chunk.document_id],
                text=chunk.text,
                score=round(score, 6),
                metadata=chunk.metadata,
            )
        )
    context = "\n\n".join(f"[{m.title or m.document_id}] {m.text}" for m in results)
    return DecaKnowledgeBaseOutput(results=results, context=context, count=len(results))


def _act(config: DecaKnowledgeBaseConfig, ctx: NodeContext, store: KnowledgeStore) -> DecaKnowledgeBaseOutput:
    ws, kb, doc_id = ctx.workspace_id, config.knowledge_base_id, config.document_id or ""
    if config.operation == "search":
        return _search(config, store, ws)
    if config.operation == "get_document":
        return DecaKnowledgeBaseOutput(document=_document(store.get_document(ws, kb, doc_id)), count=1)
    if config.operation == "list_documents":
        docs = store.list_documents(ws, kb, filters=config.filters, limit=config.limit or 100)
        return DecaKnowledgeBaseOutput(documents=[_document(d) for d in docs], count=len(docs))
    if config.operation == "add_document":
        content = config.content if config.content is not None else _fetch(config.source_url or "", ctx)
        doc = store.add_document(
            ws,
            kb,
            content=content,
            title=config.title,
            source_url=config.source_url,
            metadata=config.metadata,
        )
        return DecaKnowledgeBaseOutput(document=_document(doc), count=1)
    if config.operation == "update_document":
        doc = store.update_document(
            ws, kb, doc_id, title=config.title, content=config.content, metadata=config.metadata
        )
        return DecaKnowledgeBaseOutput(document=_document(doc), count=1)
    store.delete_document(ws, kb, doc_id)
    return DecaKnowledgeBaseOutput()


def _with_credential(
    config: DecaKnowledgeBaseConfig, ctx: NodeContext, store: KnowledgeStore
) -> KnowledgeStore:
    """The store embedding through the credential's provider when the config names one."""
    if config.credential_id is None:
        return store
    from deca.ai.providers import openai_client
    from deca.deca_data.embeddings import OpenAIEmbedder

    client = openai_client(ctx, credential_id=config.credential_id, provider="openai_compatible")
    embedder = OpenAIEmbedder(
        client,
        model=config.embedding_model or "text-embedding-3-small",
        dimensions=config.embedding_dimensions or 1536,
    )
    return store.with_embedder(embedder)


def run(config: DecaKnowledgeBaseConfig, task: NodeTask, ctx: NodeContext) -> DecaKnowledgeBaseOutput:
    """Search the knowledge base or change its documents (writes run once per execution and node)."""
    from deca.deca_data.context import data_stores, write_once

    store = _with_credential(config, ctx, data_stores(ctx).knowledge)
    if config.operation in _READS:
        return _act(config, ctx, store)
    return write_once(ctx, task, DecaKnowledgeBaseOutput, lambda: _act(config, ctx, store))
