"""The child's hand-written JSON reply: whatever the strings hold, the parent reads back the same values."""

from __future__ import annotations

import json

import pytest

from deca.sandbox.child.protocol import encode_reply


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'quote " and backslash \\',
        "controls \x00\x01\n\t\x1f",
        "unicode é ✓ 😀",
        "lone \udc80 surrogate",
    ],
    ids=["plain", "quote_backslash", "controls", "unicode", "lone_surrogate"],
)
def test_reply_strings_round_trip(text: str) -> None:
    reply = {"status": "ok", "logs": text, "layers": ["a", text], "line": 3, "none": None, "flag": True}
    assert json.loads(encode_reply(reply)) == reply


def test_reply_refuses_values_it_cannot_encode() -> None:
    with pytest.raises(TypeError):
        encode_reply({"value": 1.5})
