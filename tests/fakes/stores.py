"""In-memory stores for tests of code that depends on the repositories (the real memory backend, not a mock)."""

from __future__ import annotations

from deca.stores import Stores, memory_stores
from tests.fakes import records
from tests.fakes.clock import FakeClock

__all__ = ["fake_stores", "stores_with_flow"]


def fake_stores(clock: FakeClock | None = None) -> Stores:
    """Empty in-memory stores whose idempotency expiry follows `clock` (a fresh `FakeClock` by default)."""
    return memory_stores(clock=clock or FakeClock())


def stores_with_flow(workspace_id: str = "ws-1", flow_id: str = "flow-1") -> Stores:
    """In-memory stores holding a workspace and one flow with version 1 (the small document of `records`)."""
    stores = fake_stores()
    stores.workspaces.create(workspace_id, records.workspace(workspace_id))
    stores.flows.create(workspace_id, records.flow(workspace_id, flow_id))
    stores.flows.add_version(workspace_id, records.flow_version(workspace_id, flow_id, 1))
    return stores
