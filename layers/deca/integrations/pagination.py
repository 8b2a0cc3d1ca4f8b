"""Pagination of the generic HTTP node: where the items are and how the next page is asked for."""

from __future__ import annotations

import re
from typing import Any

import httpx

from deca.integrations.errors import IntegrationConfigError
from deca.nodes.http_request import HttpPagination

__all__ = ["extract", "first_page_params", "next_page_params", "page_items"]

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def extract(body: Any, path: str, *, field: str) -> Any:
    """The value at a JSONata path of a response body (a dotted path is read directly)."""
    if _DOTTED.match(path):
        value = body
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value
    import jsonata

    try:
        return jsonata.Jsonata(path).evaluate(body)
    except Exception as exc:  # jsonata raises its own untyped errors
        raise IntegrationConfigError(f"config.pagination.{field}: {exc}", service="http_request") from None


def page_items(body: Any, pagination: HttpPagination) -> list[Any]:
    """The items of one page (a single value counts as one item; nothing as none)."""
    items = extract(body, pagination.items_path, field="items_path")
    if items is None:
        return []
    return list(items) if isinstance(items, list) else [items]


def next_page_params(
    pagination: HttpPagination, response: httpx.Response, body: Any, items: list[Any], page: int
) -> dict[str, Any] | str | None:
    """Query params (or, for link_header, the URL) of the page after `page` (1-based); None at the end."""
    if pagination.mode == "link_header":
        link = response.links.get("next", {}).get("url")
        return str(response.url.join(link)) if link else None
    if not items:
        return None
    size = pagination.page_size
    extra = {pagination.page_size_param: size} if pagination.page_size_param and size else {}
    assert pagination.param is not None  # required by the model for every mode but link_header
    if pagination.mode == "cursor":
        assert pagination.next_cursor_path is not None
        cursor = extract(body, pagination.next_cursor_path, field="next_cursor_path")
        return {pagination.param: cursor, **extra} if cursor not in (None, "") else None
    if size is not None and len(items) < size:
        return None
    if pagination.mode == "page":
        return {pagination.param: page + 1, **extra}
    assert size is not None
    return {pagination.param: page * size, **extra}


def first_page_params(pagination: HttpPagination) -> dict[str, Any]:
    """Query params of the first page."""
    extra = (
        {pagination.page_size_param: pagination.page_size}
        if pagination.page_size_param and pagination.page_size
        else {}
    )
    if pagination.mode in ("page", "offset") and pagination.param:
        return {pagination.param: 1 if pagination.mode == "page" else 0, **extra}
    return extra
