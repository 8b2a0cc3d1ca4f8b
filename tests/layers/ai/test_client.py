"""Shared client helpers: tool-argument parsing and folding a stream back into a response."""

from __future__ import annotations

import pytest

from deca.ai.client import collect_stream, parse_arguments


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", {}), (None, {}), ('{"a": 1}', {"a": 1}), ("[1]", {"value": [1]}), ("{oops", {"_raw": "{oops"})],
    ids=["empty", "none", "object", "non-object", "malformed"],
)
def test_tool_arguments_always_become_an_object(raw: str | None, expected: dict[str, object]) -> None:
    assert parse_arguments(raw) == expected


def test_collected_stream_sums_usage_and_keeps_order() -> None:
    chunks = [
        {"type": "usage", "input_tokens": 10, "output_tokens": 0},
        {"type": "text", "text": "Hel"},
        {"type": "text", "text": "lo"},
        {"type": "tool_call", "id": "1", "name": "t", "arguments": {}},
        {"type": "usage", "input_tokens": 0, "output_tokens": 4},
        {"type": "done", "model": "m", "finish_reason": "tool_use"},
    ]

    response = collect_stream(chunks)

    assert (response.text, response.usage.input_tokens, response.usage.output_tokens) == ("Hello", 10, 4)
    assert ([c.name for c in response.tool_calls], response.model, response.finish_reason) == (
        ["t"],
        "m",
        "tool_use",
    )
