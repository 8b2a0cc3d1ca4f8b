"""`deca asl run`: run a state machine definition on the local runtime and print one JSON result.

Kept lean on purpose: only the runtime's core is imported (no pydantic, boto3 or jsonata unless the
definition uses JSONata), so a whole `deca asl run` process starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from deca.cli.io import load_json_file, parse_json_text
from deca.errors import InputError

__all__ = ["run"]


def _result_line(result: Any, *, history: bool, name: str | None = None) -> str:
    out: dict[str, Any] = {"name": name} if name is not None else {}
    out.update(result.to_dict(history=history))
    return json.dumps(out, ensure_ascii=False)


def _run_cases(path: str, history: bool) -> int:
    from statemachines.runtime import DefinitionError, Runtime

    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line for line in handle if line.strip()]
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    cases: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        case = parse_json_text(line, what=f"{path} line {number}")
        if not isinstance(case, dict) or "definition" not in case:
            raise InputError(
                f"{path} line {number}: expected an object with 'name', 'definition' and 'input'"
            )
        cases.append(case)
    runtime = Runtime()
    out = sys.stdout
    for case in cases:
        name = case.get("name")
        try:
            result = runtime.start(case["definition"], case.get("input"), name="TestExecution")
        except DefinitionError as exc:
            invalid = {
                "name": name,
                "status": "FAILED",
                "error": "States.InvalidDefinition",
                "cause": exc.message,
            }
            out.write(json.dumps(invalid, ensure_ascii=False))
            out.write("\n")
            continue
        out.write(_result_line(result, history=history, name=name))
        out.write("\n")
    out.flush()
    return 0


def run(args: argparse.Namespace) -> int:
    """Run DEFINITION.json (or every line of --cases FILE.jsonl) and print the JSON result(s)."""
    if args.cases:
        if args.definition:
            raise InputError("give either DEFINITION.json or --cases FILE.jsonl, not both")
        return _run_cases(args.cases, bool(args.history))
    if not args.definition:
        raise InputError("missing DEFINITION.json (or --cases FILE.jsonl)")
    definition = load_json_file(args.definition)
    if args.input_file:
        execution_input = load_json_file(args.input_file)
    elif args.input is not None:
        execution_input = parse_json_text(args.input, what="--input")
    else:
        execution_input = {}

    from statemachines.runtime import run_definition

    result = run_definition(definition, execution_input)
    sys.stdout.write(_result_line(result, history=bool(args.history)))
    sys.stdout.write("\n")
    return 0
