"""The Parallel state: one child frame per branch, outputs in branch order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import DefinitionError
from statemachines.runtime.states.base import ENTER, Frame, State, failure
from statemachines.runtime.states.pass_state import check_payload_size

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter
    from statemachines.runtime.program import Program

__all__ = ["ParallelState"]


class ParallelState(State):
    """Runs every branch on the same input and collects their outputs in order."""

    kind = "Parallel"
    can_retry = True
    failed_type = "ParallelStateFailed"

    def __init__(
        self, name: str, spec: dict[str, Any], query_language: str, program: Program, parent_key: str
    ) -> None:
        super().__init__(name, spec, query_language)
        branches = spec.get("Branches")
        if not isinstance(branches, list) or not branches:
            raise DefinitionError(
                f"State '{name}': Parallel needs a non-empty 'Branches' list", state=name, field="Branches"
            )
        self.branch_keys: list[str] = []
        self.start_at: list[str] = []
        for index, branch in enumerate(branches):
            key = f"{parent_key}/{name}/{index}"
            compiled = program.add_branch(key, branch, branch.get("QueryLanguage", query_language))
            self.branch_keys.append(key)
            self.start_at.append(compiled.start_at)
        self.parameters = self._payload(spec["Parameters"], "Parameters") if "Parameters" in spec else None
        self.arguments = (
            self._jsonata(spec["Arguments"], "Arguments") if self.jsonata and "Arguments" in spec else None
        )

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Start the branches, or finish once they all ended."""
        phase = frame["phase"]
        if phase == "resume":
            return self._finish(ex, frame)
        if phase == ENTER:
            ex.enter(frame, self)
        raw = frame["input"]
        if self.jsonata:
            if self.arguments is not None:
                data = self.arguments(ex.bindings(frame, raw, context=self.needs_context))
            else:
                data = raw
        else:
            data = self.effective_input(ex, raw)
            if self.parameters is not None:
                data = self.parameters(data, ex)
        ex.event(frame, "ParallelStateStarted", None)
        count = len(self.branch_keys)
        # a redriven Parallel keeps the outputs of the branches that had succeeded (like AWS)
        stash = frame.pop("parallel_stash", None)
        keep = stash is not None and frame.pop("redrive_from", None) == self.name
        ok = list(stash["ok"]) if keep else [False] * count
        results = list(stash["results"]) if keep else [None] * count
        frame["ctx"] = {"results": results, "ok": ok, "pending": ok.count(False), "error": None}
        if not frame["ctx"]["pending"]:
            return self._finish(ex, frame)
        frame["phase"] = "children"
        children = [
            ex.new_frame(frame, key, start, data, {}, index=index)
            for index, (key, start) in enumerate(zip(self.branch_keys, self.start_at, strict=True))
            if not ok[index]
        ]
        for child in reversed(children):
            ex.schedule(child, front=True)
        return None

    def on_child_done(self, ex: Interpreter, parent: Frame, child: Frame) -> None:
        """Record a branch's outcome; resume the Parallel state when it is decided."""
        ctx = parent["ctx"]
        if ctx["error"] is not None:
            return
        if child["status"] != "SUCCEEDED":
            ctx["error"] = [child.get("error"), child.get("cause")]
            ex.cancel_children(parent)
        else:
            ctx["results"][child["index"]] = child["output"]
            ctx["ok"][child["index"]] = True
            ctx["pending"] -= 1
            if ctx["pending"]:
                return
        parent["phase"] = "resume"
        ex.schedule(parent, front=True)

    def _finish(self, ex: Interpreter, frame: Frame) -> str | None:
        ctx = frame["ctx"]
        frame["ctx"] = None
        if ctx["error"] is not None:
            frame["parallel_stash"] = {"results": ctx["results"], "ok": ctx["ok"]}
            raise failure(ctx["error"][0], ctx["error"][1], "ParallelStateFailed")
        check_payload_size(self.name, ctx["results"], "ParallelStateFailed")
        ex.event(frame, "ParallelStateSucceeded", None)
        return self.leave(ex, frame, self.complete(ex, frame, frame["input"], ctx["results"]))
