"""The Choice state: JSONPath rules (compiled by `choice_rules`) or JSONata `Condition`s."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import DefinitionError, PathNotFound, QueryEvaluationError, StatesError
from statemachines.runtime.jsonpath import compile_path
from statemachines.runtime.states.base import ENTER, Frame, State
from statemachines.runtime.templates import JsonataTemplate, Payload

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter

__all__ = ["ChoiceState"]


class _Branch:
    __slots__ = ("assign", "condition", "next", "output", "rule")

    def __init__(self) -> None:
        self.rule: Any = None
        self.condition: JsonataTemplate | None = None
        self.next = ""
        self.assign: Any = None
        self.output: JsonataTemplate | None = None


class ChoiceState(State):
    """Picks the first matching rule's Next, else Default."""

    kind = "Choice"
    pure = True

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        from statemachines.runtime.choice_rules import compile_rule

        self.default: str | None = spec.get("Default")
        self.branches: list[_Branch] = []
        for index, rule in enumerate(spec.get("Choices") or []):
            branch = _Branch()
            branch.next = rule.get("Next", "")
            if self.jsonata:
                if "Condition" not in rule:
                    raise DefinitionError(
                        f"State '{name}': Choices[{index}] needs 'Condition' in JSONata",
                        state=name,
                        field="Choices",
                    )
                branch.condition = self._jsonata(rule["Condition"], "Condition")
                if "Output" in rule:
                    branch.output = self._jsonata(rule["Output"], "Output")
                if "Assign" in rule:
                    branch.assign = self._jsonata(rule["Assign"], "Assign")
            else:
                branch.rule = compile_rule(rule)
                if "Assign" in rule:
                    branch.assign = self._payload(rule["Assign"], "Assign")
            self.branches.append(branch)

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Evaluate the rules in order."""
        if frame["phase"] == ENTER:
            ex.enter(frame, self)
        raw = frame["input"]
        if self.jsonata:
            return self._run_jsonata(ex, frame, raw)
        data = self.effective_input(ex, raw)

        def resolver(text: str) -> Any:
            return ex.resolve(compile_path(text), data)

        chosen: _Branch | None = None
        for branch in self.branches:
            try:
                matched = branch.rule(resolver)
            except PathNotFound as exc:
                raise StatesError(
                    "States.Runtime",
                    f"Invalid path '{exc.path}': The choice state's condition path references an invalid value.",
                ) from None
            if matched:
                chosen = branch
                break
        assign: Payload | None = chosen.assign if chosen is not None else self.assign_p
        pending = assign(data, ex) if assign is not None else None
        out = self.apply_output_path(ex, data)
        if pending:
            ex.assign(frame, pending)
        return self._leave(ex, frame, out, chosen.next if chosen is not None else None)

    def _run_jsonata(self, ex: Interpreter, frame: Frame, raw: Any) -> str | None:
        bindings = ex.bindings(frame, raw, context=self.needs_context)
        chosen: _Branch | None = None
        for branch in self.branches:
            assert branch.condition is not None
            value = branch.condition(bindings)
            if not isinstance(value, bool):
                raise QueryEvaluationError(f"The Condition field evaluated to a non-boolean value: {value!r}")
            if value:
                chosen = branch
                break
        assign = chosen.assign if chosen is not None else self.assign_t
        output = chosen.output if chosen is not None and chosen.output is not None else self.output_t
        pending = assign(bindings) if assign is not None else None
        out = output(bindings) if output is not None else raw
        if pending:
            ex.assign(frame, pending)
        return self._leave(ex, frame, out, chosen.next if chosen is not None else None)

    def _leave(self, ex: Interpreter, frame: Frame, out: Any, target: str | None) -> str | None:
        if target is None:
            target = self.default
            if target is None:
                raise StatesError(
                    "States.NoChoiceMatched",
                    f"No choice rule matched in state '{self.name}' and it has no Default",
                )
        ex.event(frame, self.exited_type, {"name": self.name, "output": out})
        frame["input"] = out
        return target
