"""The record models: timestamps that sort as text, opaque ciphertext, the agent's `model_config` key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deca.stores.models import (
    Credential,
    ExecutionRecord,
    HistoryEvent,
    NodeResult,
    NodeStatus,
    Page,
    format_timestamp,
    unchecked,
)
from tests.fakes import records
from tests.fakes.stores import stores_with_flow


def test_timestamps_serialise_to_fixed_width_utc_text() -> None:
    plus_two = timezone(timedelta(hours=2))

    assert format_timestamp(datetime(2024, 5, 6, 9, 8, 7, tzinfo=plus_two)) == "2024-05-06T07:08:07.000Z"
    assert format_timestamp(datetime(2024, 5, 6, 7, 8, 7, 123999)) == "2024-05-06T07:08:07.123Z"


def test_record_timestamps_are_utc_with_millisecond_precision() -> None:
    execution = records.execution(start_time=datetime(2024, 1, 1, 12, 0, 0, 987654))

    assert execution.start_time.tzinfo is not None
    assert execution.start_time.utcoffset() == timedelta(0)
    assert execution.start_time.microsecond == 987000


def test_default_timestamps_have_millisecond_precision() -> None:
    assert (
        ExecutionRecord(
            workspace_id="w", execution_id="e", flow_id="f", flow_version=1
        ).start_time.microsecond
        % 1000
        == 0
    )


def test_json_records_round_trip() -> None:
    execution = records.execution(end_time=records.at(1), output={"a": [1, "b", None]})

    assert ExecutionRecord.model_validate_json(execution.model_dump_json()) == execution


def test_ciphertext_is_base64_in_json_and_bytes_in_python() -> None:
    credential = records.credential(encrypted_value=b"\x00\xff")

    dumped = credential.model_dump(mode="json")

    assert dumped["encrypted_value"] == "AP8="
    assert Credential.model_validate(dumped).encrypted_value == b"\x00\xff"


def test_agent_llm_settings_use_the_model_config_key() -> None:
    agent = records.agent()

    dumped = agent.model_dump(mode="json", by_alias=True)

    assert dumped["model_config"]["model"] == "gpt-4o-mini"
    assert agent.llm.provider == "openai"


def test_page_serialises_its_items() -> None:
    page = Page[ExecutionRecord](items=[records.execution()], next_cursor="abc")

    assert json.loads(page.model_dump_json())["items"][0]["execution_id"] == "exec-1"


def test_fake_stores_hold_a_flow_with_its_first_version() -> None:
    stores = stores_with_flow()

    assert stores.flows.get("ws-1", "flow-1").latest_version == 1
    assert stores.flows.get_version("ws-1", "flow-1", 1).definition["id"] == "flow-1"


@given(
    event_id=st.integers(min_value=0, max_value=2**40),
    previous=st.none() | st.integers(min_value=0, max_value=2**40),
    event_type=st.text(max_size=40),
    details=st.dictionaries(
        st.text(max_size=12),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=5,
    ),
    timestamp=st.datetimes(timezones=st.just(UTC)),
)
def test_a_history_event_stored_document_is_its_json_dump(
    event_id: int, previous: int | None, event_type: str, details: dict[str, Any], timestamp: datetime
) -> None:
    event = HistoryEvent(
        workspace_id="ws-1",
        execution_id="exec-1",
        event_id=event_id,
        previous_event_id=previous,
        type=event_type,
        timestamp=timestamp,
        details=details,
    )

    assert event.stored_document() == event.model_dump(mode="json", by_alias=True)


@given(
    attempt=st.integers(min_value=1, max_value=2**20),
    status=st.sampled_from(["running", "succeeded", "failed", "cancelled", "timed_out"]),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=8,
    ),
    error=st.none() | st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
    started=st.datetimes(timezones=st.just(UTC)),
    ended=st.none() | st.datetimes(timezones=st.just(UTC)),
    duration=st.none() | st.integers(min_value=0, max_value=2**40),
)
def test_a_node_result_stored_document_is_its_json_dump(
    attempt: int,
    status: NodeStatus,
    value: Any,
    error: dict[str, Any] | None,
    started: datetime,
    ended: datetime | None,
    duration: int | None,
) -> None:
    result = NodeResult(
        workspace_id="ws-1",
        execution_id="exec-1",
        node_id="node-1",
        attempt=attempt,
        status=status,
        input=value,
        output=[value],
        error=error,
        started_at=started,
        ended_at=ended,
        duration_ms=duration,
    )

    assert result.stored_document() == result.model_dump(mode="json", by_alias=True)


def test_an_unchecked_record_equals_the_one_pydantic_constructs() -> None:
    fields: dict[str, Any] = {
        "workspace_id": "ws-1",
        "execution_id": "exec-1",
        "event_id": 0,
        "previous_event_id": None,
        "type": "PassStateEntered",
        "timestamp": datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
        "details": {"name": "a", "input": {"x": [1, 2]}},
    }

    built = unchecked(HistoryEvent, dict(fields))

    assert built == HistoryEvent.model_construct(**fields) == HistoryEvent(**fields)
    assert built.model_dump() == HistoryEvent(**fields).model_dump()
    assert built.model_fields_set == set(fields)
    assert built.stored_document() == HistoryEvent(**fields).model_dump(mode="json", by_alias=True)
    with pytest.raises(ValueError, match="every one of its fields"):
        unchecked(HistoryEvent, {"workspace_id": "ws-1"})


@given(
    value=st.datetimes(
        min_value=datetime(2, 1, 1),
        max_value=datetime(9998, 12, 31),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7, minutes=-30)), None]),
    ),
)
def test_any_timestamp_formats_as_its_utc_time_cut_to_milliseconds(value: datetime) -> None:
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    expected = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        f".{utc.microsecond // 1000:03d}Z"
    )
    assert format_timestamp(value) == expected
