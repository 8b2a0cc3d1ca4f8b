"""What a node type is: its config and output models, its category and how the compiler maps it."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["NodeCategory", "NodeConfig", "NodeKind", "NodeOutput", "NodeSpec"]

NodeCategory = Literal["core", "ai", "human", "trigger", "deca", "integration"]

# How the compiler maps a node type to ASL (DESIGN.md, "Compiler"):
#   task       -> Task on lambda:invoke with the resolved config in Arguments
#   condition  -> Choice on the config's `condition`; outgoing connections labelled true/false
#   switch     -> Choice with one rule per case (switch) or per conditional out-edge (branch)
#   loop       -> Map over `items`; the body starts at its out-edge labelled "body"
#   wait       -> Wait
#   transform  -> Pass with JSONata Output
#   set        -> Pass with Assign
#   merge      -> Pass joining upstream branches (fan-out joins here)
#   filter     -> Pass with JSONata keeping the items that match a condition
#   callback   -> Task with .waitForTaskToken (human in the loop)
#   sub_flow   -> startExecution.sync:2 of another flow's state machine
#   respond    -> sets the webhook response (Pass), the flow goes on
#   fail       -> Fail: ends the execution with an error name and cause
#   trigger    -> entry node: passes the trigger data on
#   noop       -> Pass that outputs nothing (a placeholder or an explicit join point)
NodeKind = Literal[
    "task",
    "condition",
    "switch",
    "loop",
    "wait",
    "transform",
    "set",
    "merge",
    "filter",
    "callback",
    "sub_flow",
    "respond",
    "fail",
    "trigger",
    "noop",
]


class NodeConfig(BaseModel):
    """Base of every node config: unknown keys are errors so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class NodeOutput(BaseModel):
    """Base of every node output model (what downstream templates may reference).

    Closed (`additionalProperties: false` in its JSON Schema) so the compiler can reject a template
    reference to a field that does not exist; a node whose output shape is dynamic subclasses
    `OpenOutput` (deca.nodes.common) instead.
    """

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class NodeSpec:
    """One entry of the node registry."""

    type: str
    category: NodeCategory
    description: str
    config: builtins.type[NodeConfig]
    output: builtins.type[NodeOutput]
    kind: NodeKind = "task"
    side_effects: bool = False
    icon: str = "box"
    errors: tuple[str, ...] = field(default_factory=tuple)
    example: Mapping[str, Any] = field(default_factory=dict)
    """A small valid config (used by the docs, the designer's palette and generated test flows)."""
