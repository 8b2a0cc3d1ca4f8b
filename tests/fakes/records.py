"""Builders of valid store records with fixed timestamps: pass only the fields a test cares about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from deca.stores.models import (
    Agent,
    AuditRecord,
    Credential,
    ExecutionRecord,
    FlowRecord,
    FlowVersion,
    FunctionRecord,
    FunctionVersion,
    HistoryEvent,
    IdempotencyRecord,
    Member,
    NodeResult,
    Prompt,
    PromptVersion,
    Workspace,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)
"""The moment every builder's timestamps are based on."""


def at(seconds: float) -> datetime:
    """`T0` plus some seconds."""
    return T0 + timedelta(seconds=seconds)


def workspace(workspace_id: str = "ws-1", **fields: Any) -> Workspace:
    """A workspace."""
    return Workspace(
        **{"workspace_id": workspace_id, "name": f"Workspace {workspace_id}", "created_at": T0, **fields}
    )


def member(workspace_id: str = "ws-1", user_id: str = "user-1", **fields: Any) -> Member:
    """A developer member."""
    return Member(
        **{"workspace_id": workspace_id, "user_id": user_id, "role": "developer", "added_at": T0, **fields}
    )


def flow(workspace_id: str = "ws-1", flow_id: str = "flow-1", **fields: Any) -> FlowRecord:
    """An active flow without versions."""
    base = {"workspace_id": workspace_id, "flow_id": flow_id, "name": f"Flow {flow_id}", "created_at": T0}
    return FlowRecord(**{**base, "updated_at": T0, **fields})


def flow_version(
    workspace_id: str = "ws-1", flow_id: str = "flow-1", version: int = 1, **fields: Any
) -> FlowVersion:
    """A flow version with a small document."""
    definition = {"id": flow_id, "name": "Flow", "version": str(version), "nodes": [], "connections": []}
    base = {"workspace_id": workspace_id, "flow_id": flow_id, "version": version, "definition": definition}
    return FlowVersion(**{**base, "created_at": at(version), **fields})


def function(workspace_id: str = "ws-1", function_id: str = "fn-1", **fields: Any) -> FunctionRecord:
    """A Python function without versions."""
    base = {"workspace_id": workspace_id, "function_id": function_id, "name": f"Function {function_id}"}
    return FunctionRecord(**{**base, "created_at": T0, "updated_at": T0, **fields})


def function_version(
    workspace_id: str = "ws-1", function_id: str = "fn-1", version: int = 1, **fields: Any
) -> FunctionVersion:
    """A function version."""
    base = {"workspace_id": workspace_id, "function_id": function_id, "version": version}
    return FunctionVersion(
        **{**base, "source": "def main(x):\n    return x\n", "created_at": at(version), **fields}
    )


def prompt(workspace_id: str = "ws-1", prompt_id: str = "prompt-1", **fields: Any) -> Prompt:
    """A prompt without versions."""
    base = {"workspace_id": workspace_id, "prompt_id": prompt_id, "name": f"Prompt {prompt_id}"}
    return Prompt(**{**base, "created_at": T0, "updated_at": T0, **fields})


def prompt_version(
    workspace_id: str = "ws-1", prompt_id: str = "prompt-1", version: int = 1, **fields: Any
) -> PromptVersion:
    """A prompt version using one variable."""
    base = {"workspace_id": workspace_id, "prompt_id": prompt_id, "version": version}
    return PromptVersion(
        **{**base, "template": "Hello {{name}}", "variables": ["name"], "created_at": at(version), **fields}
    )


def agent(workspace_id: str = "ws-1", agent_id: str = "agent-1", **fields: Any) -> Agent:
    """An active agent on an OpenAI model."""
    base = {"workspace_id": workspace_id, "agent_id": agent_id, "name": f"Agent {agent_id}"}
    llm = {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.2}
    return Agent(**{**base, "model_config": llm, "created_at": T0, "updated_at": T0, **fields})


def credential(workspace_id: str = "ws-1", credential_id: str = "cred-1", **fields: Any) -> Credential:
    """A credential with non-UTF-8 ciphertext."""
    base = {"workspace_id": workspace_id, "credential_id": credential_id, "name": f"cred {credential_id}"}
    return Credential(
        **{**base, "type": "api_key", "encrypted_value": b"\x00\xffsecret", "key_id": "k1", **fields}
    )


def execution(
    workspace_id: str = "ws-1", execution_id: str = "exec-1", start: float = 0, **fields: Any
) -> ExecutionRecord:
    """A running execution of flow-1 version 1 started `start` seconds after `T0`."""
    base = {
        "workspace_id": workspace_id,
        "execution_id": execution_id,
        "flow_id": "flow-1",
        "flow_version": 1,
    }
    return ExecutionRecord(**{**base, "start_time": at(start), "input": {"x": 1}, **fields})


def history_event(workspace_id: str = "ws-1", execution_id: str = "exec-1", **fields: Any) -> HistoryEvent:
    """An `ExecutionStarted` event."""
    base = {"workspace_id": workspace_id, "execution_id": execution_id, "type": "ExecutionStarted"}
    return HistoryEvent(**{**base, "timestamp": T0, **fields})


def node_result(
    workspace_id: str = "ws-1", execution_id: str = "exec-1", node_id: str = "node-1", **fields: Any
) -> NodeResult:
    """A succeeded first attempt of a node."""
    base = {
        "workspace_id": workspace_id,
        "execution_id": execution_id,
        "node_id": node_id,
        "status": "succeeded",
    }
    return NodeResult(**{**base, "started_at": T0, "output": {"ok": True}, **fields})


def audit(workspace_id: str = "ws-1", seconds: float = 0, **fields: Any) -> AuditRecord:
    """A successful `flow.execute` by user-1."""
    base = {
        "workspace_id": workspace_id,
        "user_id": "user-1",
        "action": "flow.execute",
        "resource_id": "flow-1",
    }
    return AuditRecord(**{**base, "timestamp": at(seconds), "result": "success", **fields})


def idempotency(
    workspace_id: str = "ws-1", key: str = "key-1", ttl: float = 60, now: datetime = T0, **fields: Any
) -> IdempotencyRecord:
    """A key claimed at `now` that expires `ttl` seconds later."""
    base = {"workspace_id": workspace_id, "key": key, "created_at": now}
    return IdempotencyRecord(**{**base, "expires_at": now + timedelta(seconds=ttl), **fields})
