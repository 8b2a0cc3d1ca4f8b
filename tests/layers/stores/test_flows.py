"""FlowRepository rules beyond the shared versioned contract."""

from __future__ import annotations

import pytest

from deca.errors import NotFoundError
from deca.stores import Stores
from tests.fakes import records


def test_publishing_an_existing_version_is_stored(stores: Stores) -> None:
    stores.flows.create("ws-1", records.flow())
    stores.flows.add_version("ws-1", records.flow_version(version=1))

    published = stores.flows.update("ws-1", records.flow(published_version=1, status="inactive"))

    assert (published.published_version, published.latest_version) == (1, 1)
    assert stores.flows.get("ws-1", "flow-1") == published


def test_publishing_a_missing_version_is_not_found(stores: Stores) -> None:
    stores.flows.create("ws-1", records.flow())

    with pytest.raises(NotFoundError):
        stores.flows.update("ws-1", records.flow(published_version=1))
    assert stores.flows.get("ws-1", "flow-1").published_version is None


def test_flow_definition_round_trips_unchanged(stores: Stores) -> None:
    definition = {
        "id": "customer-onboarding",
        "nodes": [
            {"id": "a", "type": "agent", "config": {"prompt": "Hi {{ input.name }}", "temperature": 0.5}}
        ],
        "connections": [{"from": "a", "to": "b", "condition": "{{ a.ok === true }}"}],
        "settings": {"timeout": 300, "nested": {"list": [1, 2.5, None, True, "é"]}},
    }
    stores.flows.create("ws-1", records.flow())

    stores.flows.add_version("ws-1", records.flow_version(definition=definition))

    assert stores.flows.get_version("ws-1", "flow-1", 1).definition == definition
