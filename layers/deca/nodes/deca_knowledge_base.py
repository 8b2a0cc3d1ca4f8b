"""`deca_knowledge_base`: searches and maintains DECA knowledge bases (documents and their chunks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig

__all__ = ["SPEC", "DecaKnowledgeBaseConfig", "DecaKnowledgeBaseOutput", "KnowledgeMatch"]


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
    errors=("KnowledgeBaseNotFound", "DocumentNotFound", "KnowledgeBaseError"),
    example={
        "operation": "search",
        "knowledge_base_id": "help-center",
        "query": "{{ input.question }}",
        "top_k": 3,
    },
)
