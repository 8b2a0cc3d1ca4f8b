"""The flow document (the public format of the architecture document) as pydantic v2 models.

This module is the only definition of the schema: the JSON Schema printed by `deca schema`, the API
bodies and the UI types are all exported from these models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from deca.nodes.base import NodeConfig
from deca.nodes.registry import NODE_TYPES

__all__ = [
    "RESERVED_IDS",
    "Connection",
    "EventTrigger",
    "Flow",
    "ManualTrigger",
    "Node",
    "NodeBase",
    "NodeId",
    "OnError",
    "Position",
    "RetryPolicy",
    "ScheduleTrigger",
    "Settings",
    "Trigger",
    "WebhookTrigger",
]

# Template roots; a node may not take one of these ids.
RESERVED_IDS = frozenset({"input", "vars", "execution", "states", "item", "index", "error"})

NodeId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$",
        description="Unique node id: a letter, then letters, digits, '_' or '-' (64 characters at most)",
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RetryPolicy(_Strict):
    """Per-node retry, compiled into the Task's ASL `Retry` (after the standard Lambda retries)."""

    errors: list[str] = Field(
        description="Error names retried (`States.ALL`: any)",
        default_factory=lambda: ["States.ALL"],
        min_length=1,
    )
    max_attempts: int = Field(
        description="Retries after the first attempt (0: none)", default=3, ge=0, le=99_999_999
    )
    interval_seconds: int = Field(default=1, ge=1, le=99_999_999, description="Delay before the first retry")
    backoff_rate: float = Field(default=2.0, ge=1.0, description="Multiplier of the delay at each retry")
    max_delay_seconds: int | None = Field(
        description="Upper bound of the delay", default=None, ge=1, le=31_622_400
    )
    jitter: Literal["FULL", "NONE"] = Field(
        default="NONE", description="FULL: randomise delays to spread retries"
    )


class OnError(_Strict):
    """What happens when a node fails after its retries: stop the flow, continue, or route elsewhere."""

    action: Literal["stop", "continue", "route"] = Field(
        default="stop",
        description="stop: fail the flow; continue: record the error as output and go on; route: go to route_to",
    )
    route_to: NodeId | None = Field(default=None, description="Node that handles the error (action=route)")
    errors: list[str] = Field(
        description="Error names handled (`States.ALL`: any)",
        default_factory=lambda: ["States.ALL"],
        min_length=1,
    )

    @model_validator(mode="after")
    def _route_needs_target(self) -> OnError:
        if self.action == "route" and not self.route_to:
            raise ValueError("route_to is required when action is 'route'")
        if self.action != "route" and self.route_to:
            raise ValueError("route_to is only allowed when action is 'route'")
        return self


class Position(_Strict):
    """Where the designer draws a node."""

    x: float = Field(default=0.0, description="Horizontal position")
    y: float = Field(default=0.0, description="Vertical position")


class NodeBase(_Strict):
    """Fields every node has; `type` and `config` come from the node registry."""

    id: NodeId
    name: str | None = Field(default=None, max_length=200, description="Display name")
    description: str | None = Field(
        description="Notes for people reading the flow", default=None, max_length=2000
    )
    retry: RetryPolicy | None = Field(default=None, description="Retries when the node fails")
    on_error: OnError | None = Field(
        default=None, description="What happens when it still fails; settings.error_strategy when unset"
    )
    position: Position | None = Field(default=None, description="Where the designer draws it")


def _config_is_optional(config: type[NodeConfig]) -> bool:
    """True when `{}` is a valid config, so a node may omit `config`."""
    try:
        config()
    except ValidationError:
        return False
    return True


def _node_class(node_type: str) -> type[NodeBase]:
    spec = NODE_TYPES[node_type]
    class_name = "".join(part.capitalize() for part in node_type.split("_")) + "Node"
    # A config with required fields is required itself, so a missing one is reported at
    # `nodes[i].config` instead of escaping from a default factory without a location.
    config_field = (
        Field(
            default_factory=spec.config,
            description="Config of this node type (optional: all fields have defaults)",
        )
        if _config_is_optional(spec.config)
        else Field(description="Config of this node type")
    )
    model: type[NodeBase] = create_model(  # one class per registered type, never written twice
        class_name,
        __base__=NodeBase,
        __doc__=spec.description,
        type=(Literal[node_type], Field(description=spec.description)),  # type: ignore[arg-type]
        config=(spec.config, config_field),
    )
    return model


NODE_CLASSES: dict[str, type[NodeBase]] = {t: _node_class(t) for t in NODE_TYPES}

if TYPE_CHECKING:

    class Node(NodeBase):
        """Static view of any node (the runtime alias below is the discriminated union of every type)."""

        type: str
        config: NodeConfig

else:
    Node = Annotated[Union[tuple(NODE_CLASSES.values())], Field(discriminator="type")]  # noqa: UP007


class Connection(_Strict):
    """An edge: `from` runs before `to`; an optional condition (template) gates it."""

    source: NodeId = Field(alias="from")
    target: NodeId = Field(alias="to")
    condition: str | None = Field(default=None, description="Boolean template gating this edge")
    label: str | None = Field(default=None, description="Branch label: 'true'/'false', a switch case, ...")


class WebhookTrigger(_Strict):
    """Start the flow from an HTTP request to `/webhooks/{workspace}/{path}`."""

    type: Literal["webhook"] = Field(default="webhook", description="Trigger type")
    path: str = Field(
        description="Path under `/webhooks/{workspace}/`", pattern=r"^/?[A-Za-z0-9/_.-]{1,200}$"
    )
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = Field(
        default="POST", description="Accepted HTTP method"
    )
    methods: list[Literal["GET", "POST", "PUT", "PATCH", "DELETE"]] | None = Field(
        default=None, description="Several accepted methods (instead of `method`)"
    )
    signature: Literal["none", "standard", "github"] = Field(
        default="none", description="Request signature check: standard (HMAC-SHA256 header) or GitHub's"
    )
    secret_credential: str | None = Field(default=None, description="Credential holding the signing secret")
    response_mode: Literal["async", "sync"] = Field(
        default="async",
        description="async: answer 202 with the execution id; sync: wait for the flow (or its respond_to_webhook node)",
    )
    timeout_seconds: int = Field(
        description="How long a sync call waits before answering 202", default=30, ge=1, le=900
    )


class ScheduleTrigger(_Strict):
    """Start the flow on a cron schedule (5 fields, or 6 with seconds first)."""

    type: Literal["schedule"] = Field(default="schedule", description="Trigger type")
    cron: str = Field(description="Cron expression, e.g. `0 9 * * MON-FRI`", min_length=9, max_length=200)
    timezone: str = Field(default="UTC", description="IANA time zone the cron is read in")
    start: str | None = Field(default=None, description="ISO-8601 time before which it does not fire")
    end: str | None = Field(default=None, description="ISO-8601 time after which it does not fire")
    missed: Literal["skip", "run_once"] = Field(
        default="skip", description="After downtime: skip missed runs or run once"
    )
    input: dict[str, Any] = Field(default_factory=dict, description="Execution input of each run")


class EventTrigger(_Strict):
    """Start the flow when a custom event matches an EventBridge-style pattern."""

    type: Literal["event"] = Field(default="event", description="Trigger type")
    pattern: dict[str, Any] = Field(
        description='EventBridge-style pattern, e.g. `{"detail-type": ["crm.deal.won"]}`', min_length=1
    )


class ManualTrigger(_Strict):
    """Start the flow by hand (the API, the CLI, the UI); always allowed, declared for clarity."""

    type: Literal["manual"] = Field(default="manual", description="Trigger type")


Trigger = Annotated[
    WebhookTrigger | ScheduleTrigger | EventTrigger | ManualTrigger, Field(discriminator="type")
]


class Settings(_Strict):
    """Flow-wide execution settings."""

    timeout: int = Field(default=300, ge=1, le=31_536_000, description="Seconds before the run times out")
    error_strategy: Literal["stop_on_error", "continue_on_error", "route_to_error_path"] = Field(
        default="stop_on_error", description="What a node failure does when the node has no on_error"
    )
    error_path: NodeId | None = Field(default=None, description="Handler node for route_to_error_path")
    parallelism: int = Field(default=10, ge=1, le=1000, description="Maximum concurrent branches/items")

    @model_validator(mode="after")
    def _error_path_matches_strategy(self) -> Settings:
        if self.error_strategy == "route_to_error_path" and not self.error_path:
            raise ValueError("error_path is required when error_strategy is 'route_to_error_path'")
        return self


class Flow(_Strict):
    """A flow document: triggers, nodes, connections and settings."""

    id: str = Field(description="Flow id, stable across versions", min_length=1, max_length=128)
    name: str = Field(description="Display name", min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000, description="What the flow does")
    version: int = Field(default=1, ge=1, description="Version number, incremented on each published change")
    input_schema: dict[str, Any] | None = Field(default=None, description="JSON Schema of the flow input")
    triggers: list[Trigger] = Field(
        description="How the flow starts besides by hand (webhook, schedule, event)", default_factory=list
    )
    nodes: list[Node] = Field(
        description="The steps; each `type` is a node type of the catalogue", min_length=1
    )
    connections: list[Connection] = Field(
        description="Edges between nodes: order, conditions, branch labels", default_factory=list
    )
    settings: Settings = Field(default_factory=Settings, description="Flow-wide execution settings")

    @model_validator(mode="after")
    def _ids_and_references(self) -> Flow:
        seen: set[str] = set()
        problems: list[str] = []
        for index, node in enumerate(self.nodes):
            if node.id in seen:
                problems.append(f"nodes[{index}].id: duplicate node id '{node.id}'")
            if node.id in RESERVED_IDS:
                problems.append(f"nodes[{index}].id: '{node.id}' is reserved for templates")
            seen.add(node.id)
        for index, conn in enumerate(self.connections):
            for end, ref in (("from", conn.source), ("to", conn.target)):
                if ref not in seen:
                    problems.append(f"connections[{index}].{end}: unknown node '{ref}'")
        if self.settings.error_path and self.settings.error_path not in seen:
            problems.append(f"settings.error_path: unknown node '{self.settings.error_path}'")
        if problems:
            raise ValueError("; ".join(problems))
        return self
