"""`form`: pauses the flow until a person fills in a form (a callback task)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deca.nodes.approval import Escalation
from deca.nodes.base import NodeConfig, NodeOutput, NodeSpec
from deca.nodes.common import VariableName

if TYPE_CHECKING:
    from deca.hitl.models import HumanTaskReceipt
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "FormConfig", "FormField", "FormOutput", "run"]


class FormField(BaseModel):
    """One input of a form."""

    model_config = ConfigDict(extra="forbid")

    name: VariableName = Field(description="Key of the answer in the output's `data`")
    label: str = Field(
        description="Label shown to the person (templates allowed)", min_length=1, max_length=200
    )
    type: Literal[
        "text", "textarea", "number", "email", "date", "select", "multiselect", "checkbox", "file"
    ] = Field(description="Input type")
    required: bool = Field(default=False, description="An answer is required")
    options: list[str] | None = Field(default=None, description="Choices (select and multiselect only)")
    default: Any = Field(default=None, description="Pre-filled value (templates allowed)")
    help: str | None = Field(default=None, max_length=1000, description="Help text under the input")

    @model_validator(mode="after")
    def _options_match_type(self) -> FormField:
        choice = self.type in ("select", "multiselect")
        if choice and not self.options:
            raise ValueError(f"options is required for a {self.type} field")
        if not choice and self.options is not None:
            raise ValueError(f"options is only allowed for select and multiselect fields, not {self.type}")
        return self


class FormConfig(NodeConfig):
    """Config of the form node."""

    title: str = Field(description="Form title (templates allowed)", min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000, description="Shown above the fields")
    fields: list[FormField] = Field(description="The inputs, in display order", min_length=1, max_length=100)
    assignees: list[str] = Field(
        default_factory=list, description="User ids or emails; empty: anyone with the link"
    )
    timeout_seconds: int = Field(
        default=604_800,
        ge=60,
        le=31_536_000,
        description="How long to wait; then the node fails with States.Timeout (see on_error)",
    )
    escalation: Escalation | None = Field(default=None, description="Escalate when nobody answers in time")

    @model_validator(mode="after")
    def _unique_field_names(self) -> FormConfig:
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"fields: duplicate name(s) {', '.join(duplicates)}")
        return self


class FormOutput(NodeOutput):
    """The submitted answers."""

    data: dict[str, Any] = Field(default_factory=dict, description="Field name -> answer")
    submitted_by: str | None = Field(default=None, description="User id or email of who submitted")
    submitted_at: str | None = Field(default=None, description="ISO-8601 time of submission")


def run(config: FormConfig, task: NodeTask, ctx: NodeContext) -> HumanTaskReceipt:
    """Open the form request and return at once; the answers reach the flow via the task token."""
    from deca.hitl.nodes import open_form

    return open_form(config, task, ctx)


SPEC = NodeSpec(
    type="form",
    category="human",
    description="Wait for a person to fill in a form and use the answers",
    config=FormConfig,
    output=FormOutput,
    kind="callback",
    side_effects=True,
    icon="clipboard-list",
    example={
        "title": "Qualify lead",
        "fields": [
            {"name": "budget", "label": "Budget (EUR)", "type": "number", "required": True},
            {"name": "stage", "label": "Stage", "type": "select", "options": ["cold", "warm", "hot"]},
        ],
    },
)
