"""docs/flow-format.md is generated from the models and committed up to date."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from deca.flow import docs, docs_text
from deca.flow.models import Flow
from deca.flow.schema_markdown import schema_type
from deca.nodes.base import NodeKind
from deca.nodes.registry import NODE_TYPES


@pytest.fixture(scope="module")
def rendered() -> str:
    return docs.render_flow_format()


def test_committed_flow_format_is_up_to_date(repo_root: Path, rendered: str) -> None:
    committed = (repo_root / "docs" / "flow-format.md").read_text(encoding="utf-8")
    assert committed == rendered, f"docs/flow-format.md is out of date: run `{docs.REGENERATE_COMMAND}`"


def test_rendering_is_deterministic(rendered: str) -> None:
    assert docs.render_flow_format() == rendered


def test_every_node_type_has_a_reference_section(rendered: str) -> None:
    missing = [t for t in NODE_TYPES if f"\n#### {t}\n" not in rendered]
    assert missing == []


def test_every_flow_field_is_documented(rendered: str) -> None:
    missing = [name for name in Flow.model_fields if f"| `{name}` |" not in rendered]
    assert missing == []


def test_operation_rules_are_documented(rendered: str) -> None:
    assert "| `presign` | `key`, `method` | `expires_in`, `content_type` |" in rendered


def test_main_prints_the_document(capsys: pytest.CaptureFixture[str], rendered: str) -> None:
    assert docs.main() == 0
    assert capsys.readouterr().out == rendered


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "minimum": 1, "maximum": 900}, "integer (1..900)"),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "string or null"),
        ({"type": "string", "pattern": r"^\s*\{\{[\s\S]*\}\}\s*$"}, "template"),
        (
            {"type": "array", "items": {"$ref": "#/$defs/SortKey"}, "maxItems": 10},
            "array (<= 10 items) of `SortKey`",
        ),
        ({"enum": ["asc", "desc"], "type": "string"}, 'one of `"asc"`, `"desc"`'),
        ({"type": "object", "additionalProperties": {"type": "string"}}, "object of string"),
        ({"type": "number", "exclusiveMinimum": 0}, "number (> 0)"),
        ({}, "any"),
    ],
    ids=["range", "nullable", "template", "array-of-ref", "enum", "dict", "exclusive", "any"],
)
def test_schema_type_renders_a_short_human_type(schema: dict[str, object], expected: str) -> None:
    assert schema_type(schema) == expected


def test_every_node_kind_has_a_description() -> None:
    assert set(docs_text.KIND_TEXT) == set(get_args(NodeKind))
