"""One-state corpus cases for the function-level tests: loading by category, a tiny resolver, loose checks.

The corpus location rule (`<repo root>/../shared/conformance/asl` or `$DECA_CONFORMANCE_DIR`) is the
end-to-end runner's `corpus_dir`. Tests using the corpus skip when it is absent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from statemachines.runtime.errors import PathNotFound
from tests.statemachines.runtime.conformance import corpus_dir

#: Context object values under the corpus naming conventions (README "Conventions a runner should follow").
STATE_MACHINE_ARN = "arn:aws:states:us-east-1:111111111111:stateMachine:TestStateMachine"
EXECUTION_ARN = "arn:aws:states:us-east-1:111111111111:execution:TestStateMachine:TestExecution"


def load_cases(category: str) -> list[dict[str, Any]]:
    """Every case of a corpus category, sorted by name; empty when the corpus is absent."""
    folder = corpus_dir() / "cases" / category
    if not folder.is_dir():
        return []
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


def only_state(case: dict[str, Any]) -> dict[str, Any] | None:
    """The single state of a one-state definition, else None."""
    states = case["definition"]["States"]
    return next(iter(states.values())) if len(states) == 1 else None


def context_object(case: dict[str, Any]) -> dict[str, Any]:
    """The parts of the context object the function cases read."""
    return {
        "Execution": {"Id": EXECUTION_ARN, "Name": "TestExecution", "Input": case["input"]},
        "StateMachine": {"Id": STATE_MACHINE_ARN, "Name": "TestStateMachine"},
    }


def _steps(path: str) -> Iterator[str | int]:
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if name:
            yield name
        while rest:
            index, _, rest = rest.partition("]")
            yield index.strip("'") if index.startswith("'") else int(index)
            rest = rest.removeprefix("[")


def tiny_resolver(document: Any, context: dict[str, Any]) -> Callable[[str], Any]:
    """Just enough JSONPath for the corpus: `$`, `$.a.b`, `$.a[0]`, `$.a['b']` and `$$.Execution.Name`."""

    def resolve(path: str) -> Any:
        current = context if path.startswith("$$") else document
        for step in _steps(path.lstrip("$").lstrip(".")):
            if isinstance(step, int) and isinstance(current, list) and 0 <= step < len(current):
                current = current[step]
                continue
            if isinstance(step, str) and isinstance(current, dict) and step in current:
                current = current[step]
                continue
            raise PathNotFound(path)
        return current

    return resolve


def same_json(left: Any, right: Any) -> bool:
    """The corpus comparison: exact JSON equality, numbers by value, booleans never numbers."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_json(v, right[k]) for k, v in left.items())
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same_json(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


def _is_uuid(value: Any) -> bool:
    parts = value.split("-") if isinstance(value, str) else []
    return [len(part) for part in parts] == [8, 4, 4, 4, 12] and all(
        char in "0123456789abcdef" for char in "".join(parts)
    )


_LOOSE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "uuid": _is_uuid,
    "random_number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
}


def expected_output(case: dict[str, Any], actual: Any) -> Any:
    """The recorded output with each loose placeholder replaced by `actual`'s value once it passes its check.

    Raises AssertionError when a loose value fails its check; `execution_identity` stays exact.
    """
    expected = json.loads(json.dumps(case["expected"].get("output")))
    for entry in case.get("loose", []):
        if entry["kind"] == "execution_identity":
            continue
        keys = [part for part in entry["path"].removeprefix("$.output").split(".") if part]
        value = actual
        for key in keys:
            value = value[key]
        assert _LOOSE_CHECKS[entry["kind"]](value), f"{entry['path']}: {value!r} is not a {entry['kind']}"
        if not keys:
            return value
        target = expected
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return expected
