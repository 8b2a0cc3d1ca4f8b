"""The collections (MongoDB) / tables (SQLite): keys, unique constraints and indexes, defined once."""

from __future__ import annotations

from deca.stores.tables import TableSpec

__all__ = [
    "AGENTS",
    "AUDIT",
    "CREDENTIALS",
    "EXECUTIONS",
    "EXECUTION_HISTORY",
    "FLOWS",
    "FLOW_VERSIONS",
    "FUNCTIONS",
    "FUNCTION_VERSIONS",
    "IDEMPOTENCY",
    "MEMBERS",
    "NODE_RESULTS",
    "PROMPTS",
    "PROMPT_VERSIONS",
    "TABLES",
    "WORKSPACES",
]

W = "workspace_id"


def _named(name: str, id_field: str, *filters: str) -> TableSpec:
    """A collection listed by name, optionally filtered by some fields."""
    return TableSpec(
        name,
        key=(W, id_field),
        indexes=((W, "name", id_field), *((W, f, "name", id_field) for f in filters)),
    )


def _versions(name: str, id_field: str) -> TableSpec:
    """Immutable versions of a resource, unique per (workspace, resource, version)."""
    return TableSpec(name, key=(W, id_field, "version"))


WORKSPACES = TableSpec("workspaces", key=(W,))
MEMBERS = TableSpec("members", key=(W, "user_id"), indexes=(("user_id", W),))
FLOWS = _named("flows", "flow_id", "status")
FLOW_VERSIONS = _versions("flow_versions", "flow_id")
EXECUTIONS = TableSpec(
    "executions",
    key=(W, "execution_id"),
    unique=((W, "flow_id", "name"),),
    indexes=(
        (W, "start_time", "execution_id"),
        (W, "flow_id", "start_time", "execution_id"),
        (W, "status", "start_time", "execution_id"),
    ),
)
EXECUTION_HISTORY = TableSpec("execution_history", key=(W, "execution_id", "event_id"))
NODE_RESULTS = TableSpec(
    "node_results",
    key=(W, "execution_id", "node_id", "attempt"),
    indexes=((W, "execution_id", "started_at", "node_id", "attempt"),),
)
CREDENTIALS = TableSpec(
    "credentials",
    key=(W, "credential_id"),
    unique=((W, "name"),),
    indexes=((W, "name", "credential_id"),),
)
FUNCTIONS = _named("functions", "function_id", "language")
FUNCTION_VERSIONS = _versions("function_versions", "function_id")
AGENTS = _named("agents", "agent_id", "status")
PROMPTS = _named("prompts", "prompt_id")
PROMPT_VERSIONS = _versions("prompt_versions", "prompt_id")
AUDIT = TableSpec(
    "audit",
    key=(W, "_audit_id"),
    indexes=(
        (W, "timestamp", "_audit_id"),
        (W, "user_id", "timestamp", "_audit_id"),
        (W, "action", "timestamp", "_audit_id"),
        (W, "resource_id", "timestamp", "_audit_id"),
    ),
)
IDEMPOTENCY = TableSpec("idempotency", key=(W, "key"), ttl_field="expires_at")

TABLES = (
    WORKSPACES,
    MEMBERS,
    FLOWS,
    FLOW_VERSIONS,
    EXECUTIONS,
    EXECUTION_HISTORY,
    NODE_RESULTS,
    CREDENTIALS,
    FUNCTIONS,
    FUNCTION_VERSIONS,
    AGENTS,
    PROMPTS,
    PROMPT_VERSIONS,
    AUDIT,
    IDEMPOTENCY,
)
"""Every table of the stores, in creation order."""
