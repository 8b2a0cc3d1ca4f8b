"""The Map state: inline and DISTRIBUTED (run locally with MapRun semantics), legacy fields too."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import (
    DefinitionError,
    PathNotFound,
    QueryEvaluationError,
    RuntimeFailure,
)
from statemachines.runtime.jsonata import compile_jsonata, expression_text, is_jsonata
from statemachines.runtime.states.base import DEFAULT, ENTER, Frame, State, compile_optional_path, failure
from statemachines.runtime.states.map_items import batch_items, compile_batcher, compile_reader, read_items
from statemachines.runtime.states.pass_state import check_payload_size

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter
    from statemachines.runtime.program import Program

__all__ = ["MapState"]

_THRESHOLD_ERROR = "States.ExceedToleratedFailureThreshold"
_THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "array"


class MapState(State):
    """Runs its item processor once per item, `MaxConcurrency` at a time, outputs in item order."""

    kind = "Map"
    can_retry = True
    failed_type = "MapStateFailed"

    def __init__(
        self, name: str, spec: dict[str, Any], query_language: str, program: Program, parent_key: str
    ) -> None:
        super().__init__(name, spec, query_language)
        processor = spec.get("ItemProcessor") or spec.get("Iterator")
        if not isinstance(processor, dict):
            raise DefinitionError(
                f"State '{name}': Map needs 'ItemProcessor'", state=name, field="ItemProcessor"
            )
        mode = (processor.get("ProcessorConfig") or {}).get("Mode", "INLINE")
        self.distributed = mode == "DISTRIBUTED"
        self.key = f"{parent_key}/{name}"
        self.start_at = program.add_branch(
            self.key, processor, processor.get("QueryLanguage", query_language)
        ).start_at
        selector = spec.get("ItemSelector", spec.get("Parameters"))
        self.items_path: Any = DEFAULT
        self.items_t: Any = None
        self.selector: Any = None
        if self.jsonata:
            if "Items" in spec:
                self.items_t = self._jsonata(spec["Items"], "Items")
                items = spec["Items"]
                self.items_text = (
                    expression_text(items) if isinstance(items, str) and is_jsonata(items) else None
                )
            if selector is not None:
                self.selector = self._jsonata(selector, "ItemSelector")
                self.needs_context = True
        else:
            self.items_path = compile_optional_path(spec, "ItemsPath", name)
            if selector is not None:
                self.selector = self._payload(selector, "ItemSelector")
        self.reader = compile_reader(self, spec.get("ItemReader"))
        self.batcher = compile_batcher(self, spec.get("ItemBatcher"))
        self.max_concurrency = self._number_field(spec, "MaxConcurrency")
        self.tolerated_count = self._number_field(spec, "ToleratedFailureCount")
        self.tolerated_percentage = self._number_field(spec, "ToleratedFailurePercentage")

    def _number_field(self, spec: dict[str, Any], field: str) -> Any:
        if field + "Path" in spec:
            return ("path", compile_optional_path(spec, field + "Path", self.name))
        value = spec.get(field)
        if self.jsonata and isinstance(value, str) and is_jsonata(value):
            return ("jsonata", compile_jsonata(expression_text(value)))
        if value is not None:
            return ("value", value)
        return None

    # ---- running -------------------------------------------------------------------------------

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Start the iterations, or finish once they all ended."""
        phase = frame["phase"]
        if phase == "resume":
            return self._finish(ex, frame)
        if phase == ENTER:
            ex.enter(frame, self)
        raw = frame["input"]
        bindings: Any = None
        if self.jsonata:
            bindings = ex.bindings(frame, raw, context=self.needs_context)
            data = raw
            if self.reader is None:
                items = self._jsonata_items(bindings, raw)
        else:
            data = self.effective_input(ex, raw)
        max_concurrency = self._limit(
            ex, self.max_concurrency, "MaxConcurrency", data, bindings, integer=True
        )
        if self.reader is not None:
            items = read_items(self, ex, data, bindings)
        elif not self.jsonata:
            items = self._jsonpath_items(ex, data)
        ex.event(frame, "MapStateStarted", {"length": len(items)})
        tolerated_count = self._limit(
            ex, self.tolerated_count, "ToleratedFailureCount", data, bindings, integer=True
        )
        tolerated_pct = self._limit(
            ex, self.tolerated_percentage, "ToleratedFailurePercentage", data, bindings, integer=False
        )
        if self.distributed:
            ex.event(frame, "MapRunStarted", {"mapRunArn": f"{ex.st['execution_arn']}:{self.name}"})
        inputs = [
            self._item_input(ex, frame, data, bindings, index, item) for index, item in enumerate(items)
        ]
        if self.batcher is not None:
            inputs = batch_items(self, ex, inputs, data, bindings)
        # a redriven Map keeps the results of the iterations that had succeeded (like AWS)
        stash = frame.pop("map_stash", None)
        keep = (
            stash is not None
            and frame.pop("redrive_from", None) == self.name
            and len(stash["ok"]) == len(inputs)
        )
        frame["ctx"] = {
            "inputs": inputs,
            "results": list(stash["results"]) if keep else [None] * len(inputs),
            "ok": list(stash["ok"]) if keep else [False] * len(inputs),
            "next": 0,
            "running": 0,
            "done": 0,
            "failures": 0,
            "error": None,
            "max": int(max_concurrency or 0),
            "tolerated_count": tolerated_count,
            "tolerated_pct": tolerated_pct,
        }
        if not inputs:
            return self._finish(ex, frame)
        frame["phase"] = "children"
        self._launch(ex, frame)
        if ctx_done(frame):
            return self._finish(ex, frame)
        return None

    def _jsonata_items(self, bindings: Any, raw: Any) -> list[Any]:
        if self.items_t is None:
            if not isinstance(raw, list):
                raise QueryEvaluationError(
                    f"Map state input must be an array but was: {json.dumps(raw, separators=(',', ':'))}"
                )
            return raw
        items = self.items_t(bindings)
        if not isinstance(items, list):
            raise QueryEvaluationError(
                f"The JSONata expression '{self.items_text}' specified for the field 'Items' returned an unexpected "
                f"result type. Expected 'array', but was '{_type_name(items)}' for value: {json.dumps(items, separators=(',', ':'))}"
            )
        return items

    def _jsonpath_items(self, ex: Interpreter, data: Any) -> list[Any]:
        if self.items_path is DEFAULT:
            items = data
        else:
            try:
                items = ex.resolve(self.items_path, data)
            except PathNotFound as exc:
                raise RuntimeFailure(f"Invalid path '{self.items_path.text}' : {exc.message}") from None
        if not isinstance(items, list):
            raise RuntimeFailure(f"Map state input must be an array but was: {_text(items)}")
        return items

    def _limit(
        self, ex: Interpreter, spec: Any, field: str, data: Any, bindings: Any, *, integer: bool
    ) -> Any:
        if spec is None:
            return None
        kind, value = spec
        if kind == "jsonata":
            value = value.evaluate(bindings, field)
        elif kind == "path":
            path = value
            try:
                value = ex.resolve(path, data)
            except PathNotFound:
                raise RuntimeFailure(f"Invalid path '{path.text}' : No results for path") from None
            number = _parse_number(value, integer)
            if number is None:
                kind_name = "integer" if integer else "float"
                raise RuntimeFailure(
                    f'The {field}Path field refers to value "{_text(value)}" which is not a valid {kind_name}: {path.text}'
                )
            value = number
        else:
            value = _parse_number(value, integer)
        if value is None:
            return None
        if field == "ToleratedFailurePercentage" and not 0 <= value <= 100:
            raise RuntimeFailure("ToleratedFailurePercentage must be between 0 and 100.")
        if value < 0:
            raise RuntimeFailure(f"{field} cannot be negative.")
        return value

    def _item_input(
        self, ex: Interpreter, frame: Frame, data: Any, bindings: Any, index: int, item: Any
    ) -> Any:
        if self.selector is None:
            return item
        ex.map_item = {"Index": index, "Value": item}
        try:
            if self.jsonata:
                return self.selector(ex.bindings(frame, data, context=True))
            return self.selector(data, ex)
        finally:
            ex.map_item = None

    def _launch(self, ex: Interpreter, frame: Frame) -> None:
        ctx = frame["ctx"]
        inputs = ctx["inputs"]
        limit = ctx["max"]
        started = []
        while ctx["next"] < len(inputs) and (limit == 0 or ctx["running"] < limit):
            index = ctx["next"]
            ctx["next"] += 1
            if ctx["ok"][index]:
                ctx["done"] += 1
                continue
            ctx["running"] += 1
            if not self.distributed:
                ex.event(frame, "MapIterationStarted", {"name": self.name, "index": index})
            child = ex.new_frame(frame, self.key, self.start_at, inputs[index], {}, index=index)
            if self.distributed:
                child["quiet"] = True
            started.append(child)
        for child in reversed(started):
            ex.schedule(child, front=True)

    def on_child_done(self, ex: Interpreter, parent: Frame, child: Frame) -> None:
        """Record an iteration's outcome; start the next ones or resume the Map state."""
        ctx = parent["ctx"]
        ctx["running"] -= 1
        if ctx["error"] is not None:
            return
        index = child["index"]
        details = {"name": self.name, "index": index}
        if child["status"] != "SUCCEEDED":
            if not self.distributed:
                ex.event(parent, "MapIterationFailed", details)
                ctx["error"] = [child.get("error"), child.get("cause")]
            else:
                ctx["failures"] += 1
                ctx["results"][index] = {"Error": child.get("error"), "Cause": child.get("cause")}
                if self._exceeded(ctx):
                    ctx["error"] = [_THRESHOLD_ERROR, _THRESHOLD_CAUSE]
            if ctx["error"] is not None:
                ex.cancel_children(parent)
                parent["phase"] = "resume"
                ex.schedule(parent, front=True)
                return
        else:
            if not self.distributed:
                ex.event(parent, "MapIterationSucceeded", details)
            ctx["results"][index] = child["output"]
            ctx["ok"][index] = True
        ctx["done"] += 1
        if ctx["done"] < len(ctx["inputs"]):
            self._launch(ex, parent)
        if ctx["done"] == len(ctx["inputs"]):
            parent["phase"] = "resume"
            ex.schedule(parent, front=True)

    def _exceeded(self, ctx: dict[str, Any]) -> bool:
        failures = ctx["failures"]
        count, pct = ctx["tolerated_count"], ctx["tolerated_pct"]
        if count is None and pct is None:
            return bool(failures > 0)
        by_count = count is not None and failures > count
        by_pct = pct is not None and failures * 100 > pct * len(ctx["inputs"])
        return bool(by_count or by_pct)

    def _finish(self, ex: Interpreter, frame: Frame) -> str | None:
        ctx = frame["ctx"]
        frame["ctx"] = None
        if ctx["error"] is not None:
            frame["map_stash"] = {"results": ctx["results"], "ok": ctx["ok"]}
            if self.distributed:
                ex.event(frame, "MapRunFailed", {"error": ctx["error"][0], "cause": ctx["error"][1]})
            raise failure(ctx["error"][0], ctx["error"][1], "MapStateFailed")
        if self.distributed:
            ex.event(frame, "MapRunSucceeded", None)
        check_payload_size(self.name, ctx["results"], "MapStateFailed")
        ex.event(frame, "MapStateSucceeded", None)
        return self.leave(ex, frame, self.complete(ex, frame, frame["input"], ctx["results"]))


def ctx_done(frame: Frame) -> bool:
    """True when every iteration is already complete (all kept from before a redrive)."""
    ctx = frame["ctx"]
    return bool(ctx["done"] == len(ctx["inputs"]) and ctx["running"] == 0)


def _parse_number(value: Any, integer: bool) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value) if not integer else int(value)
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if integer and value != int(value):
        return None
    return int(value) if integer else value
