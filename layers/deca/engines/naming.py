"""Names and ARNs of the state machines of published flow versions: the one place that spells them.

A flow version's state machine is `deca-<env>-flow-<workspace>-<flow>-v<version>` (sanitised, ≤ 80
characters) under the account's `arn:<partition>:states:<region>:<account>:stateMachine:` prefix. The
Step Functions engine creates machines under these names, the local engine names its executions by
them, triggers start them, and a `sub_flow` node's ASL points at its child's ARN (`child_version`
says which version of the child runs).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Any

from deca.errors import InputError, NotFoundError
from deca.stores import MAX_LIMIT
from deca.stores.base import FlowRepository

__all__ = [
    "LOCAL_ARN_PREFIX",
    "TAG_FLOW",
    "TAG_VERSION",
    "TAG_WORKSPACE",
    "StateMachineNames",
    "StateMachineTags",
    "child_version",
    "state_machine_name",
]

TAG_WORKSPACE, TAG_FLOW, TAG_VERSION = "deca:workspace", "deca:flow", "deca:version"
"""The tags the Step Functions engine puts on each state machine (names may be shortened and hashed)."""

LOCAL_ARN_PREFIX = "arn:aws:states:local:000000000000:stateMachine:"
"""Where the local engine's state machines live (it never calls AWS)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_VERSION = re.compile(r"-v([0-9]+)$")
_MAX_NAME = 80
_MARKER = ":stateMachine:"


def state_machine_name(environment: str, workspace_id: str, flow_id: str, version: int) -> str:
    """`deca-<env>-flow-<workspace>-<flow>-v<version>`, sanitised for Step Functions (≤ 80 characters).

    Characters other than letters, digits, `-` and `_` become `-`; when too long, the workspace and
    flow parts are shortened and a short hash keeps distinct flows distinct.
    """

    def clean(text: str) -> str:
        return _UNSAFE.sub("-", text).strip("-") or "x"

    env, ws, flow = clean(environment), clean(workspace_id), clean(flow_id)
    full = f"deca-{env}-flow-{ws}-{flow}-v{version}"
    if len(full) <= _MAX_NAME:
        return full
    digest = hashlib.sha256(f"{workspace_id}\0{flow_id}".encode()).hexdigest()[:8]
    fixed = len(f"deca-{env}-flow---{digest}-v{version}")
    room = max(_MAX_NAME - fixed, 2)
    ws_len = min(len(ws), room // 2)
    flow_len = room - ws_len
    return f"deca-{env}-flow-{ws[:ws_len]}-{flow[:flow_len]}-{digest}-v{version}"[:_MAX_NAME]


@dataclass(frozen=True)
class StateMachineNames:
    """The state machines of one environment in one account and region."""

    environment: str
    arn_prefix: str = LOCAL_ARN_PREFIX
    """`arn:<partition>:states:<region>:<account>:stateMachine:` (ends with the colon)."""

    @classmethod
    def from_arn_prefix(cls, prefix: str) -> StateMachineNames:
        """From the CDK's `DECA_STATE_MACHINE_ARN_PREFIX`, `arn:…:stateMachine:deca-<env>-flow-`.

        Raises:
            ValueError: `prefix` is not a state machine ARN prefix.
        """
        base, marker, names = prefix.partition(_MARKER)
        if not marker or not base.startswith("arn:"):
            raise ValueError(f"not a state machine ARN prefix: {prefix!r}")
        environment = names.removeprefix("deca-").removesuffix("-flow-") or "dev"
        return cls(environment=environment, arn_prefix=base + _MARKER)

    def name(self, workspace_id: str, flow_id: str, version: int) -> str:
        """The state machine name of a flow version."""
        return state_machine_name(self.environment, workspace_id, flow_id, version)

    def arn(self, workspace_id: str, flow_id: str, version: int) -> str:
        """The state machine ARN of a flow version."""
        return self.arn_prefix + self.name(workspace_id, flow_id, version)

    def find(self, flows: FlowRepository, workspace_id: str, name: str) -> tuple[str, int] | None:
        """The (flow id, version) of the workspace whose state machine is `name` (or an ARN of it), if any."""
        name = name.partition(_MARKER)[2].split(":")[0] if _MARKER in name else name
        match = _VERSION.search(name)
        if match is None:
            return None
        version = int(match.group(1))
        cursor: str | None = None
        while True:
            page = flows.list(workspace_id, limit=MAX_LIMIT, cursor=cursor)
            for record in page.items:
                if self.name(workspace_id, record.flow_id, version) == name:
                    return record.flow_id, version
            if page.next_cursor is None:
                return None
            cursor = page.next_cursor


def child_version(flows: FlowRepository, workspace_id: str, flow_id: str, pinned: int | None) -> int | None:
    """The version a `sub_flow` node runs: the pinned one if it is stored, else the published one (None: none)."""
    try:
        record = flows.get(workspace_id, flow_id)
        if pinned is None:
            return record.published_version
        flows.get_version(workspace_id, flow_id, pinned)
    except NotFoundError:
        return None
    return pinned


class StateMachineTags:
    """`(workspace_id, flow_id)` of a deployed state machine ARN, from its `deca:*` tags (cached).

    A name cannot be split back (workspace and flow ids may hold `-`, long ones are hashed), so readers of
    Step Functions events ask the tags the engine wrote (`states:ListTagsForResource`).
    """

    def __init__(self, client: Any) -> None:
        self._sfn = client
        self._known: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def __call__(self, state_machine_arn: str) -> tuple[str, str]:
        """The workspace and flow of the machine; `InputError` for a machine that is not a DECA flow's."""
        machine = state_machine_arn.split(":")
        arn = ":".join(machine[:7])  # a version or alias ARN is tagged on its state machine
        with self._lock:
            known = self._known.get(arn)
        if known is not None:
            return known
        tags = {t["key"]: t["value"] for t in self._sfn.list_tags_for_resource(resourceArn=arn)["tags"]}
        workspace, flow = tags.get(TAG_WORKSPACE), tags.get(TAG_FLOW)
        if not workspace or not flow:
            raise InputError(f"state machine {arn!r} has no {TAG_WORKSPACE}/{TAG_FLOW} tags: not a DECA flow")
        with self._lock:
            self._known[arn] = (workspace, flow)
        return workspace, flow
