"""Structural validation of a definition before it runs; every message names the state and the field."""

from __future__ import annotations

from typing import Any

from statemachines.runtime.errors import DefinitionError

__all__ = ["validate_definition"]

STATE_TYPES = frozenset({"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"})
QUERY_LANGUAGES = frozenset({"JSONPath", "JSONata"})
_TERMINAL = frozenset({"Choice", "Succeed", "Fail"})
_JSONPATH_ONLY = (
    "InputPath",
    "OutputPath",
    "ResultPath",
    "Parameters",
    "ResultSelector",
    "ItemsPath",
    "ErrorPath",
    "CausePath",
    "SecondsPath",
    "TimestampPath",
    "MaxConcurrencyPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
)
_JSONATA_ONLY = ("Arguments", "Output", "Items")


def _fail(message: str, state: str | None = None, field: str | None = None) -> DefinitionError:
    prefix = f"State '{state}': " if state is not None else ""
    return DefinitionError(prefix + message, state=state, field=field)


def validate_definition(definition: Any) -> None:
    """Raise DefinitionError for the first structural problem of a state machine definition."""
    if not isinstance(definition, dict):
        raise _fail("the definition must be a JSON object")
    ql = definition.get("QueryLanguage", "JSONPath")
    if ql not in QUERY_LANGUAGES:
        raise _fail(f"'QueryLanguage' must be JSONPath or JSONata, not {ql!r}", field="QueryLanguage")
    timeout = definition.get("TimeoutSeconds")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0):
        raise _fail("'TimeoutSeconds' must be a positive integer", field="TimeoutSeconds")
    _validate_states(definition, ql, "the state machine")


def _validate_states(spec: dict[str, Any], ql: Any, where: str) -> None:
    states = spec.get("States")
    if not isinstance(states, dict) or not states:
        raise _fail(f"{where} needs a non-empty 'States' object", field="States")
    start = spec.get("StartAt")
    if not isinstance(start, str):
        raise _fail(f"{where} is missing 'StartAt'", field="StartAt")
    if start not in states:
        raise _fail(f"'StartAt' of {where} names unknown state '{start}'", field="StartAt")
    for name, state in states.items():
        _validate_state(name, state, states, ql)


def _check_next(name: str, target: Any, states: dict[str, Any], field: str) -> None:
    if not isinstance(target, str) or target not in states:
        raise _fail(f"field '{field}' names unknown state '{target}'", name, field)


def _validate_state(name: str, state: Any, states: dict[str, Any], parent_ql: Any) -> None:
    if not isinstance(state, dict):
        raise _fail("must be a JSON object", name)
    kind = state.get("Type")
    if kind not in STATE_TYPES:
        raise _fail(f"unknown Type '{kind}'", name, "Type")
    ql = state.get("QueryLanguage", parent_ql)
    if ql not in QUERY_LANGUAGES:
        raise _fail(f"'QueryLanguage' must be JSONPath or JSONata, not {ql!r}", name, "QueryLanguage")
    wrong = _JSONPATH_ONLY if ql == "JSONata" else _JSONATA_ONLY
    for field in wrong:
        if field in state:
            raise _fail(f"field '{field}' is not allowed with QueryLanguage {ql}", name, field)
    if ql == "JSONPath" and "Condition" in state:
        raise _fail("field 'Condition' is not allowed with QueryLanguage JSONPath", name, "Condition")
    if kind not in _TERMINAL:
        has_next, has_end = "Next" in state, bool(state.get("End"))
        if has_next == has_end:
            raise _fail("needs exactly one of 'Next' or 'End': true", name, "Next" if not has_next else "End")
        if has_next:
            _check_next(name, state["Next"], states, "Next")
    for field in ("Retry", "Catch"):
        if field in state and kind not in ("Task", "Map", "Parallel"):
            raise _fail(f"field '{field}' is only allowed in Task, Map and Parallel states", name, field)
        for index, entry in enumerate(state.get(field) or []):
            errors = entry.get("ErrorEquals") if isinstance(entry, dict) else None
            if not isinstance(errors, list) or not errors:
                raise _fail(f"{field}[{index}] needs a non-empty 'ErrorEquals' list", name, field)
            if field == "Retry":
                for number in ("IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds"):
                    value = entry.get(number, 0)
                    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                        raise _fail(f"Retry[{index}]: '{number}' must be a non-negative number", name, field)
            if "States.ALL" in errors and (len(errors) > 1 or index != len(state[field]) - 1):
                raise _fail(
                    f"{field}[{index}]: 'States.ALL' must appear alone and in the last entry", name, field
                )
    for index, catcher in enumerate(state.get("Catch") or []):
        if not isinstance(catcher, dict):
            raise _fail(f"Catch[{index}] must be an object", name, "Catch")
        _check_next(name, catcher.get("Next"), states, "Catch.Next")
    if kind == "Choice":
        choices = state.get("Choices")
        if not isinstance(choices, list) or not choices:
            raise _fail("Choice needs a non-empty 'Choices' list", name, "Choices")
        for index, rule in enumerate(choices):
            if not isinstance(rule, dict):
                raise _fail(f"Choices[{index}] must be an object", name, "Choices")
            _check_next(name, rule.get("Next"), states, f"Choices[{index}].Next")
        if "Default" in state:
            _check_next(name, state["Default"], states, "Default")
    elif kind == "Task":
        if not isinstance(state.get("Resource"), str):
            raise _fail("Task needs a 'Resource' string", name, "Resource")
    elif kind == "Parallel":
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            raise _fail("Parallel needs a non-empty 'Branches' list", name, "Branches")
        for index, branch in enumerate(branches):
            if not isinstance(branch, dict):
                raise _fail(f"Branches[{index}] must be an object", name, "Branches")
            _validate_states(branch, branch.get("QueryLanguage", ql), f"branch {index} of '{name}'")
    elif kind == "Map":
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if not isinstance(processor, dict):
            raise _fail("Map needs an 'ItemProcessor' object", name, "ItemProcessor")
        _validate_states(processor, processor.get("QueryLanguage", ql), f"the ItemProcessor of '{name}'")
    elif kind == "Wait":
        fields = [f for f in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath") if f in state]
        if len(fields) != 1:
            raise _fail(
                "Wait needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath", name, "Seconds"
            )
        seconds = state.get("Seconds")
        jsonata_text = ql == "JSONata" and isinstance(seconds, str)
        bad_seconds = isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0
        if "Seconds" in state and not jsonata_text and bad_seconds:
            raise _fail("'Seconds' must be a non-negative integer", name, "Seconds")
        for text_field in ("Timestamp", "SecondsPath", "TimestampPath"):
            if text_field in state and not isinstance(state[text_field], str):
                raise _fail(f"'{text_field}' must be a string", name, text_field)
