"""Run node Lambda handlers in-process with the real (local) wiring: SQLite stores in a temp dir,
credentials sealed exactly as the API stores them, the SSRF guard on with loopback allow-listed through
the `DECA_OUTBOUND_ALLOW_LIST` setting, and provider base URLs aimed at loopback fakes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from deca import wiring
from deca.crypto import credential_context
from deca.nodes.context import NodeContext
from deca.nodes.task import NodeTask
from deca.stores.models import Credential

__all__ = ["WORKSPACE", "FakeLambdaContext", "lambda_event", "lambda_wiring"]

WORKSPACE = "ws-lambda"
_FACTORIES = [
    wiring.settings,
    wiring.mongo_client,
    wiring.stores,
    wiring.cache,
    wiring.envelope,
    wiring.secrets,
    wiring.conversations,
    wiring.outbound_policy,
]


class FakeLambdaContext:
    """What Lambda passes as the handler's context."""

    function_name = "deca-node"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:deca-node"
    aws_request_id = "req-1"


def lambda_event(node_type: str, config: dict[str, Any], node_id: str = "node-1") -> dict[str, Any]:
    """The Payload a compiled flow's Task state sends to a node Lambda."""
    return {
        "execution": {"id": "arn:aws:states:us-east-1:123456789012:execution:flow:run-1", "name": "run-1"},
        "workspace_id": WORKSPACE,
        "flow_id": "flow",
        "node_id": node_id,
        "node_type": node_type,
        "config": config,
        "input": {},
    }


@contextmanager
def lambda_wiring(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    credentials: Mapping[str, dict[str, str]] | None = None,
    base_urls: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """Local wiring for the duration of a test; the node context gets `base_urls` and a no-op sleep."""
    monkeypatch.setenv("DECA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DECA_OUTBOUND_ALLOW_LIST", "127.0.0.1")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "1")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "deca-tests")
    for factory in _FACTORIES:
        factory.cache_clear()
    for credential_id, fields in (credentials or {}).items():
        sealed = wiring.envelope().seal_json(fields, credential_context(WORKSPACE, credential_id))
        wiring.stores().credentials.create(
            WORKSPACE,
            Credential(
                workspace_id=WORKSPACE,
                credential_id=credential_id,
                name=credential_id,
                type="api",
                encrypted_value=sealed.blob,
                key_id=sealed.key_id,
            ),
        )
    real = wiring.node_context

    def aimed_at_fakes(task: NodeTask) -> NodeContext:
        ctx = real(task)
        ctx.services["base_urls"] = dict(base_urls or {})
        ctx.services["sleep"] = lambda _seconds: None
        return ctx

    monkeypatch.setattr(wiring, "node_context", aimed_at_fakes)
    try:
        yield
    finally:
        wiring.stores().close()
        for factory in _FACTORIES:
            factory.cache_clear()
