"""Fixtures of the integration tests: a node context whose HTTP goes through the SSRF guard with loopback
allow-listed (the guard stays on), credentials of workspace `ws-1`, and a recorded (not real) sleep."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from deca.net import OutboundPolicy, guarded_client
from deca.nodes.context import NodeContext, StaticSecrets
from deca.nodes.handlers import run_node
from deca.nodes.task import NodeTask
from tests.fakes.clock import FakeClock
from tests.fakes.google_api import FakeGoogle
from tests.fakes.stores import fake_stores

WORKSPACE = "ws-1"

MakeContext = Callable[..., NodeContext]


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait an integration asked for (nothing really sleeps)."""
    return []


@pytest.fixture
def make_context(sleeps: list[float]) -> MakeContext:
    """Build a NodeContext: `secrets={credential_id: fields}`, `base_urls={service: url}`."""

    def make(
        *,
        secrets: Mapping[str, dict[str, str]] | None = None,
        base_urls: Mapping[str, str] | None = None,
        workspace: str = WORKSPACE,
        **services: Any,
    ) -> NodeContext:
        clock = FakeClock()  # the stores judge idempotency expiry by the same clock
        return NodeContext(
            workspace_id=workspace,
            stores=fake_stores(clock),
            clock=clock,
            secrets=StaticSecrets(
                {(workspace, cid): dict(fields) for cid, fields in (secrets or {}).items()}
            ),
            http_client=lambda: guarded_client(OutboundPolicy(allow=("127.0.0.1",))),
            services={"base_urls": dict(base_urls or {}), "sleep": sleeps.append, **services},
        )

    return make


def node_task(
    node_type: str, config: dict[str, Any], *, node_id: str = "node-1", execution: str = "exec-1"
) -> NodeTask:
    """The event of one run of a node (same execution and node id: the same idempotency key)."""
    return NodeTask.model_validate(
        {
            "execution": {"id": execution, "name": "run", "start_time": "2024-01-01T00:00:00Z"},
            "workspace_id": WORKSPACE,
            "flow_id": "flow-1",
            "node_id": node_id,
            "node_type": node_type,
            "config": config,
            "input": {},
        }
    )


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    """A loopback fake of Google's APIs."""
    yield from FakeGoogle().served()


@pytest.fixture
def run_google(google: FakeGoogle, make_context: MakeContext) -> Callable[..., dict[str, Any]]:
    """Run a google_* node against the fake with credential `g` (an access token unless given)."""

    contexts: dict[tuple[tuple[str, str], ...], NodeContext] = {}

    def run(
        node_type: str, config: dict[str, Any], credential: dict[str, str] | None = None, **task: Any
    ) -> dict[str, Any]:
        fields = credential or {"access_token": "ya29.test"}
        key = tuple(sorted(fields.items()))
        if key not in contexts:  # one context (one idempotency store) per credential within a test
            contexts[key] = make_context(secrets={"g": fields}, base_urls=google.base_urls())
        result: dict[str, Any] = run_node(
            node_task(node_type, {"credential_id": "g", **config}, **task), contexts[key]
        )
        return result

    return run
