"""Large node outputs go to the object store by reference, and come back whole in the next node.

Step Functions caps a state's data at 256 KiB. When a node's output (as JSON) is larger than the task's
`output_ref_threshold`, its largest top-level fields are stored as objects and replaced by
`{"$ref": "<key>"}` until the output fits (a non-object output is stored whole). A later node that receives
such a reference in its config or input gets the stored value back before its logic runs, so nothing is
truncated. References resolve only inside the task's own workspace (`payloads/<workspace>/...`): a `$ref`
smuggled in trigger data cannot read another tenant's objects. Choice and Pass states see the reference
object itself, not the value (they run inside Step Functions).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deca.nodes.task import NodeTask
    from deca.tasks.object_store import ObjectStore

__all__ = ["PAYLOAD_STORE_SERVICE", "offload_large_output", "payload_prefix", "resolve_refs"]

PAYLOAD_STORE_SERVICE = "payload_store"
"""`NodeContext.services[...]`: the object store of large payloads (no store: no offloading)."""

_REF = "$ref"


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def payload_prefix(workspace_id: str) -> str:
    """Where a workspace's payloads live in the object store."""
    return f"payloads/{workspace_id}/"


def _node_prefix(task: NodeTask) -> str:
    execution = hashlib.sha256(task.execution.id.encode()).hexdigest()[:24]
    iteration = ".".join(str(i) for i in task.iteration) or "-"
    return f"{payload_prefix(task.workspace_id)}{execution}/{task.node_id}/{iteration}/"


def _store(store: ObjectStore, key: str, value: Any) -> dict[str, str]:
    store.put(key, json.dumps(value, ensure_ascii=False).encode(), content_type="application/json")
    return {_REF: key}


def offload_large_output(output: Any, task: NodeTask, store: ObjectStore) -> Any:
    """The output itself when it fits the task's threshold, else with its largest fields by reference."""
    limit = task.output_ref_threshold
    if _size(output) <= limit:
        return output
    prefix = _node_prefix(task)
    if not isinstance(output, dict):
        return _store(store, prefix + "output.json", output)
    slim = dict(output)
    for name in sorted(slim, key=lambda k: _size(slim[k]), reverse=True):
        if _size(slim) <= limit:
            break
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        slim[name] = _store(store, f"{prefix}field-{digest}.json", slim[name])
    return slim


def resolve_refs(value: Any, workspace_id: str, store: ObjectStore) -> Any:
    """`value` with every `{"$ref": key}` of this workspace's payloads replaced by the stored value."""
    prefix = payload_prefix(workspace_id)
    if isinstance(value, dict):
        key = value.get(_REF)
        if len(value) == 1 and isinstance(key, str) and key.startswith(prefix) and ".." not in key:
            return json.loads(store.get(key))
        return {k: resolve_refs(v, workspace_id, store) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_refs(v, workspace_id, store) for v in value]
    return value
