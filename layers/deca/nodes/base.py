"""What a node type is: its config and output models, its category and how the compiler maps it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["NodeCategory", "NodeConfig", "NodeKind", "NodeOutput", "NodeSpec"]

NodeCategory = Literal["core", "ai", "human", "trigger", "deca", "integration"]

# How the compiler maps a node type to ASL (DESIGN.md, "Compiler"):
#   task       -> Task on lambda:invoke with the resolved config in Arguments
#   condition  -> Choice on the config's `condition`; outgoing connections labelled true/false
#   switch     -> Choice with one rule per case
#   loop       -> Map over `items`, its body is the sub-flow `body`
#   wait       -> Wait
#   transform  -> Pass with JSONata Output
#   set        -> Pass with Assign
#   merge      -> Pass joining upstream branches
#   parallel   -> Parallel fan-out of its outgoing connections, joined downstream
#   callback   -> Task with .waitForTaskToken (human in the loop)
#   trigger    -> entry node: passes the trigger data on
NodeKind = Literal[
    "task", "condition", "switch", "loop", "wait", "transform", "set", "merge", "filter",
    "callback", "sub_flow", "respond", "trigger", "noop",
]


class NodeConfig(BaseModel):
    """Base of every node config: unknown keys are errors so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class NodeOutput(BaseModel):
    """Base of every node output model (what downstream templates may reference)."""

    model_config = ConfigDict(extra="allow")


@dataclass(frozen=True)
class NodeSpec:
    """One entry of the node registry."""

    type: str
    category: NodeCategory
    description: str
    config: type[NodeConfig]
    output: type[NodeOutput]
    kind: NodeKind = "task"
    side_effects: bool = False
    icon: str = "box"
    errors: tuple[str, ...] = field(default_factory=tuple)
