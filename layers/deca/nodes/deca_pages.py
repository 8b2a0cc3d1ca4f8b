"""`deca_pages`: manages DECA Pages content (create, update, publish, list)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.deca_data.models import PageRecord
    from deca.deca_data.pages import PageStore
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "DecaPagesConfig", "DecaPagesOutput", "run"]


class DecaPagesConfig(OperationConfig):
    """Config of the deca_pages node."""

    operation: Literal["get", "list", "create", "update", "publish", "unpublish", "delete"] = Field(
        description=OPERATION_HELP
    )
    site_id: str = Field(min_length=1, max_length=128, description="Site the pages belong to")
    page_id: str | None = Field(default=None, min_length=1, description="Page id (templates allowed)")
    title: str | None = Field(default=None, min_length=1, max_length=500, description="Page title")
    slug: str | None = Field(
        description="URL path of the page; derived from the title when unset",
        default=None,
        pattern=r"^[a-z0-9][a-z0-9/-]{0,200}$|^\s*\{\{[\s\S]*\}\}\s*$",
    )
    content: Any = Field(default=None, description="Page body: Markdown/HTML text or block JSON")
    template_id: str | None = Field(default=None, description="Page template to start from (create)")
    seo: dict[str, str] | None = Field(default=None, description="SEO metadata: title, description, image")
    status: Literal["draft", "published", "archived"] | None = Field(
        default=None, description="Filter (list)"
    )
    search: str | None = Field(default=None, description="Text search in titles (list)")
    limit: int | None = Field(default=None, ge=1, le=500, description="Maximum pages returned (default 50)")

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "get": Operation(required=("page_id",)),
        "list": Operation(optional=("status", "search", "limit")),
        "create": Operation(required=("title",), optional=("slug", "content", "template_id", "seo")),
        "update": Operation(required=("page_id",), optional=("title", "slug", "content", "seo")),
        "publish": Operation(required=("page_id",)),
        "unpublish": Operation(required=("page_id",)),
        "delete": Operation(required=("page_id",)),
    }


class DecaPagesOutput(NodeOutput):
    """What a deca_pages node returns."""

    page: dict[str, Any] | None = Field(default=None, description="The page (all but list and delete)")
    pages: list[dict[str, Any]] = Field(default_factory=list, description="Pages found (list)")
    url: str | None = Field(default=None, description="Public URL of the page once published")
    count: int = Field(default=0, ge=0, description="Number of pages returned (list)")


SPEC = NodeSpec(
    type="deca_pages",
    category="deca",
    description="Create, update, publish, list or delete DECA Pages content",
    config=DecaPagesConfig,
    output=DecaPagesOutput,
    side_effects=True,
    icon="file-text",
    errors=("PageNotFound", "SlugTaken", "PagesError"),
    example={
        "operation": "create",
        "site_id": "marketing",
        "title": "{{ input.campaign.name }}",
        "content": "{{ input.campaign.copy }}",
    },
)


_READS = frozenset({"get", "list"})


def _one(store: PageStore, page: PageRecord) -> DecaPagesOutput:
    return DecaPagesOutput(page=page.model_dump(mode="json"), url=store.url(page))


def _act(config: DecaPagesConfig, store: PageStore, workspace_id: str) -> DecaPagesOutput:
    site, page_id = config.site_id, config.page_id or ""
    if config.operation == "list":
        pages = store.list(
            workspace_id, site, status=config.status, search=config.search, limit=config.limit or 50
        )
        return DecaPagesOutput(pages=[p.model_dump(mode="json") for p in pages], count=len(pages))
    if config.operation == "get":
        return _one(store, store.get(workspace_id, site, page_id))
    if config.operation == "create":
        page = store.create(
            workspace_id,
            site,
            title=config.title or "",
            slug=config.slug,
            content=config.content,
            template_id=config.template_id,
            seo=config.seo,
        )
        return _one(store, page)
    if config.operation == "update":
        changes = {"title": config.title, "slug": config.slug, "content": config.content, "seo": config.seo}
        return _one(store, store.update(workspace_id, site, page_id, **changes))
    if config.operation in ("publish", "unpublish"):
        status: Literal["published", "draft"] = "published" if config.operation == "publish" else "draft"
        return _one(store, store.set_status(workspace_id, site, page_id, status))
    store.delete(workspace_id, site, page_id)
    return DecaPagesOutput()


def run(config: DecaPagesConfig, task: NodeTask, ctx: NodeContext) -> DecaPagesOutput:
    """Do the page operation in the workspace's pages store (writes run once per execution and node)."""
    from deca.deca_data.context import data_stores, write_once

    store = data_stores(ctx).pages
    if config.operation in _READS:
        return _act(config, store, ctx.workspace_id)
    return write_once(ctx, task, DecaPagesOutput, lambda: _act(config, store, ctx.workspace_id))
