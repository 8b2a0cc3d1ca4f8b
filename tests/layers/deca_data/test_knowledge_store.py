"""Knowledge-base contract: documents are chunked and embedded, search ranks passages, filters and tenancy."""

from __future__ import annotations

import pytest

from deca.deca_data.embeddings import HashingEmbedder
from deca.deca_data.errors import DocumentNotFound, KnowledgeBaseError, KnowledgeBaseNotFound
from deca.deca_data.knowledge import KnowledgeStore
from deca.deca_data.stores import DecaDataStores

REFUNDS = "Refunds are paid within 14 days of the return. Keep your receipt for the refund."
SHIPPING = "Shipping to Europe takes three working days. Express shipping costs extra."
PASSWORDS = "To reset your password open settings and choose reset password."


@pytest.fixture
def kb(data: DecaDataStores) -> KnowledgeStore:
    """A knowledge base `help` with three documents (two tagged billing)."""
    store = data.knowledge
    store.add_document("ws-1", "help", content=REFUNDS, title="Refunds", metadata={"topic": "billing"})
    store.add_document("ws-1", "help", content=SHIPPING, title="Shipping", metadata={"topic": "delivery"})
    store.add_document("ws-1", "help", content=PASSWORDS, title="Passwords", metadata={"topic": "billing"})
    return store


def test_search_ranks_the_matching_passage_first(kb: KnowledgeStore) -> None:
    found = kb.search("ws-1", "help", "how long does a refund take", top_k=3)
    assert found[0][0].text == REFUNDS
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_search_scores_lie_between_zero_and_one(kb: KnowledgeStore) -> None:
    assert all(0.0 <= score <= 1.0 for _, score in kb.search("ws-1", "help", "shipping", top_k=3))


def test_search_filters_on_document_metadata(kb: KnowledgeStore) -> None:
    found = kb.search("ws-1", "help", "shipping to europe", top_k=3, filters={"topic": "billing"})
    assert {chunk.metadata["topic"] for chunk, _ in found} == {"billing"}


def test_min_score_drops_weak_passages(kb: KnowledgeStore) -> None:
    assert kb.search("ws-1", "help", "reset password", top_k=3, min_score=0.99) == []


def test_long_document_is_stored_as_several_chunks(data: DecaDataStores) -> None:
    text = "\n\n".join(f"Paragraph {i} about topic {i}. " * 20 for i in range(6))
    document = data.knowledge.add_document("ws-1", "big", content=text)
    assert document.chunk_count > 1
    found = data.knowledge.search("ws-1", "big", "Paragraph 4 about topic 4", top_k=1)
    assert "Paragraph 4" in found[0][0].text


def test_update_content_replaces_chunks(kb: KnowledgeStore) -> None:
    doc = kb.list_documents("ws-1", "help")[0]
    kb.update_document("ws-1", "help", doc.document_id, content="Gift cards never expire.")
    found = kb.search("ws-1", "help", "gift cards expire", top_k=1)
    assert (found[0][0].document_id, found[0][0].text) == (doc.document_id, "Gift cards never expire.")
    assert all(chunk.text != REFUNDS for chunk, _ in kb.search("ws-1", "help", "refund", top_k=3))


def test_delete_document_removes_its_passages(kb: KnowledgeStore) -> None:
    doc = kb.list_documents("ws-1", "help")[0]
    kb.delete_document("ws-1", "help", doc.document_id)
    with pytest.raises(DocumentNotFound, match="document_id"):
        kb.get_document("ws-1", "help", doc.document_id)
    assert all(
        chunk.document_id != doc.document_id for chunk, _ in kb.search("ws-1", "help", "refund", top_k=5)
    )


def test_list_documents_in_order_with_filters(kb: KnowledgeStore) -> None:
    titles = [d.title for d in kb.list_documents("ws-1", "help", filters={"topic": "billing"})]
    assert titles == ["Refunds", "Passwords"]


def test_unknown_knowledge_base_is_not_found(data: DecaDataStores) -> None:
    with pytest.raises(KnowledgeBaseNotFound, match="knowledge_base_id: knowledge base 'nope'"):
        data.knowledge.search("ws-1", "nope", "anything")


@pytest.mark.usefixtures("kb")
def test_knowledge_base_of_other_workspace_is_not_found(data: DecaDataStores) -> None:
    with pytest.raises(KnowledgeBaseNotFound):
        data.knowledge.search("ws-2", "help", "refund")


def test_empty_content_is_knowledge_base_error(data: DecaDataStores) -> None:
    with pytest.raises(KnowledgeBaseError, match="content: the document has no text"):
        data.knowledge.add_document("ws-1", "help", content="   ")


@pytest.mark.usefixtures("kb")
def test_other_embedder_is_refused(data: DecaDataStores) -> None:
    data.knowledge.embedder = HashingEmbedder(dimensions=64)
    with pytest.raises(KnowledgeBaseError, match="was embedded with local-hash-1024"):
        data.knowledge.search("ws-1", "help", "refund")
