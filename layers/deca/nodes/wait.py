"""`wait`: pauses the flow for a number of seconds or until a timestamp."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import TemplateStr

__all__ = ["SPEC", "WaitConfig", "WaitOutput"]

_ISO_OR_TEMPLATE = r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})|\s*\{\{[\s\S]*\}\}\s*)$"


class WaitConfig(NodeConfig):
    """Config of the wait node: exactly one of `seconds` or `until`."""

    seconds: Annotated[int, Field(ge=0, le=31_536_000)] | TemplateStr | None = Field(
        default=None, description="How long to wait (at most one year), or a template giving it"
    )
    until: str | None = Field(
        default=None,
        pattern=_ISO_OR_TEMPLATE,
        description="ISO-8601 timestamp with a time zone (e.g. `2026-01-31T09:00:00Z`) or a template giving one",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> WaitConfig:
        if (self.seconds is None) == (self.until is None):
            raise ValueError("set exactly one of `seconds` or `until`")
        return self


class WaitOutput(NodeOutput):
    """What was waited for (one of the two fields is set)."""

    waited_seconds: int | None = Field(default=None, description="The duration waited (seconds)")
    waited_until: str | None = Field(default=None, description="The timestamp waited for (until)")


SPEC = NodeSpec(
    type="wait",
    category="core",
    description="Pause for a duration or until a point in time",
    config=WaitConfig,
    output=WaitOutput,
    kind="wait",
    icon="hourglass",
    example={"seconds": 3600},
)
