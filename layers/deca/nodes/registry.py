"""The node registry: node type string -> NodeSpec (config model, output model, category, kind)."""

from __future__ import annotations

from types import MappingProxyType

from deca.nodes import (
    agent,
    aggregate,
    approval,
    branch,
    code,
    condition,
    deca_chatbot,
    deca_crm,
    deca_forms,
    deca_knowledge_base,
    deca_pages,
    deca_tables,
    email,
    event_trigger,
    form,
    function,
    google_calendar,
    google_drive,
    google_gmail,
    google_sheets,
    http_request,
    loop,
    mcp_tool,
    merge,
    noop,
    openai,
    respond_to_webhook,
    s3,
    schedule_trigger,
    slack,
    sort,
    stop_and_error,
    sub_flow,
    switch,
    transform,
    wait,
    webhook_trigger,
    zendesk,
)
from deca.nodes import (
    filter as filter_,
)
from deca.nodes import (
    set as set_,
)
from deca.nodes.base import NodeSpec

__all__ = ["NODE_TYPES", "get_spec"]

_MODULES = (
    agent,
    aggregate,
    approval,
    branch,
    code,
    condition,
    deca_chatbot,
    deca_crm,
    deca_forms,
    deca_knowledge_base,
    deca_pages,
    deca_tables,
    email,
    event_trigger,
    filter_,
    form,
    function,
    google_calendar,
    google_drive,
    google_gmail,
    google_sheets,
    http_request,
    loop,
    mcp_tool,
    merge,
    noop,
    openai,
    respond_to_webhook,
    s3,
    schedule_trigger,
    set_,
    slack,
    sort,
    stop_and_error,
    sub_flow,
    switch,
    transform,
    wait,
    webhook_trigger,
    zendesk,
)

NODE_TYPES: MappingProxyType[str, NodeSpec] = MappingProxyType(
    {spec.type: spec for spec in sorted((m.SPEC for m in _MODULES), key=lambda s: s.type)}
)


def get_spec(node_type: str) -> NodeSpec | None:
    """The spec of a node type, or None when the type is unknown."""
    return NODE_TYPES.get(node_type)
