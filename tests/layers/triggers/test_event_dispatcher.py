"""The event dispatcher fans an event out to every flow whose event trigger matches."""

from __future__ import annotations

import asyncio

import pytest

from deca.bus import Delivery, EventOccurred, PoisonMessage
from deca.errors import InputError
from deca.triggers.event_dispatcher import (
    CustomEvent,
    EventStart,
    dispatch_event,
    event_occurred_handler,
    event_subscriptions,
)
from tests.layers.triggers.flows import flow_with

EVENT = CustomEvent.model_validate(
    {
        "id": "evt-1",
        "source": "crm",
        "detail-type": "deal.won",
        "detail": {"amount": 900},
        "time": "2024-01-01T00:00:00Z",
    }
)


def _subscriptions() -> list:
    won = flow_with({"type": "event", "pattern": {"detail-type": ["deal.won"]}}, flow_id="celebrate")
    big = flow_with(
        {"type": "event", "pattern": {"detail": {"amount": [{"numeric": [">", 500]}]}}}, flow_id="big-deals"
    )
    lost = flow_with({"type": "event", "pattern": {"detail-type": ["deal.lost"]}}, flow_id="win-back")
    return [s for flow in (won, big, lost) for s in event_subscriptions("ws", flow.id, flow)]


def test_event_fans_out_to_every_matching_flow() -> None:
    started: list[EventStart] = []
    dispatch_event(EVENT, _subscriptions(), started.append)
    assert sorted(s.flow_id for s in started) == ["big-deals", "celebrate"]


def test_execution_name_derives_from_event_id() -> None:
    first: list[EventStart] = []
    again: list[EventStart] = []
    dispatch_event(EVENT, _subscriptions(), first.append)
    dispatch_event(EVENT, _subscriptions(), again.append)
    assert [s.execution_name for s in first] == [s.execution_name for s in again]
    assert len({s.execution_name for s in first}) == 2


def test_flow_input_is_the_eventbridge_envelope() -> None:
    started: list[EventStart] = []
    dispatch_event(EVENT, _subscriptions(), started.append)
    assert started[0].input["detail-type"] == "deal.won"
    assert started[0].input["detail"] == {"amount": 900}


def test_other_workspaces_are_not_started() -> None:
    started: list[EventStart] = []
    dispatch_event(EVENT, _subscriptions(), started.append, workspace_id="other")
    assert started == []


def test_eventbridge_delivery_parses() -> None:
    delivered = {**EVENT.envelope(), "account": "123456789012", "region": "eu-west-1", "replay-name": "r"}
    assert CustomEvent.from_eventbridge(delivered).detail_type == "deal.won"


def test_invalid_pattern_names_the_trigger() -> None:
    flow = flow_with({"type": "event", "pattern": {"source": "crm"}})
    with pytest.raises(InputError, match=r"triggers\[0\]\.pattern"):
        event_subscriptions("ws", flow.id, flow)


def test_event_occurred_message_is_dispatched_in_its_workspace() -> None:
    # Given an event.occurred naming its workspace in data
    message = EventOccurred(event_type="deal.won", source="crm", data={"workspace_id": "ws", "amount": 900})
    started: list[EventStart] = []
    handler = event_occurred_handler(
        lambda workspace_id: _subscriptions() if workspace_id == "ws" else [], started.append
    )
    # When it is consumed
    asyncio.run(handler(message, Delivery("deca.event.occurred", None, 1, 1)))
    # Then both matching flows start
    assert sorted(s.flow_id for s in started) == ["big-deals", "celebrate"]


def test_event_occurred_without_workspace_is_poison() -> None:
    message = EventOccurred(event_type="deal.won", source="crm", data={})
    handler = event_occurred_handler(lambda workspace_id: [], lambda start: None)
    with pytest.raises(PoisonMessage):
        asyncio.run(handler(message, Delivery("deca.event.occurred", None, 1, 1)))
