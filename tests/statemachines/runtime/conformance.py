"""Running the AWS-recorded conformance corpus and comparing results with the corpus README's rules."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from statemachines.runtime import FakeClock, TaskRegistry, run_definition
from statemachines.runtime.jsonpath import compile_path

REPO_ROOT = Path(__file__).resolve().parents[3]
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def corpus_dir() -> Path:
    """`<repo root>/../shared/conformance/asl`, or `$DECA_CONFORMANCE_DIR`."""
    override = os.environ.get("DECA_CONFORMANCE_DIR")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "conformance" / "asl"


def load_cases() -> list[dict[str, Any]]:
    """Every case of the corpus, sorted by name (empty when the corpus is absent)."""
    root = corpus_dir() / "cases"
    if not root.is_dir():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(root.glob("*/*.json"))]


class CustomException(Exception):
    """The custom error type of the `raise_custom_exception` behaviour."""


def _raise_exception(event: Any) -> Any:
    raise Exception("Some exception was raised.")


def _raise_custom_exception(event: Any) -> Any:
    raise CustomException()


def registry_for(case: dict[str, Any], clock: FakeClock) -> TaskRegistry:
    """A task registry with the case's Lambda behaviours under their conventional names."""

    def sleep_60s_identity(event: Any) -> Any:
        clock.advance(60)
        return event

    behaviours = {
        "identity": lambda event: event,
        "echo_constant": lambda event: {"Return": "HelloWorld"},
        "raise_exception": _raise_exception,
        "raise_custom_exception": _raise_custom_exception,
        "return_json_string": lambda event: "HelloWorld!",
        "large_output": lambda event: {"data": "x" * (300 * 1024)},
        "sleep_60s_identity": sleep_60s_identity,
    }
    registry = TaskRegistry()
    for name, spec in (case.get("lambda_functions") or {}).items():
        registry.register_lambda(spec.get("arn") or name, behaviours[spec["behavior"]])
    return registry


def run_case(case: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Run one case on a fake clock; returns the result (`to_dict`) and the history types."""
    clock = FakeClock()
    result = run_definition(case["definition"], case["input"], tasks=registry_for(case, clock), clock=clock)
    return result.to_dict(), result.history_types()


def check_case(case: dict[str, Any]) -> str | None:
    """None when the case passes, else the reason it does not."""
    try:
        actual, history = run_case(case)
    except Exception as exc:  # a crash of the runtime is a failing case, reported with its type
        return f"crashed: {type(exc).__name__}: {exc}"
    expected = case["expected"]
    loose: dict[Any, dict[str, Any]] = {}
    for entry in case.get("loose") or []:
        # a path listed twice (a regex and execution_identity) is checked by the more specific entry
        key = tuple(compile_path(entry["path"]).steps)
        if key not in loose or entry["kind"] != "execution_identity":
            loose[key] = entry
    problems: list[str] = []
    if actual["status"] != expected["status"]:
        return f"status {actual['status']} != {expected['status']}: {json.dumps(actual)[:600]}"
    if expected["status"] == "SUCCEEDED":
        _compare(expected["output"], actual.get("output"), ((0, "output"),), loose, problems)
    else:
        for key in ("error", "cause"):
            exp, act = expected.get(key), actual.get(key)
            path = ((0, key),)
            if path in loose:
                _loose(loose[path], exp, act, key, problems)
            elif (exp or "") != (act or ""):
                problems.append(f"{key}: expected {exp!r}, got {act!r}")
    types = case.get("expected_history_types")
    if types is not None and not problems and types != history:
        concurrent = any("concurrently" in note for note in case.get("notes") or [])
        if not concurrent or Counter(types) != Counter(history):
            problems.append(f"history: expected {types}, got {history}")
    return "; ".join(problems) or None


def _compare(exp: Any, act: Any, path: tuple[Any, ...], loose: dict[Any, Any], problems: list[str]) -> None:
    if path in loose:
        _loose(loose[path], exp, act, _show(path), problems)
        return
    where = _show(path)
    if isinstance(exp, dict):
        if not isinstance(act, dict) or set(exp) != set(act):
            problems.append(f"{where}: expected {json.dumps(exp)[:300]}, got {json.dumps(act)[:300]}")
            return
        for key in exp:
            _compare(exp[key], act[key], (*path, (0, key)), loose, problems)
    elif isinstance(exp, list):
        if not isinstance(act, list) or len(exp) != len(act):
            problems.append(f"{where}: expected {json.dumps(exp)[:300]}, got {json.dumps(act)[:300]}")
            return
        for index, (e, a) in enumerate(zip(exp, act, strict=True)):
            _compare(e, a, (*path, (1, index)), loose, problems)
    elif isinstance(exp, bool) or isinstance(act, bool):
        if exp is not act:
            problems.append(f"{where}: expected {exp!r}, got {act!r}")
    elif exp != act or (type(exp) is str and type(act) is not str):
        problems.append(f"{where}: expected {exp!r}, got {act!r}")


def _show(path: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{arg}]" if kind == 1 else f".{arg}" for kind, arg in path)


def _loose(entry: dict[str, Any], exp: Any, act: Any, where: str, problems: list[str]) -> None:
    kind = entry["kind"]
    ok = True
    if kind == "uuid":
        ok = isinstance(act, str) and bool(_UUID_RE.match(act))
    elif kind == "timestamp":
        ok = isinstance(act, str) and _is_timestamp(act)
    elif kind == "random_number":
        ok = isinstance(act, (int, float)) and not isinstance(act, bool)
    elif kind == "regex":
        ok = isinstance(act, str) and re.fullmatch(entry["pattern"], act) is not None
    elif kind == "lambda_error_cause":
        try:
            e, a = json.loads(exp), json.loads(act)
            ok = (e["errorType"], e["errorMessage"]) == (a["errorType"], a["errorMessage"])
        except (TypeError, ValueError, KeyError):
            ok = False
    elif kind == "json_text":
        try:
            ok = json.loads(exp) == json.loads(act)
        except (TypeError, ValueError):
            ok = False
    elif kind == "execution_identity":
        ok = exp == act
    if not ok:
        problems.append(f"{where} ({kind}): expected {exp!r}, got {act!r}")


def _is_timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
