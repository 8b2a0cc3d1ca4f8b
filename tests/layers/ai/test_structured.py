"""Structured answers are JSON validated against the node's JSON Schema."""

from __future__ import annotations

import pytest

from deca.ai.errors import AgentError, StructuredOutputInvalid
from deca.ai.structured import check_schema, parse_structured

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def test_valid_json_is_returned() -> None:
    assert parse_structured('{"n": 3}', SCHEMA) == {"n": 3}


def test_json_inside_a_code_fence_is_accepted() -> None:
    assert parse_structured('```json\n{"n": 3}\n```', SCHEMA) == {"n": 3}


def test_text_that_is_not_json_is_invalid() -> None:
    with pytest.raises(StructuredOutputInvalid, match="not JSON"):
        parse_structured("Sure! n is 3", SCHEMA)


def test_mismatch_names_the_path() -> None:
    with pytest.raises(StructuredOutputInvalid, match="at '/n'") as raised:
        parse_structured('{"n": "three"}', SCHEMA)

    assert raised.value.path == "/n"


def test_invalid_schema_is_an_agent_error_naming_the_field() -> None:
    with pytest.raises(AgentError, match=r"config\.output_schema is not a valid JSON Schema") as raised:
        check_schema({"type": "objekt"})

    assert raised.value.field == "output_schema"
