"""deca_knowledge_base node run in-process: add (text or URL), search with context, update, delete, errors."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from deca.deca_data.errors import DocumentNotFound, KnowledgeBaseError, KnowledgeBaseNotFound
from deca.nodes.context import NodeContext, StaticSecrets
from deca.nodes.handlers import InvalidNodeConfig
from tests.fakes.http_server import FakeHttpServer, FakeResponse
from tests.fakes.llm_server import llm_server
from tests.fakes.node_runs import data_context, run


@pytest.fixture
def ctx() -> NodeContext:
    """A context whose knowledge base `help` has a refunds and a shipping document."""
    context = data_context()
    for node_id, title, content in [
        ("a", "Refunds", "Refunds are paid within 14 days of the return."),
        ("b", "Shipping", "Shipping to Europe takes three working days."),
    ]:
        config = {
            "operation": "add_document",
            "knowledge_base_id": "help",
            "title": title,
            "content": content,
        }
        run(context, "deca_knowledge_base", config, node_id=node_id)
    return context


def test_search_returns_best_passage_and_context(ctx: NodeContext) -> None:
    out = run(
        ctx,
        "deca_knowledge_base",
        {"operation": "search", "knowledge_base_id": "help", "query": "refund time", "top_k": 1},
    )
    assert (out["count"], out["results"][0]["title"]) == (1, "Refunds")
    assert out["context"] == "[Refunds] Refunds are paid within 14 days of the return."


def test_update_then_search_finds_new_text(ctx: NodeContext) -> None:
    docs = run(ctx, "deca_knowledge_base", {"operation": "list_documents", "knowledge_base_id": "help"})[
        "documents"
    ]
    config = {
        "operation": "update_document",
        "knowledge_base_id": "help",
        "document_id": docs[1]["document_id"],
        "content": "Gift cards never expire.",
    }
    run(ctx, "deca_knowledge_base", config, node_id="u")
    out = run(
        ctx,
        "deca_knowledge_base",
        {"operation": "search", "knowledge_base_id": "help", "query": "gift card", "top_k": 1},
    )
    assert out["results"][0]["text"] == "Gift cards never expire."


def test_delete_then_get_is_document_not_found(ctx: NodeContext) -> None:
    docs = run(ctx, "deca_knowledge_base", {"operation": "list_documents", "knowledge_base_id": "help"})[
        "documents"
    ]
    doc_id = docs[0]["document_id"]
    run(
        ctx,
        "deca_knowledge_base",
        {"operation": "delete_document", "knowledge_base_id": "help", "document_id": doc_id},
        node_id="d",
    )
    with pytest.raises(DocumentNotFound):
        run(
            ctx,
            "deca_knowledge_base",
            {"operation": "get_document", "knowledge_base_id": "help", "document_id": doc_id},
        )


def test_add_is_not_repeated_by_a_retry(ctx: NodeContext) -> None:
    config = {
        "operation": "add_document",
        "knowledge_base_id": "help",
        "content": "Opening hours are 9 to 5.",
    }
    first = run(ctx, "deca_knowledge_base", config, node_id="c")
    assert run(ctx, "deca_knowledge_base", config, node_id="c") == first
    assert (
        run(ctx, "deca_knowledge_base", {"operation": "list_documents", "knowledge_base_id": "help"})["count"]
        == 3
    )


@pytest.fixture
def site() -> Iterator[FakeHttpServer]:
    """A loopback web server with one text page and one missing page."""
    with FakeHttpServer() as server:
        server.route(
            "GET", r"/faq\.txt", lambda _req, _match: FakeResponse(200, "Returns are free for 30 days.")
        )
        server.route("GET", "/gone", lambda _req, _match: FakeResponse(404, "not here"))
        yield server


def test_add_from_source_url_fetches_the_text(ctx: NodeContext, site: FakeHttpServer) -> None:
    ctx.http_client = lambda: httpx.Client(timeout=5)
    config = {
        "operation": "add_document",
        "knowledge_base_id": "help",
        "source_url": f"{site.base_url}/faq.txt",
    }
    out = run(ctx, "deca_knowledge_base", config, node_id="f")
    assert (out["document"]["content"], out["document"]["source_url"]) == (
        "Returns are free for 30 days.",
        f"{site.base_url}/faq.txt",
    )


def test_source_url_answering_404_is_knowledge_base_error(ctx: NodeContext, site: FakeHttpServer) -> None:
    ctx.http_client = lambda: httpx.Client(timeout=5)
    config = {"operation": "add_document", "knowledge_base_id": "help", "source_url": f"{site.base_url}/gone"}
    with pytest.raises(KnowledgeBaseError, match=r"source_url: .* answered HTTP 404"):
        run(ctx, "deca_knowledge_base", config, node_id="g")


def test_unknown_knowledge_base_is_not_found(ctx: NodeContext) -> None:
    with pytest.raises(KnowledgeBaseNotFound):
        run(ctx, "deca_knowledge_base", {"operation": "search", "knowledge_base_id": "other", "query": "x"})


def test_add_without_content_or_url_is_invalid_config(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match="exactly one of `content` or `source_url`"):
        run(ctx, "deca_knowledge_base", {"operation": "add_document", "knowledge_base_id": "help"})


def test_credential_embeds_through_the_provider(ctx: NodeContext) -> None:
    # Given a workspace credential for an OpenAI-compatible server (the loopback fake)
    with llm_server() as fake:
        ctx.secrets = StaticSecrets(
            {("ws-1", "emb"): {"api_key": "sk-test", "base_url": fake.openai_base_url}}
        )
        provider = {"credential_id": "emb", "embedding_model": "tiny", "embedding_dimensions": 8}

        # When a knowledge base is filled and searched with it
        add = {
            "operation": "add_document",
            "knowledge_base_id": "own",
            "content": "Opening hours are 9 to 5.",
            **provider,
        }
        run(ctx, "deca_knowledge_base", add, node_id="p1")
        search = {
            "operation": "search",
            "knowledge_base_id": "own",
            "query": "Opening hours are 9 to 5.",
            **provider,
        }
        out = run(ctx, "deca_knowledge_base", search)

    # Then the provider embedded the passage and the query, and the identical text scores highest
    embedded = [r.body for r in fake.requests if r.path.endswith("/embeddings")]
    assert [b["model"] for b in embedded] == ["tiny", "tiny"]
    assert out["results"][0]["score"] == pytest.approx(1.0)


def test_credential_model_other_than_the_knowledge_bases_is_refused(ctx: NodeContext) -> None:
    with llm_server() as fake:
        ctx.secrets = StaticSecrets(
            {("ws-1", "emb"): {"api_key": "sk-test", "base_url": fake.openai_base_url}}
        )
        search = {
            "operation": "search",
            "knowledge_base_id": "help",
            "query": "refund",
            "credential_id": "emb",
        }
        with pytest.raises(KnowledgeBaseError, match="was embedded with local-hash-1024"):
            run(ctx, "deca_knowledge_base", search)
