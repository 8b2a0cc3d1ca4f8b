"""What every state shares: input/output processing in both query languages, Assign, Retry/Catch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import DefinitionError, PathNotFound, RuntimeFailure, StatesError
from statemachines.runtime.jsonpath import JsonPath, compile_path, set_path
from statemachines.runtime.retry import Catcher, Retrier
from statemachines.runtime.templates import (
    JsonataTemplate,
    Payload,
    compile_jsonata_template,
    compile_payload,
    uses_context,
)

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter

__all__ = ["DEFAULT", "ENTER", "Frame", "State", "compile_optional_path"]

Frame = dict[str, Any]
ENTER = "enter"
DEFAULT = object()  # a path field that is absent (`$`), as opposed to null


def compile_optional_path(spec: dict[str, Any], field: str, state: str) -> JsonPath | object | None:
    """`DEFAULT` when the field is absent, None when it is null, else the compiled path."""
    if field not in spec:
        return DEFAULT
    text = spec[field]
    if text is None:
        return None
    if not isinstance(text, str):
        raise DefinitionError(
            f"State '{state}': field '{field}' must be a path string", state=state, field=field
        )
    try:
        return compile_path(text)
    except ValueError as exc:
        raise DefinitionError(f"State '{state}': field '{field}': {exc}", state=state, field=field) from None


class State:
    """A compiled state. Subclasses implement `run(ex, frame)` returning the next state's name,
    or None when the frame is blocked or finished."""

    kind = "Pass"
    # A pure state computes from its input and variables only (no task, no timer, no branches): re-running it
    # after a crash gives the same result, so the runtime need not checkpoint before it.
    pure = False
    can_retry = False
    failed_type: str | None = None  # event recorded when the state itself fails (Map, Parallel)

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        self.name = name
        self.spec = spec
        self.next: str | None = spec.get("Next")
        self.end: bool = bool(spec.get("End", False))
        self.jsonata = query_language == "JSONata"
        self.entered_type = f"{self.kind}StateEntered"
        self.exited_type = f"{self.kind}StateExited"
        self.needs_context = False
        self.output_t: JsonataTemplate | None = None
        self.assign_t: JsonataTemplate | None = None
        self.input_path: Any = DEFAULT
        self.output_path: Any = DEFAULT
        self.result_path: Any = DEFAULT
        self.result_selector: Payload | None = None
        self.assign_p: Payload | None = None
        if self.jsonata:
            if "Output" in spec:
                self.output_t = compile_jsonata_template(spec["Output"], "Output")
            if "Assign" in spec:
                self.assign_t = compile_jsonata_template(spec["Assign"], "Assign")
            self.needs_context = uses_context(spec.get("Output")) or uses_context(spec.get("Assign"))
        else:
            self.input_path = compile_optional_path(spec, "InputPath", name)
            self.output_path = compile_optional_path(spec, "OutputPath", name)
            self.result_path = compile_optional_path(spec, "ResultPath", name)
            if isinstance(self.result_path, JsonPath) and not self.result_path.definite:
                raise DefinitionError(
                    f"State '{name}': ResultPath must be a definite path", state=name, field="ResultPath"
                )
            if "ResultSelector" in spec:
                self.result_selector = self._payload(spec["ResultSelector"], "ResultSelector")
            if "Assign" in spec:
                self.assign_p = self._payload(spec["Assign"], "Assign")
        self.retriers: list[Retrier] = []
        self.catchers: list[Catcher] = []
        if self.can_retry:
            self.retriers = [Retrier(r, name) for r in spec.get("Retry") or []]
            self.catchers = [self._catcher(c) for c in spec.get("Catch") or []]

    # ---- compilation helpers ----------------------------------------------------------------

    def _payload(self, template: Any, field: str) -> Payload:
        try:
            return compile_payload(template)
        except ValueError as exc:
            raise DefinitionError(
                f"State '{self.name}': field '{field}': {exc}", state=self.name, field=field
            ) from None

    def _jsonata(self, template: Any, field: str) -> JsonataTemplate:
        if uses_context(template):
            self.needs_context = True
        return compile_jsonata_template(template, field)

    def _catcher(self, spec: dict[str, Any]) -> Catcher:
        catcher = Catcher(spec, self.name)
        if self.jsonata:
            if "Output" in spec:
                catcher.output = compile_jsonata_template(spec["Output"], "Output")
            if "Assign" in spec:
                catcher.assign = compile_jsonata_template(spec["Assign"], "Assign")
        else:
            catcher.result_path = compile_optional_path(spec, "ResultPath", self.name)
            if "Assign" in spec:
                catcher.assign = self._payload(spec["Assign"], "Assign")
        return catcher

    # ---- running ----------------------------------------------------------------------------

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Execute (or resume) this state for `frame`."""
        raise NotImplementedError

    def effective_input(self, ex: Interpreter, raw: Any) -> Any:
        """Apply InputPath (JSONPath mode)."""
        path = self.input_path
        if path is DEFAULT:
            return raw
        if path is None:
            return {}
        return self._select(ex, path, raw)

    def _select(self, ex: Interpreter, path: Any, data: Any) -> Any:
        try:
            return ex.resolve(path, data)
        except PathNotFound as exc:
            raise RuntimeFailure(
                f"Invalid path '{path.text}' : {exc.message or 'No results for path'}"
            ) from None

    def apply_result_path(self, raw: Any, result: Any) -> Any:
        """Merge the result into the raw input as ResultPath says."""
        path = self.result_path
        if path is DEFAULT:
            return result
        if path is None:
            return raw
        try:
            return set_path(raw, path, result)
        except (IndexError, ValueError):
            raise RuntimeFailure(
                f"Invalid path '{path.text}' : unable to apply the ResultPath to the input"
            ) from None

    def apply_output_path(self, ex: Interpreter, value: Any) -> Any:
        """Apply OutputPath (JSONPath mode)."""
        path = self.output_path
        if path is DEFAULT:
            return value
        if path is None:
            return {}
        return self._select(ex, path, value)

    def complete(
        self, ex: Interpreter, frame: Frame, raw: Any, result: Any, *, task_result: bool = True
    ) -> Any:
        """Result processing shared by Pass/Task/Map/Parallel: selector, Assign, ResultPath, OutputPath
        (or JSONata Output/Assign). Variables change only after the output is computed."""
        pending: Any = None
        if self.jsonata:
            if self.assign_t is not None or self.output_t is not None:
                bindings = ex.bindings(frame, raw, result=result, context=self.needs_context)
                if self.assign_t is not None:
                    pending = self.assign_t(bindings)
                out = self.output_t(bindings) if self.output_t is not None else result
            else:
                out = result
        else:
            if self.result_selector is not None:
                result = self.result_selector(result, ex)
            if self.assign_p is not None:
                pending = self.assign_p(result, ex)
            out = self.apply_output_path(ex, self.apply_result_path(raw, result))
        if pending:
            ex.assign(frame, pending)
            frame["assigned"] = pending  # reported by the Exited event (AWS: assignedVariables)
        return out

    def leave(self, ex: Interpreter, frame: Frame, output: Any) -> str | None:
        """Record the Exited event and move on (or finish the frame at an End state)."""
        details = {"name": self.name, "output": output}
        assigned = frame.pop("assigned", None)
        if assigned:
            details["assignedVariables"] = assigned
        ex.event(frame, self.exited_type, details)
        if self.end:
            ex.finish_frame(frame, output)
            return None
        frame["input"] = output
        return self.next

    def catch_output(
        self, ex: Interpreter, frame: Frame, catcher: Catcher, error_output: dict[str, Any]
    ) -> Any:
        """The output of a state whose error `catcher` handles."""
        raw = frame["input"]
        pending: Any = None
        if self.jsonata:
            bindings = ex.bindings(frame, raw, error_output=error_output, context=True)
            if catcher.assign is not None:
                pending = catcher.assign(bindings)
            out = catcher.output(bindings) if catcher.output is not None else error_output
        else:
            if catcher.assign is not None:
                pending = catcher.assign(error_output, ex)
            path = catcher.result_path
            if path is DEFAULT:
                out = error_output
            elif path is None:
                out = raw
            else:
                out = set_path(raw, path, error_output)
        if pending:
            ex.assign(frame, pending)
        return out


def failure(error: str | None, cause: str | None, fail_event: str | None) -> StatesError:
    """A StatesError that records `fail_event` when it is not retried."""
    err = StatesError(error, cause)
    err.fail_event = fail_event
    return err


StateFactory = Callable[[str, dict[str, Any], str, str, Any], State]
