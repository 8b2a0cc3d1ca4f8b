"""The terminal states: Succeed and Fail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import StatesError
from statemachines.runtime.states.base import ENTER, Frame, State
from statemachines.runtime.templates import compile_value_expr

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter

__all__ = ["FailState", "SucceedState"]


class SucceedState(State):
    """Ends the frame successfully."""

    kind = "Succeed"
    pure = True

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Finish with the (filtered) input as output."""
        if frame["phase"] == ENTER:
            ex.enter(frame, self)
        raw = frame["input"]
        if self.jsonata:
            out = self.complete(ex, frame, raw, raw)
        else:
            out = self.apply_output_path(ex, self.effective_input(ex, raw))
        ex.event(frame, self.exited_type, {"name": self.name, "output": out})
        ex.finish_frame(frame, out)
        return None


class FailState(State):
    """Ends the frame with an error and a cause."""

    kind = "Fail"
    pure = True

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        self.error_expr: Any = None
        self.cause_expr: Any = None
        self.error: Any = spec.get("Error")
        self.cause: Any = spec.get("Cause")
        if self.jsonata:
            if "Error" in spec:
                self.error_expr = self._jsonata(spec["Error"], "Error")
            if "Cause" in spec:
                self.cause_expr = self._jsonata(spec["Cause"], "Cause")
        else:
            if "ErrorPath" in spec:
                self.error_expr = compile_value_expr(spec["ErrorPath"], "ErrorPath")
            if "CausePath" in spec:
                self.cause_expr = compile_value_expr(spec["CausePath"], "CausePath")

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Fail the frame."""
        if frame["phase"] == ENTER:
            ex.enter(frame, self)
        raw = frame["input"]
        error, cause = self.error, self.cause
        if self.jsonata:
            if self.error_expr is not None or self.cause_expr is not None:
                bindings = ex.bindings(frame, raw, context=self.needs_context)
                if self.error_expr is not None:
                    error = self.error_expr(bindings)
                if self.cause_expr is not None:
                    cause = self.cause_expr(bindings)
        else:
            if self.error_expr is not None:
                error = self.error_expr(raw, ex)
            if self.cause_expr is not None:
                cause = self.cause_expr(raw, ex)
        for value in (error, cause):
            if value is not None and not isinstance(value, str):
                raise StatesError(
                    "States.Runtime", f"The Fail state's Error and Cause must be strings, got: {value!r}"
                )
        ex.fail_frame(frame, error, cause)
        return None
