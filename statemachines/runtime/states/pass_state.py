"""The Pass state."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import StatesError
from statemachines.runtime.states.base import ENTER, Frame, State

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter

__all__ = ["MAX_PAYLOAD_BYTES", "PassState", "check_payload_size", "data_limit_error"]

MAX_PAYLOAD_BYTES = 256 * 1024
_NO_RESULT = object()


def data_limit_error(name: str) -> StatesError:
    """AWS's error for a state or task result over the 256 KiB payload limit."""
    return StatesError(
        "States.DataLimitExceeded",
        f"The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit.",
    )


def check_payload_size(name: str, value: Any, fail_event: str | None = None) -> None:
    """Raise States.DataLimitExceeded when `value` serialises to more than 256 KiB."""
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_PAYLOAD_BYTES:
        err = data_limit_error(name)
        err.fail_event = fail_event
        raise err


class PassState(State):
    """Passes its input (or `Result`/`Parameters`) to its output."""

    kind = "Pass"
    pure = True

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        self.result: Any = spec.get("Result", _NO_RESULT)
        self.too_large = self.result is not _NO_RESULT and (
            len(json.dumps(self.result, ensure_ascii=False).encode()) > MAX_PAYLOAD_BYTES
        )
        self.parameters = self._payload(spec["Parameters"], "Parameters") if "Parameters" in spec else None

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Compute the output and move on."""
        if frame["phase"] == ENTER:
            ex.enter(frame, self)
        raw = frame["input"]
        if self.jsonata:
            out = self.complete(ex, frame, raw, raw)
        else:
            if self.too_large:
                raise data_limit_error(self.name)
            if self.result is not _NO_RESULT:
                result = self.result
            elif self.parameters is not None:
                result = self.parameters(self.effective_input(ex, raw), ex)
            else:
                result = self.effective_input(ex, raw)
            out = self.complete(ex, frame, raw, result)
        return self.leave(ex, frame, out)
