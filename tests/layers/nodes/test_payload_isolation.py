"""A `$ref` in a node's config or input reads only its own workspace's payloads, whatever path tricks it tries.

Trigger data is attacker-controlled (a public webhook body), so a `{"$ref": ...}` inside it must never reach
another workspace's offloaded output, on the local-disk store as well as in memory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deca.errors import NotFoundError
from deca.nodes.payloads import offload_large_output, payload_prefix, resolve_refs
from deca.nodes.task import ExecutionInfo, NodeTask
from deca.tasks.object_store import LocalDirectoryStore, MemoryObjectStore, ObjectStore

VICTIM_SECRET = "victim-payload-" + "s" * 200


def _victim_task() -> NodeTask:
    return NodeTask(
        execution=ExecutionInfo(id="arn:exec:victim"),
        workspace_id="ws-victim",
        flow_id="f",
        node_id="fetch",
        node_type="http_request",
        output_ref_threshold=10,
    )


@pytest.fixture(params=["memory", "directory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "memory":
        return MemoryObjectStore()
    return LocalDirectoryStore(tmp_path)


def _victim_key(store: ObjectStore) -> str:
    reference = offload_large_output(VICTIM_SECRET, _victim_task(), store)
    key: str = reference["$ref"]
    assert key.startswith(payload_prefix("ws-victim"))
    return key


@pytest.mark.parametrize(
    "smuggle",
    [
        "{key}",
        "payloads/ws-attacker/../ws-victim/{rest}",
        "payloads/ws-attacker/%2e%2e/ws-victim/{rest}",
        "payloads/ws-attacker/..\\ws-victim\\{rest}",
        "/{key}",
        "payloads/ws-attacker//../../{key}",
        "payloads/ws-attacker",
    ],
    ids=["plain", "dot-dot", "encoded", "backslash", "absolute", "double-slash", "bare-prefix"],
)
def test_a_reference_to_another_workspace_never_resolves(store: ObjectStore, smuggle: str) -> None:
    # Given a payload offloaded by the victim workspace
    key = _victim_key(store)
    rest = key.removeprefix(payload_prefix("ws-victim"))
    reference = {"$ref": smuggle.format(key=key, rest=rest)}

    # When the attacker's node task carries the reference (in trigger data)
    try:
        resolved = resolve_refs({"body": reference}, "ws-attacker", store)
    except NotFoundError:
        return  # looked up inside the attacker's own workspace, where no such object exists

    # Then it stays the literal reference: nothing of the victim's payload
    assert resolved == {"body": reference}
    assert VICTIM_SECRET not in repr(resolved)


def test_the_own_workspace_reference_resolves(store: ObjectStore) -> None:
    key = _victim_key(store)

    assert resolve_refs({"$ref": key}, "ws-victim", store) == VICTIM_SECRET
