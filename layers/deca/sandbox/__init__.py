"""The sandboxed code runner behind the `code` node and registered functions.

`run_code(CodeRequest(...))` runs Python or JavaScript in a fresh, locked-down child process and
returns a `CodeResult` or raises one of the named outcomes (all catchable in flows by class name).
See docs/security.md, "Sandbox", for the layers and what each blocks.
"""

from deca.sandbox.errors import (
    CodeError,
    CodeOutputTooLarge,
    CodeResourceLimit,
    CodeRunError,
    CodeSandboxViolation,
    CodeTimeout,
    CodeValidationError,
    SandboxError,
)
from deca.sandbox.isolation import Isolation, detect_isolation, protect_runner_process
from deca.sandbox.models import CodeRequest, CodeResult, CodeRunEvent, Language, SandboxLimits
from deca.sandbox.runner import run_code

__all__ = [
    "CodeError",
    "CodeOutputTooLarge",
    "CodeRequest",
    "CodeResourceLimit",
    "CodeResult",
    "CodeRunError",
    "CodeRunEvent",
    "CodeSandboxViolation",
    "CodeTimeout",
    "CodeValidationError",
    "Isolation",
    "Language",
    "SandboxError",
    "SandboxLimits",
    "detect_isolation",
    "protect_runner_process",
    "run_code",
]
