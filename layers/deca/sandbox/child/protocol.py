"""What the parent and the child say to each other over the pipes (one JSON document each way)."""

from __future__ import annotations

from typing import Final

__all__ = [
    "KIND_CODE_ERROR",
    "KIND_OUTPUT_TOO_LARGE",
    "KIND_RESOURCE_LIMIT",
    "KIND_TIMEOUT",
    "KIND_VIOLATION",
    "LAYER_JS_ENGINE",
    "LAYER_LANDLOCK",
    "LAYER_NON_DUMPABLE",
    "LAYER_PYTHON_GUARD",
    "LAYER_RLIMITS",
    "LAYER_SECCOMP",
    "STATUS_ERROR",
    "STATUS_OK",
    "STATUS_PONG",
]

# Reply statuses.
STATUS_OK: Final = "ok"
STATUS_ERROR: Final = "error"
STATUS_PONG: Final = "pong"  # answer to the parent's start-up probe

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
LAYER_NON_DUMPABLE: Final = "non_dumpable"
LAYER_PYTHON_GUARD: Final = "python_guard"
LAYER_JS_ENGINE: Final = "quickjs_no_host_apis"
