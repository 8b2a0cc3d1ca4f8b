"""The node registry: node type string -> NodeSpec (config model, output model, category, kind)."""

from __future__ import annotations

import importlib
from types import MappingProxyType

from deca.nodes.base import NodeSpec

__all__ = ["NODE_TYPES", "get_spec"]

# One module per node type, named for the type (`deca/nodes/<type>.py`), each exporting `SPEC`.
_NODE_MODULES = (
    "agent",
    "aggregate",
    "approval",
    "branch",
    "code",
    "condition",
    "deca_chatbot",
    "deca_crm",
    "deca_forms",
    "deca_knowledge_base",
    "deca_pages",
    "deca_tables",
    "email",
    "event_trigger",
    "filter",
    "form",
    "function",
    "google_calendar",
    "google_drive",
    "google_gmail",
    "google_sheets",
    "http_request",
    "loop",
    "mcp_tool",
    "merge",
    "noop",
    "openai",
    "respond_to_webhook",
    "s3",
    "schedule_trigger",
    "set",
    "slack",
    "sort",
    "stop_and_error",
    "sub_flow",
    "switch",
    "transform",
    "wait",
    "webhook_trigger",
    "zendesk",
)


def _spec(module_name: str) -> NodeSpec:
    spec = importlib.import_module(f"deca.nodes.{module_name}").SPEC
    assert isinstance(spec, NodeSpec), module_name
    return spec


NODE_TYPES: MappingProxyType[str, NodeSpec] = MappingProxyType(
    {spec.type: spec for spec in sorted((_spec(name) for name in _NODE_MODULES), key=lambda s: s.type)}
)


def get_spec(node_type: str) -> NodeSpec | None:
    """The spec of a node type, or None when the type is unknown."""
    return NODE_TYPES.get(node_type)
