"""deca_pages node run in-process: operations, named errors, idempotent writes."""

from __future__ import annotations

import pytest

from deca.deca_data.errors import PageNotFound, SlugTaken
from deca.nodes.context import NodeContext
from deca.nodes.handlers import InvalidNodeConfig
from tests.fakes.node_runs import data_context, run


@pytest.fixture
def ctx() -> NodeContext:
    return data_context()


def create(ctx: NodeContext, title: str, node_id: str = "n1") -> dict[str, object]:
    out = run(ctx, "deca_pages", {"operation": "create", "site_id": "web", "title": title}, node_id=node_id)
    assert isinstance(out["page"], dict)
    return out["page"]


def test_create_returns_draft_page_without_url(ctx: NodeContext) -> None:
    out = run(
        ctx,
        "deca_pages",
        {"operation": "create", "site_id": "web", "title": "Spring Sale", "content": "# Hi"},
    )
    assert (out["page"]["slug"], out["page"]["status"], out["url"]) == ("spring-sale", "draft", None)


def test_publish_returns_url(ctx: NodeContext) -> None:
    page = create(ctx, "Spring Sale")
    out = run(
        ctx,
        "deca_pages",
        {"operation": "publish", "site_id": "web", "page_id": page["page_id"]},
        node_id="n2",
    )
    assert (out["page"]["status"], out["url"]) == ("published", "/sites/web/spring-sale")


def test_list_counts_pages(ctx: NodeContext) -> None:
    create(ctx, "One", node_id="a")
    create(ctx, "Two", node_id="b")
    out = run(ctx, "deca_pages", {"operation": "list", "site_id": "web", "search": "tw"})
    assert (out["count"], [p["title"] for p in out["pages"]]) == (1, ["Two"])


def test_retry_of_same_execution_and_node_does_not_create_twice(ctx: NodeContext) -> None:
    first = create(ctx, "Once")
    again = create(ctx, "Once")
    assert again == first
    assert run(ctx, "deca_pages", {"operation": "list", "site_id": "web"})["count"] == 1


def test_same_slug_from_another_node_is_slug_taken(ctx: NodeContext) -> None:
    create(ctx, "About", node_id="a")
    with pytest.raises(SlugTaken, match="slug: 'about'"):
        create(ctx, "About", node_id="b")


def test_get_missing_page_is_page_not_found(ctx: NodeContext) -> None:
    with pytest.raises(PageNotFound, match="page_id: page 'pg_9'"):
        run(ctx, "deca_pages", {"operation": "get", "site_id": "web", "page_id": "pg_9"})


def test_delete_then_get_is_page_not_found(ctx: NodeContext) -> None:
    page = create(ctx, "Temp")
    run(ctx, "deca_pages", {"operation": "delete", "site_id": "web", "page_id": page["page_id"]}, node_id="d")
    with pytest.raises(PageNotFound):
        run(ctx, "deca_pages", {"operation": "get", "site_id": "web", "page_id": page["page_id"]})


def test_missing_title_on_create_is_invalid_config_naming_field(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match=r"config\.title: required when operation is 'create'"):
        run(ctx, "deca_pages", {"operation": "create", "site_id": "web"})
