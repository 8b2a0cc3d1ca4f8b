"""A structured difference between two flow documents: nodes, connections, triggers and settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, JsonValue

__all__ = ["ConnectionChanges", "FieldChange", "FlowDiff", "NodeChange", "NodeChanges", "diff_flows"]


class FieldChange(BaseModel):
    """One value that differs; `path` is relative to the compared object (`config.url`, `timeout`)."""

    path: str
    before: JsonValue = None
    after: JsonValue = None


class NodeChange(BaseModel):
    """A node present in both versions whose fields differ."""

    id: str
    changes: list[FieldChange]


class NodeChanges(BaseModel):
    """Nodes added, removed and changed (matched by id)."""

    added: list[dict[str, JsonValue]] = Field(default_factory=list)
    removed: list[dict[str, JsonValue]] = Field(default_factory=list)
    changed: list[NodeChange] = Field(default_factory=list)


class ConnectionChanges(BaseModel):
    """Connections (or triggers) present in only one of the versions."""

    added: list[dict[str, JsonValue]] = Field(default_factory=list)
    removed: list[dict[str, JsonValue]] = Field(default_factory=list)


class FlowDiff(BaseModel):
    """What changed from one version of a flow to another."""

    flow_id: str
    from_version: int
    to_version: int
    nodes: NodeChanges
    connections: ConnectionChanges
    triggers: ConnectionChanges
    settings: list[FieldChange] = Field(description="Changed `settings` fields")
    metadata: list[FieldChange] = Field(description="Changed top-level fields (name, description, ...)")


def _changes(before: JsonValue, after: JsonValue, path: str = "") -> list[FieldChange]:
    """Leaf-level differences between two JSON values (lists compare whole)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[FieldChange] = []
        for key in sorted(set(before) | set(after)):
            sub = f"{path}.{key}" if path else key
            found.extend(_changes(before.get(key), after.get(key), sub))
        return found
    if before == after:
        return []
    return [FieldChange(path=path, before=before, after=after)]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _set_changes(before: list[Any], after: list[Any]) -> ConnectionChanges:
    old = {_canonical(item): item for item in before}
    new = {_canonical(item): item for item in after}
    return ConnectionChanges(
        added=[new[key] for key in new if key not in old],
        removed=[old[key] for key in old if key not in new],
    )


def _nodes(before: list[Any], after: list[Any]) -> NodeChanges:
    old = {node["id"]: node for node in before}
    new = {node["id"]: node for node in after}
    changed = [
        NodeChange(id=node_id, changes=changes)
        for node_id in old
        if node_id in new and (changes := _changes(old[node_id], new[node_id]))
    ]
    return NodeChanges(
        added=[node for node_id, node in new.items() if node_id not in old],
        removed=[node for node_id, node in old.items() if node_id not in new],
        changed=changed,
    )


_STRUCTURE = frozenset({"nodes", "connections", "triggers", "settings", "version", "id"})


def diff_flows(
    flow_id: str, from_version: int, before: Mapping[str, Any], to_version: int, after: Mapping[str, Any]
) -> FlowDiff:
    """The differences between two flow documents (as dumped JSON)."""
    meta_before = {k: v for k, v in before.items() if k not in _STRUCTURE}
    meta_after = {k: v for k, v in after.items() if k not in _STRUCTURE}
    return FlowDiff(
        flow_id=flow_id,
        from_version=from_version,
        to_version=to_version,
        nodes=_nodes(list(before.get("nodes", [])), list(after.get("nodes", []))),
        connections=_set_changes(list(before.get("connections", [])), list(after.get("connections", []))),
        triggers=_set_changes(list(before.get("triggers", [])), list(after.get("triggers", []))),
        settings=_changes(before.get("settings", {}), after.get("settings", {})),
        metadata=_changes(meta_before, meta_after),
    )
