"""How states see data: paths against the input, the context object (`$$`) and variables, and the
JSONata bindings (`$states`, variables). Mixed into the interpreter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statemachines.runtime.clock import format_timestamp
from statemachines.runtime.errors import PathNotFound
from statemachines.runtime.jsonpath import ROOT_CONTEXT, ROOT_INPUT, JsonPath
from statemachines.runtime.states.base import Frame

if TYPE_CHECKING:
    from statemachines.runtime.jsonata import Bindings
    from statemachines.runtime.program import Program
    from statemachines.runtime.states.base import State

__all__ = ["DataAccess"]

_NOTHING = object()


class DataAccess:
    """Path resolution, variable scopes, the context object and JSONata bindings."""

    st: dict[str, Any]
    frames: dict[str, Frame]
    program: Program
    cur_frame: Frame
    map_item: dict[str, Any] | None
    _exec_ctx: dict[str, Any] | None
    _jsonata_cache: dict[int, tuple[Any, Any]]

    def state_of(self, frame: Frame) -> State:
        """The compiled state a frame is at."""
        return self.program.branches[frame["branch"]].states[frame["state"]]

    def resolve(self, path: JsonPath, data: Any) -> Any:
        """Select a path from `data`, the context object or a variable of the current frame."""
        root = path.root
        if root == ROOT_INPUT:
            return path.get(data)
        if root == ROOT_CONTEXT:
            return path.get(self.context(self.cur_frame))
        return path.get(self.variable(self.cur_frame, path.variable or ""))

    def variable(self, frame: Frame, name: str) -> Any:
        """The value of variable `name` as seen from `frame` (inner scopes first)."""
        f: Frame | None = frame
        while f is not None:
            scope = f["vars"]
            if name in scope:
                return scope[name]
            parent = f["parent"]
            f = self.frames.get(parent) if parent is not None else None
        raise PathNotFound("$" + name, f"No variable named '{name}'")

    def all_variables(self, frame: Frame) -> dict[str, Any]:
        """Every variable visible from `frame`, inner scopes overriding outer ones."""
        chain: list[dict[str, Any]] = []
        f: Frame | None = frame
        while f is not None:
            chain.append(f["vars"])
            parent = f["parent"]
            f = self.frames.get(parent) if parent is not None else None
        merged: dict[str, Any] = {}
        for scope in reversed(chain):
            merged.update(scope)
        return merged

    def assign(self, frame: Frame, values: dict[str, Any]) -> None:
        """Commit variable assignments in the frame's own scope."""
        frame["vars"].update(values)

    def context(self, frame: Frame) -> dict[str, Any]:
        """The context object (`$$`, `$states.context`) as seen from `frame`."""
        st = self.st
        if self._exec_ctx is None or self._exec_ctx["RedriveCount"] != st["redrive_count"]:
            self._exec_ctx = {
                "Id": st["execution_arn"],
                "Input": st["input"],
                "StartTime": format_timestamp(st["start_time"]),
                "Name": st["name"],
                "RoleArn": st["role_arn"],
                "RedriveCount": st["redrive_count"],
            }
        state: dict[str, Any] = {
            "Name": frame.get("state"),
            "EnteredTime": format_timestamp(frame.get("entered_at", 0.0)),
        }
        if frame.get("state") is not None and self.state_of(frame).kind == "Task":
            state["RetryCount"] = frame.get("retry_count", 0)
        ctx: dict[str, Any] = {
            "Execution": dict(self._exec_ctx),
            "StateMachine": {"Id": st["state_machine_arn"], "Name": st["state_machine_name"]},
            "State": state,
        }
        if self.map_item is not None:
            ctx["Map"] = {"Item": self.map_item}
        token = (frame.get("ctx") or {}).get("token") if isinstance(frame.get("ctx"), dict) else None
        if token:
            ctx["Task"] = {"Token": token}
        return ctx

    def bindings(
        self,
        frame: Frame,
        data: Any,
        *,
        result: Any = _NOTHING,
        error_output: Any = _NOTHING,
        context: bool = False,
    ) -> Bindings:
        """JSONata bindings: every visible variable plus `$states` (raw values, see `Bindings`)."""
        from statemachines.runtime.jsonata import Bindings

        states: dict[str, Any] = {"input": data}
        if result is not _NOTHING:
            states["result"] = result
        if error_output is not _NOTHING:
            states["errorOutput"] = error_output
        if context:
            states["context"] = self.context(frame)
        bound = self.all_variables(frame)
        bound["states"] = states
        return Bindings(bound, self._jsonata_cache)
