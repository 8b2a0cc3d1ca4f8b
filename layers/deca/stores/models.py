"""The stored records: one pydantic schema shared by every backend, the API and the engines.

Timestamps are timezone-aware UTC with millisecond precision (what MongoDB keeps) and serialise
to a fixed-width ISO 8601 string, so they sort the same way as text in every backend.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, PlainSerializer

from deca.clock import utcnow

__all__ = [
    "Agent",
    "AgentModelConfig",
    "AgentStatus",
    "AuditRecord",
    "Ciphertext",
    "Credential",
    "ExecutionMetrics",
    "ExecutionRecord",
    "ExecutionStatus",
    "FlowRecord",
    "FlowStatus",
    "FlowVersion",
    "FunctionLanguage",
    "FunctionRecord",
    "FunctionVersion",
    "HistoryEvent",
    "IdempotencyRecord",
    "Member",
    "NodeResult",
    "NodeStatus",
    "Page",
    "Prompt",
    "PromptVersion",
    "Record",
    "Role",
    "Trigger",
    "TriggerType",
    "UtcDatetime",
    "Workspace",
    "format_timestamp",
    "to_utc_millis",
    "unchecked",
]

T = TypeVar("T")
_Model = TypeVar("_Model", bound=BaseModel)


def to_utc_millis(value: datetime) -> datetime:
    """The time in UTC to the millisecond, as stored (naive datetimes are taken as UTC)."""
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    micro = value.microsecond
    return value if micro % 1000 == 0 else value.replace(microsecond=micro - micro % 1000)


def unchecked(model: type[_Model], fields: dict[str, Any]) -> _Model:
    """An instance of `model` holding `fields` as they are: no validation, no defaults, no copies.

    For records built on hot paths from values known to be valid, with every field given (a test holds the
    result equal to pydantic's `model_construct`, which does the same plus filling defaults, at three times the cost).
    """
    if len(fields) != len(model.model_fields):
        raise ValueError(f"{model.__name__} needs every one of its fields, got {sorted(fields)}")
    record = model.__new__(model)
    object.__setattr__(record, "__dict__", fields)
    object.__setattr__(record, "__pydantic_fields_set__", set(fields))
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    return record


def format_timestamp(value: datetime) -> str:
    """Fixed-width ISO 8601 in UTC with milliseconds (`2024-01-01T10:00:00.000Z`): sortable as text."""
    if value.tzinfo is UTC:  # the common case, written for every stored event: `+00:00` becomes `Z`
        return value.isoformat(timespec="milliseconds")[:-6] + "Z"
    return to_utc_millis(value).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _from_base64(value: object) -> object:
    return base64.b64decode(value, validate=True) if isinstance(value, str) else value


def _to_base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


UtcDatetime = Annotated[
    datetime,
    AfterValidator(to_utc_millis),
    PlainSerializer(format_timestamp, return_type=str, when_used="json"),
]
"""A UTC timestamp with millisecond precision, serialised as fixed-width ISO 8601."""


def iso_8601(value: object) -> object:
    """A before-validator for date-times: ISO 8601 text only (pydantic also reads `0.5` as a Unix time)."""
    if isinstance(value, int | float) or (
        isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}", value)
    ):
        raise ValueError("expected an ISO 8601 date-time")
    return value


IsoUtcDatetime = Annotated[UtcDatetime, BeforeValidator(iso_8601)]
"""A `UtcDatetime` given by a caller: ISO 8601 text only (no Unix times, no bare numbers)."""

Ciphertext = Annotated[
    bytes,
    BeforeValidator(_from_base64),
    PlainSerializer(_to_base64, return_type=str, when_used="json"),
]
"""Opaque encrypted bytes; base64 text in JSON (a base64 string is accepted as input)."""

Role = Literal["owner", "admin", "developer", "viewer", "executor"]
FlowStatus = Literal["active", "inactive", "archived"]
ExecutionStatus = Literal["running", "succeeded", "failed", "cancelled", "timed_out", "waiting"]
NodeStatus = Literal["running", "succeeded", "failed", "skipped", "cancelled", "timed_out"]
TriggerType = Literal["manual", "webhook", "schedule", "event"]
FunctionLanguage = Literal["python", "javascript"]
AgentStatus = Literal["active", "inactive"]

Id = Annotated[str, Field(min_length=1, max_length=200)]


class Record(BaseModel):
    """Base of every stored record: immutable, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, validate_default=True)


class Page(BaseModel, Generic[T]):
    """One page of a listing; pass `next_cursor` back to get the next one (None: no more)."""

    items: list[T]
    next_cursor: str | None = None


class Workspace(Record):
    """A tenant: every other record belongs to exactly one workspace."""

    workspace_id: Id
    name: str
    created_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None
    settings: dict[str, JsonValue] = Field(default_factory=dict)


class Member(Record):
    """A user's role in a workspace."""

    workspace_id: Id
    user_id: Id
    role: Role
    added_at: UtcDatetime = Field(default_factory=utcnow)


class FlowRecord(Record):
    """A flow's identity and status; its documents live in `FlowVersion`s."""

    workspace_id: Id
    flow_id: Id
    name: str
    description: str = ""
    status: FlowStatus = "active"
    latest_version: int = Field(default=0, ge=0)
    published_version: int | None = Field(default=None, ge=1)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None


class FlowVersion(Record):
    """One immutable version of a flow document (the flow JSON as a dict)."""

    workspace_id: Id
    flow_id: Id
    version: int = Field(ge=1)
    definition: dict[str, Any]
    created_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None
    comment: str = ""


class Trigger(Record):
    """What started an execution, with the data it carried."""

    type: TriggerType = "manual"
    data: dict[str, JsonValue] = Field(default_factory=dict)


class ExecutionMetrics(Record):
    """Counters of a finished or running execution."""

    duration_ms: int | None = Field(default=None, ge=0)
    nodes_executed: int = Field(default=0, ge=0)


class ExecutionRecord(Record):
    """One run of a flow version; `name` makes starts idempotent per flow."""

    workspace_id: Id
    execution_id: Id
    flow_id: Id
    flow_version: int = Field(ge=1)
    status: ExecutionStatus = "running"
    start_time: UtcDatetime = Field(default_factory=utcnow)
    end_time: UtcDatetime | None = None
    trigger: Trigger = Field(default_factory=Trigger)
    input: JsonValue = None
    output: JsonValue = None
    error_details: dict[str, JsonValue] | None = None
    metrics: ExecutionMetrics = Field(default_factory=ExecutionMetrics)
    name: Id | None = None


class NodeResult(Record):
    """The outcome of one attempt of one node in an execution."""

    workspace_id: Id
    execution_id: Id
    node_id: Id
    attempt: int = Field(default=1, ge=1)
    status: NodeStatus
    input: JsonValue = None
    output: JsonValue = None
    error: dict[str, JsonValue] | None = None
    started_at: UtcDatetime = Field(default_factory=utcnow)
    ended_at: UtcDatetime | None = None
    duration_ms: int | None = Field(default=None, ge=0)

    def stored_document(self) -> dict[str, Any]:
        """The result as stored: equal to `model_dump(mode="json", by_alias=True)` (a test holds them equal),
        built directly like `HistoryEvent.stored_document` (every node of every execution writes one).
        `input`, `output` and `error` are shared, not copied."""
        return {
            "workspace_id": self.workspace_id,
            "execution_id": self.execution_id,
            "node_id": self.node_id,
            "attempt": self.attempt,
            "status": self.status,
            "input": self.input,
            "output": self.output,
            "error": self.error,
            "started_at": format_timestamp(self.started_at),
            "ended_at": None if self.ended_at is None else format_timestamp(self.ended_at),
            "duration_ms": self.duration_ms,
        }


class HistoryEvent(Record):
    """One entry of an execution's append-only history; the store assigns `event_id` (1, 2, ...)."""

    workspace_id: Id
    execution_id: Id
    event_id: int = Field(default=0, ge=0)
    previous_event_id: int | None = None
    type: str
    timestamp: UtcDatetime = Field(default_factory=utcnow)
    details: dict[str, JsonValue] = Field(default_factory=dict)

    def stored_document(self) -> dict[str, Any]:
        """The event as stored: equal to `model_dump(mode="json", by_alias=True)` (a test holds them equal),
        built directly because every step of every execution writes several events and pydantic's
        serializer walks `details` value by value. `details` is shared, not copied."""
        return {
            "workspace_id": self.workspace_id,
            "execution_id": self.execution_id,
            "event_id": self.event_id,
            "previous_event_id": self.previous_event_id,
            "type": self.type,
            "timestamp": format_timestamp(self.timestamp),
            "details": self.details,
        }


class Credential(Record):
    """A secret kept as opaque ciphertext (encryption happens before the store sees it)."""

    workspace_id: Id
    credential_id: Id
    name: str
    type: str
    encrypted_value: Ciphertext
    key_id: str
    created_at: UtcDatetime = Field(default_factory=utcnow)
    rotated_at: UtcDatetime | None = None
    created_by: str | None = None


class FunctionRecord(Record):
    """A custom function's identity; its code lives in `FunctionVersion`s."""

    workspace_id: Id
    function_id: Id
    name: str
    description: str = ""
    language: FunctionLanguage = "python"
    latest_version: int = Field(default=0, ge=0)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None


class FunctionVersion(Record):
    """One immutable version of a function's source and schemas."""

    workspace_id: Id
    function_id: Id
    version: int = Field(ge=1)
    source: str
    input_schema: dict[str, Any] = Field(default_factory=dict)
    output_schema: dict[str, Any] = Field(default_factory=dict)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None
    comment: str = ""


class AgentModelConfig(Record):
    """The LLM an agent talks to."""

    provider: str
    model: str
    temperature: float | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    base_url: str | None = None
    credential_id: str | None = None  # a stored credential holding the provider's API key (never the key)


class Agent(Record):
    """An AI agent (the architecture's Agents collection); `model_config` is its JSON key."""

    workspace_id: Id
    agent_id: Id
    name: str
    type: str = "assistant"
    description: str = ""
    llm: AgentModelConfig = Field(alias="model_config")
    system_prompt: str = ""
    tools: list[dict[str, JsonValue]] = Field(default_factory=list)
    output_schema: dict[str, Any] | None = None
    status: AgentStatus = "active"
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None


class Prompt(Record):
    """A prompt's identity; its text lives in `PromptVersion`s."""

    workspace_id: Id
    prompt_id: Id
    name: str
    description: str = ""
    latest_version: int = Field(default=0, ge=0)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None


class PromptVersion(Record):
    """One immutable version of a prompt template and the variables it uses."""

    workspace_id: Id
    prompt_id: Id
    version: int = Field(ge=1)
    template: str
    variables: list[str] = Field(default_factory=list)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    created_by: str | None = None
    comment: str = ""


class AuditRecord(Record):
    """One audited action, with exactly the architecture's audit log fields."""

    timestamp: UtcDatetime = Field(default_factory=utcnow)
    user_id: str
    workspace_id: Id
    action: str
    resource_id: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    result: str
    details: dict[str, JsonValue] = Field(default_factory=dict)


class IdempotencyRecord(Record):
    """A claimed idempotency key and, once known, the result to replay until `expires_at`."""

    workspace_id: Id
    key: Id
    result: JsonValue = None
    expires_at: UtcDatetime
    created_at: UtcDatetime = Field(default_factory=utcnow)
