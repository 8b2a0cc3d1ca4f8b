"""Small flow documents for compiler tests (plain dicts, as a user would write them)."""

from __future__ import annotations

import itertools
from typing import Any


def node(node_id: str, node_type: str = "function", **fields: Any) -> dict[str, Any]:
    """A node; a function node gets a minimal valid config unless `config` is given."""
    config = fields.pop("config", None)
    if config is None:
        config = {"function_id": f"fn-{node_id}"} if node_type == "function" else {}
    return {"id": node_id, "type": node_type, "config": config, **fields}


def edge(source: str, target: str, **fields: Any) -> dict[str, Any]:
    """A connection."""
    return {"from": source, "to": target, **fields}


def flow(
    nodes: list[dict[str, Any]], connections: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    """A flow document."""
    return {
        "id": "test-flow",
        "name": "Test Flow",
        "nodes": nodes,
        "connections": connections or [],
        **fields,
    }


def chain(*ids: str) -> dict[str, Any]:
    """A flow of function nodes connected one after the other."""
    return flow([node(i) for i in ids], [edge(a, b) for a, b in itertools.pairwise(ids)])
