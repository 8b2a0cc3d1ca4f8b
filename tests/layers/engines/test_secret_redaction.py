"""A credential a node uses never lands in the execution's records, and each use is audited without it.

A flow runs on the local engine with an http_request node authenticating with a stored credential against a
loopback server that echoes the Authorization header back (and then fails, with the header in its
error). The node results, the history and the execution output hold the marker, never the value; the
audit log says which node of which execution used which credential.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deca.engines.local import LocalEngine
from deca.net import OutboundPolicy, guarded_client
from deca.nodes.context import NodeContext, StaticSecrets
from deca.nodes.secret_use import REDACTED, redact_values, secret_forms
from deca.stores import Stores, memory_stores
from statemachines.runtime import FakeClock
from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse
from tests.layers.engines.conftest import WORKSPACE, store_flow
from tests.secret_scan import register_secret

TOKEN = "tok-engine-7d1f0c9a"


def _echo(request: FakeRequest, _match: Any) -> FakeResponse:
    return FakeResponse(200, {"you_sent": request.headers.get("authorization")})


def _echo_failure(request: FakeRequest, _match: Any) -> FakeResponse:
    return FakeResponse(400, {"rejected": request.headers.get("authorization")})


@pytest.fixture
def server() -> Iterator[FakeHttpServer]:
    fake = FakeHttpServer()
    fake.route("GET", "/echo", _echo)
    fake.route("GET", "/fail", _echo_failure)
    with fake:
        yield fake


def _flow(url: str) -> dict[str, Any]:
    return {
        "id": "leaky",
        "name": "Leaky",
        "nodes": [
            {
                "id": "call",
                "type": "http_request",
                "config": {"url": url, "auth": {"type": "bearer", "credential_id": "crm"}},
            },
            {"id": "copy", "type": "set", "config": {"values": {"seen": "{{ call.body }}"}}},
        ],
        "connections": [{"from": "call", "to": "copy"}],
    }


@pytest.fixture
def stores() -> Stores:
    return memory_stores()


@pytest.fixture
def engine(stores: Stores) -> Iterator[LocalEngine]:
    register_secret(TOKEN)
    secrets = StaticSecrets({(WORKSPACE, "crm"): {"token": TOKEN}})

    def context(workspace_id: str) -> NodeContext:
        return NodeContext(
            workspace_id=workspace_id,
            stores=stores,
            clock=FakeClock(),
            secrets=secrets,
            http_client=lambda: guarded_client(OutboundPolicy(allow=("127.0.0.1",))),
        )

    built = LocalEngine(stores, clock=FakeClock(), park_after_seconds=None, max_workers=2, context=context)
    yield built
    built.close()


def _everything_recorded(engine: LocalEngine, stores: Stores, execution_id: str) -> str:
    record = engine.describe(WORKSPACE, execution_id)
    results = stores.executions.list_node_results(WORKSPACE, execution_id).items
    history = engine.history(WORKSPACE, execution_id)
    return repr(
        (
            record.model_dump(mode="json"),
            [r.model_dump(mode="json") for r in results],
            [e.model_dump(mode="json") for e in history],
        )
    )


def test_an_echoed_credential_is_redacted_in_results_history_and_output(
    engine: LocalEngine, stores: Stores, server: FakeHttpServer
) -> None:
    # Given a flow whose HTTP call gets its bearer token echoed back
    store_flow(stores, _flow(f"{server.base_url}/echo"))

    # When it runs
    execution_id = engine.start(WORKSPACE, "leaky", 1, {})
    record = engine.wait(WORKSPACE, execution_id, 30)

    # Then the server got the token, and no record of the execution holds it
    assert record.status == "succeeded"
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    recorded = _everything_recorded(engine, stores, execution_id)
    assert TOKEN not in recorded
    assert f"Bearer {REDACTED}" in recorded


def test_the_base64_and_url_encoded_forms_of_a_secret_are_redacted_too() -> None:
    import base64

    forms = secret_forms({"username": "ada", "password": "s3cret/pw+1"})
    basic = base64.b64encode(b"ada:s3cret/pw+1").decode()
    echoed = {"authorization": f"Basic {basic}", "query": "password=s3cret%2Fpw%2B1", "raw": "s3cret/pw+1"}

    redacted = redact_values(echoed, frozenset(forms))

    assert redacted == {
        "authorization": f"Basic {REDACTED}",
        "query": f"password={REDACTED}",
        "raw": REDACTED,
    }
    assert "ada" not in forms  # the user name locates, it is not a secret


def test_a_credential_in_an_error_message_is_redacted(
    engine: LocalEngine, stores: Stores, server: FakeHttpServer
) -> None:
    store_flow(stores, _flow(f"{server.base_url}/fail"))

    execution_id = engine.start(WORKSPACE, "leaky", 1, {})
    record = engine.wait(WORKSPACE, execution_id, 30)

    assert record.status == "failed"
    assert TOKEN not in _everything_recorded(engine, stores, execution_id)


def test_credential_use_is_audited_with_node_and_execution_never_the_value(
    engine: LocalEngine, stores: Stores, server: FakeHttpServer
) -> None:
    store_flow(stores, _flow(f"{server.base_url}/echo"))

    execution_id = engine.start(WORKSPACE, "leaky", 1, {})
    engine.wait(WORKSPACE, execution_id, 30)

    used = stores.audit.list(WORKSPACE, action="credential.used").items
    assert [(r.resource_id, r.details["node_id"], r.details["execution_id"]) for r in used] == [
        ("crm", "call", execution_id)
    ]
    assert used[0].user_id == "system"
    assert TOKEN not in repr([r.model_dump(mode="json") for r in used])
