"""Fixtures of the MCP tests: the platform's MCP server on loopback with a CRM, a published flow and tokens."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from deca.ai.flows import LocalFlowRunner
from deca.auth import LocalIssuer, StaticJwks, TokenVerifier
from deca.deca_data.crm import CrmStore
from deca.deca_data.models import CrmRecord
from deca.deca_data.schema import CRM_RECORDS
from deca.mcp.platform import PlatformTools
from deca.mcp.server import McpHttpApp
from deca.nodes.context import NodeContext
from deca.stores import memory_stores
from deca.stores.collection import Collection
from deca.stores.memory import MemoryTable
from deca.stores.models import FlowRecord, FlowVersion
from tests.fakes.asgi_server import asgi_server
from tests.fakes.clock import FakeClock

WS = "ws-mcp"
OTHER = "ws-other"
AUDIENCE = "https://api.deca.test"

GREET_FLOW: dict[str, Any] = {
    "id": "greet",
    "name": "Greet",
    "description": "Greets a person by name",
    "version": 1,
    "input_schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    "nodes": [
        {"id": "hello", "type": "set", "config": {"values": {"greeting": "{{ 'Hello ' & input.name }}"}}}
    ],
    "connections": [],
}


@dataclass
class Platform:
    """The running MCP server: its URL, a token minter and the CRM it serves."""

    url: str
    issuer: LocalIssuer
    crm: CrmStore

    def token(self, workspace_id: str = WS, roles: tuple[str, ...] = ("developer",)) -> str:
        """A bearer token for the workspace with the roles."""
        return self.issuer.mint(subject="agent@example.com", workspace_id=workspace_id, roles=list(roles))


def _publish(
    ctx: NodeContext, workspace_id: str, document: dict[str, Any], *, published: bool = True
) -> None:
    flow_id = document["id"]
    ctx.stores.flows.create(
        workspace_id, FlowRecord(workspace_id=workspace_id, flow_id=flow_id, name=document["name"])
    )
    ctx.stores.flows.add_version(
        workspace_id, FlowVersion(workspace_id=workspace_id, flow_id=flow_id, version=1, definition=document)
    )
    if published:
        record = ctx.stores.flows.get(workspace_id, flow_id)
        ctx.stores.flows.update(workspace_id, record.model_copy(update={"published_version": 1}))


def crm_store(clock: FakeClock) -> CrmStore:
    """The colleague's CRM repository over an in-memory table, with counting ids."""
    counter = itertools.count(1)
    table = MemoryTable(CRM_RECORDS, threading.RLock())
    return CrmStore(
        Collection(table, CrmRecord, "crm record"), clock, lambda prefix: f"{prefix}_{next(counter)}"
    )


@dataclass
class Pieces:
    """What the MCP app is built from: the tools, the token verifier, the issuer and the CRM."""

    tools: PlatformTools
    verifier: TokenVerifier
    issuer: LocalIssuer
    crm: CrmStore


@pytest.fixture(scope="module")
def pieces() -> Pieces:
    """Flows `greet` (published) and `draft` (not) in the workspace, `secret` in another; two contacts."""
    clock = FakeClock()
    ctx = NodeContext(workspace_id=WS, stores=memory_stores(), clock=clock)
    _publish(ctx, WS, GREET_FLOW)
    _publish(ctx, WS, {**GREET_FLOW, "id": "draft", "name": "Draft"}, published=False)
    _publish(ctx, OTHER, {**GREET_FLOW, "id": "secret", "name": "Secret"})
    crm = crm_store(clock)
    crm.create(WS, "contact", {"name": "Ann Smith", "email": "ann@acme.example"})
    crm.create(OTHER, "contact", {"name": "Ann Other", "email": "ann@other.example"})
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = LocalIssuer(key, audience=AUDIENCE)
    verifier = TokenVerifier(StaticJwks(issuer.jwks()), issuer=issuer.issuer, audience=AUDIENCE)
    tools = PlatformTools(stores=ctx.stores, flows=LocalFlowRunner(ctx), crm=crm)
    return Pieces(tools=tools, verifier=verifier, issuer=issuer, crm=crm)


@pytest.fixture(scope="module")
def platform(pieces: Pieces) -> Iterator[Platform]:
    """The MCP server (streamable HTTP) on loopback."""
    with asgi_server(McpHttpApp(pieces.tools, pieces.verifier)) as base:
        yield Platform(url=base + "/mcp", issuer=pieces.issuer, crm=pieces.crm)
