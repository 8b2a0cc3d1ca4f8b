"""What the parent and the child say to each other over the pipes (one JSON document each way)."""

from __future__ import annotations

# The child starts per run: no typing import at run time (mypy still sees these).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = [
    "KIND_CODE_ERROR",
    "KIND_OUTPUT_TOO_LARGE",
    "KIND_RESOURCE_LIMIT",
    "KIND_TIMEOUT",
    "KIND_VIOLATION",
    "LAYER_JS_ENGINE",
    "LAYER_LANDLOCK",
    "LAYER_NON_DUMPABLE",
    "LAYER_NO_CAPABILITIES",
    "LAYER_PYTHON_GUARD",
    "LAYER_RLIMITS",
    "LAYER_SECCOMP",
    "STATUS_ERROR",
    "STATUS_OK",
    "STATUS_PONG",
    "ZYGOTE_READY",
    "encode_reply",
]

# Reply statuses.
STATUS_OK: Final = "ok"
STATUS_ERROR: Final = "error"
STATUS_PONG: Final = "pong"  # answer to the parent's start-up probe
ZYGOTE_READY: Final = b"ready"  # a zygote's first message on its control socket

# Error kinds; the parent maps each to one public exception class.
KIND_CODE_ERROR: Final = "code_error"
KIND_TIMEOUT: Final = "timeout"
KIND_RESOURCE_LIMIT: Final = "resource_limit"
KIND_OUTPUT_TOO_LARGE: Final = "output_too_large"
KIND_VIOLATION: Final = "violation"

# Layers the child itself switches on (the parent adds the ones it applies from outside).
LAYER_RLIMITS: Final = "rlimits"
LAYER_SECCOMP: Final = "seccomp"
LAYER_LANDLOCK: Final = "landlock"
LAYER_NO_CAPABILITIES: Final = "no_capabilities"
LAYER_NON_DUMPABLE: Final = "non_dumpable"
LAYER_PYTHON_GUARD: Final = "python_guard"
LAYER_JS_ENGINE: Final = "quickjs_no_host_apis"


# JSON escapes for the characters a JSON string may not hold raw; lone surrogates are escaped by
# the "backslashreplace" encoding below, which writes them exactly as JSON spells them (\udXXX).
_ESCAPES = {i: f"\\u{i:04x}" for i in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\"})


def _encode(value: Any, parts: list[str]) -> None:
    if value is None or value is True or value is False:
        parts.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        parts.append(str(int(value)))
    elif isinstance(value, str):
        parts.append('"' + value.translate(_ESCAPES) + '"')
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for index, item in enumerate(value):
            parts.append("," if index else "")
            _encode(item, parts)
        parts.append("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} in a reply")


def encode_reply(reply: dict[str, Any]) -> bytes:
    """The reply as UTF-8 JSON without importing json (start-up time).

    The result travels as a string holding JSON text (`result_json`), escaped like any other
    string: text produced by code the user may have tampered with can never add fields to the reply.
    """
    members = []
    for key, value in reply.items():
        parts: list[str] = []
        _encode(value, parts)
        members.append('"' + key + '":' + "".join(parts))
    return ("{" + ",".join(members) + "}").encode("utf-8", "backslashreplace")
