"""Generate docs/flow-format.md from the flow and node models.

Regenerate with `python -m deca.flow.docs > docs/flow-format.md`; a test fails when the committed file is
out of date.
"""

from __future__ import annotations

import json
import sys

from pydantic import BaseModel

from deca.flow import docs_text
from deca.flow.models import (
    Connection,
    EventTrigger,
    Flow,
    ManualTrigger,
    NodeBase,
    OnError,
    Position,
    RetryPolicy,
    ScheduleTrigger,
    Settings,
    WebhookTrigger,
)
from deca.flow.schema_markdown import model_tables
from deca.nodes.base import NodeCategory, NodeSpec
from deca.nodes.common import OperationConfig
from deca.nodes.registry import NODE_TYPES

__all__ = ["REGENERATE_COMMAND", "main", "render_flow_format"]

REGENERATE_COMMAND = ".venv/bin/python -m deca.flow.docs > docs/flow-format.md"

_CATEGORIES: dict[NodeCategory, str] = {
    "core": "Core",
    "ai": "AI",
    "human": "Human in the loop",
    "trigger": "Triggers",
    "deca": "DECA",
    "integration": "Integrations",
}

_DOCUMENT_PARTS: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("Flow", Flow, "The top-level object."),
    ("Node", NodeBase, ""),  # fields of every node; `type` and `config` are described in the text
    ("Connection", Connection, "An edge of the graph (`from` and `to` are node ids)."),
    ("RetryPolicy", RetryPolicy, "`nodes[].retry`: compiled into the node's ASL `Retry`."),
    ("OnError", OnError, "`nodes[].on_error`: what happens when the node fails after its retries."),
    ("Position", Position, "`nodes[].position`: where the designer draws the node."),
    ("Settings", Settings, "`settings`: flow-wide execution settings."),
    ("Webhook trigger", WebhookTrigger, ""),
    ("Schedule trigger", ScheduleTrigger, ""),
    ("Event trigger", EventTrigger, ""),
    ("Manual trigger", ManualTrigger, ""),
)

_NODE_FIELDS_NOTE = (
    "Every node has the fields below plus `type` (**required**, one of the node types listed in the "
    "[node reference](#node-reference)) and `config` (that type's config object; it may be omitted only "
    "when every config field has a default)."
)


def _document_section() -> list[str]:
    lines = ["## The flow document", ""]
    for title, model, intro in _DOCUMENT_PARTS:
        lines += [f"### {title}", ""]
        text = intro or (model.__doc__ or "").strip().splitlines()[0]
        lines += [text, ""]
        if model is NodeBase:
            lines += [_NODE_FIELDS_NOTE, ""]
        lines += [*model_tables(model, heading="####", nested=False), ""]
    return lines


def _kinds_table() -> list[str]:
    used: dict[str, list[str]] = {}
    for node_type, spec in NODE_TYPES.items():
        used.setdefault(spec.kind, []).append(f"`{node_type}`")
    lines = ["| Kind | Compiles to | Node types |", "| --- | --- | --- |"]
    for kind, text in docs_text.KIND_TEXT.items():
        if kind in used:
            lines.append(f"| `{kind}` | {text} | {', '.join(used[kind])} |")
    return lines


def _summary_table() -> list[str]:
    lines = [
        "| Type | Category | Kind | Side effects | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for node_type, spec in NODE_TYPES.items():
        effects = "yes" if spec.side_effects else "no"
        lines.append(
            f"| [`{node_type}`](#{node_type}) | {spec.category} | `{spec.kind}` | {effects} | {spec.description} |"
        )
    return lines


def _operations_table(config: type[OperationConfig]) -> list[str]:
    selector = config.SELECTOR
    lines = [
        "###### Operations",
        "",
        f"Fields that depend on `{selector}` are required or accepted as below; any other of them is rejected "
        "(the JSON Schema carries the same rules as `allOf` / `if` / `then`).",
        "",
        f"| `{selector}` | Requires | Also accepts |",
        "| --- | --- | --- |",
    ]
    for name, rule in config.OPERATIONS.items():
        required = ", ".join(f"`{f}`" for f in rule.required) or "-"
        optional = ", ".join(f"`{f}`" for f in rule.optional) or "-"
        lines.append(f"| `{name}` | {required} | {optional} |")
    return lines


def _node_section(spec: NodeSpec) -> list[str]:
    lines = [f"#### {spec.type}", "", f"{spec.description}.", ""]
    effects = "yes" if spec.side_effects else "no"
    lines.append(
        f"Category `{spec.category}` · kind `{spec.kind}` ({docs_text.KIND_TEXT[spec.kind]}) · "
        f"side effects: {effects} · icon `{spec.icon}`"
    )
    if spec.errors:
        lines += ["", "Errors: " + ", ".join(f"`{name}`" for name in spec.errors)]
    lines += ["", "##### Config", ""]
    doc = (spec.config.__doc__ or "").strip()
    if doc:
        lines += [" ".join(doc.split()), ""]
    lines += [*model_tables(spec.config, heading="######"), ""]
    if issubclass(spec.config, OperationConfig):
        lines += [*_operations_table(spec.config), ""]
    lines += ["##### Output", ""]
    doc = (spec.output.__doc__ or "").strip()
    if doc:
        lines += [" ".join(doc.split()), ""]
    lines += [*model_tables(spec.output, heading="######"), ""]
    if spec.example:
        node = {"id": spec.type.replace("_", "-"), "type": spec.type, "config": dict(spec.example)}
        lines += ["##### Example", "", "```json", json.dumps(node, indent=2, ensure_ascii=False), "```", ""]
    return lines


def _reference_section() -> list[str]:
    lines = ["## Node reference", ""]
    for category, title in _CATEGORIES.items():
        specs = [spec for spec in NODE_TYPES.values() if spec.category == category]
        if not specs:
            continue
        lines += [f"### {title}", ""]
        for spec in specs:
            lines += _node_section(spec)
    return lines


def render_flow_format() -> str:
    """The full text of docs/flow-format.md."""
    lines = [
        "# Flow document format",
        "",
        "<!-- Generated from the pydantic models by `python -m deca.flow.docs`: do not edit by hand. -->",
        f"<!-- Regenerate: {REGENERATE_COMMAND} -->",
        "",
        docs_text.INTRO,
        "",
        "## Example",
        "",
        "The architecture document's *Customer Onboarding Flow*, which validates, compiles and runs as is:",
        "",
        "```json",
        docs_text.EXAMPLE,
        "```",
        "",
        *_document_section(),
        "## Graph semantics",
        "",
        docs_text.GRAPH,
        "",
        "## Templates",
        "",
        docs_text.TEMPLATES,
        "",
        "## Errors and retries",
        "",
        docs_text.ERRORS,
        "",
        "## Execution output",
        "",
        docs_text.OUTPUT,
        "",
        "## Node types",
        "",
        "Each node type has a kind that says how the compiler maps it to Step Functions:",
        "",
        *_kinds_table(),
        "",
        f"{len(NODE_TYPES)} node types, by type (`deca nodes` prints them with their JSON Schemas):",
        "",
        *_summary_table(),
        "",
        *_reference_section(),
    ]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def main() -> int:
    """Print docs/flow-format.md to stdout."""
    sys.stdout.write(render_flow_format())
    return 0


if __name__ == "__main__":
    sys.exit(main())
