"""The message contract: the architecture document's shapes validate, anything else is rejected."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from deca.bus import (
    EventOccurred,
    FlowExecute,
    NodeExecute,
    TaskExecute,
    message_id,
    parse_message,
    stream_for,
    subject_for,
)

DOCUMENTED = {
    "flow.execute": {
        "type": "flow.execute",
        "flow_id": "flow_123",
        "execution_id": "exec_456",
        "trigger_data": {"email": "user@example.com"},
        "context": {"user_id": "user_1", "workspace_id": "ws_1"},
    },
    "node.execute": {
        "type": "node.execute",
        "execution_id": "exec_456",
        "node_id": "validate_input",
        "node_type": "function",
        "input_data": {"email": "user@example.com"},
        "context": {"workspace_id": "ws_1"},
    },
    "event.occurred": {
        "type": "event.occurred",
        "event_type": "crm.deal.won",
        "source": "crm",
        "data": {"deal_id": "d1"},
        "timestamp": "2024-01-01T10:00:00.000Z",
    },
}
COMPLETING = {
    "flow.state": {
        "type": "flow.state",
        "flow_id": "f",
        "execution_id": "e",
        "workspace_id": "w",
        "status": "running",
    },
    "flow.complete": {
        "type": "flow.complete",
        "flow_id": "f",
        "execution_id": "e",
        "workspace_id": "w",
        "status": "failed",
        "error": {"error": "States.Timeout", "cause": "too slow"},
    },
    "node.result": {
        "type": "node.result",
        "execution_id": "e",
        "node_id": "n",
        "node_type": "agent",
        "status": "succeeded",
        "output_data": {"text": "hi"},
    },
    "task.execute": {"type": "task.execute", "task_id": "t", "task_type": "report", "workspace_id": "w"},
    "task.result": {
        "type": "task.result",
        "task_id": "t",
        "task_type": "report",
        "workspace_id": "w",
        "status": "succeeded",
    },
}
ALL = {**DOCUMENTED, **COMPLETING}


@pytest.mark.parametrize("body", list(ALL.values()), ids=list(ALL))
def test_contract_shape_parses_to_its_model(body: dict) -> None:
    message = parse_message(json.dumps(body))
    assert message.type == body["type"]


@pytest.mark.parametrize("body", list(DOCUMENTED.values()), ids=list(DOCUMENTED))
def test_documented_shape_round_trips_exactly(body: dict) -> None:
    assert parse_message(json.dumps(body)).model_dump(mode="json") == body


@pytest.mark.parametrize(
    "body",
    [
        {**DOCUMENTED["flow.execute"], "extra": 1},
        {**DOCUMENTED["flow.execute"], "type": "flow.run"},
        {k: v for k, v in DOCUMENTED["flow.execute"].items() if k != "execution_id"},
        {**DOCUMENTED["flow.execute"], "context": {"user_id": "u"}},
        {**COMPLETING["flow.complete"], "status": "running"},
        {**COMPLETING["task.execute"], "task_type": "mine_bitcoin"},
    ],
    ids=[
        "extra-key",
        "unknown-type",
        "missing-field",
        "context-without-workspace",
        "complete-not-terminal",
        "task-type",
    ],
)
def test_message_outside_the_contract_is_rejected(body: dict) -> None:
    with pytest.raises(ValidationError):
        parse_message(json.dumps(body))


def test_message_id_is_stable_per_logical_message() -> None:
    first = FlowExecute.model_validate(DOCUMENTED["flow.execute"])
    again = FlowExecute.model_validate({**DOCUMENTED["flow.execute"], "trigger_data": {}})
    assert message_id(first) == message_id(again) == "flow.execute:exec_456"


def test_identical_events_share_an_id_and_different_ones_do_not() -> None:
    event = EventOccurred.model_validate(DOCUMENTED["event.occurred"])
    other = event.model_copy(update={"data": {"deal_id": "d2"}})
    assert (message_id(event) == message_id(event.model_copy()), message_id(event) == message_id(other)) == (
        True,
        False,
    )


@pytest.mark.parametrize(
    ("model", "subject", "stream"),
    [
        (FlowExecute, "deca.flow.execute", "DECA_FLOWS"),
        (NodeExecute, "deca.node.execute", "DECA_NODES"),
        (EventOccurred, "deca.event.occurred", "DECA_EVENTS"),
        (TaskExecute, "deca.task.execute", "DECA_TASKS"),
    ],
    ids=["flow", "node", "event", "task"],
)
def test_subjects_and_streams(model: type, subject: str, stream: str) -> None:
    message_type = model.model_fields["type"].default
    assert (subject_for(message_type), stream_for(message_type)) == (subject, stream)
