"""`deca run FLOW.json`: compile a flow and run it on the local runtime with node handlers in-process."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from deca.cli.io import load_json_file, parse_json_text
from deca.errors import InputError

__all__ = ["run"]

_MARKS = {"running": "▶", "succeeded": "✓", "failed": "✗", "cancelled": "■"}


def _mocks(args: argparse.Namespace) -> dict[str, Any]:
    mocks: dict[str, Any] = {}
    if getattr(args, "mocks", None):
        loaded = load_json_file(args.mocks)
        if not isinstance(loaded, dict):
            raise InputError(f"{args.mocks}: expected a JSON object of node id -> output")
        mocks.update(loaded)
    for item in getattr(args, "mock", None) or []:
        node_id, sep, text = item.partition("=")
        if not sep or not node_id:
            raise InputError(f"--mock {item!r}: expected NODE_ID=JSON")
        mocks[node_id] = parse_json_text(text, what=f"--mock {node_id}")
    return mocks


def _input(args: argparse.Namespace) -> Any:
    if args.input_file:
        return load_json_file(args.input_file)
    if args.input is not None:
        return parse_json_text(args.input, what="--input")
    return {}


def _human_cause(cause: str | None) -> str:
    """A Lambda error cause is JSON (errorMessage, errorType, stackTrace): show only its message."""
    from deca.engines.error_details import error_message

    return str(error_message(cause)) if cause else ""


def _print_progress(run: Any) -> None:
    mark = _MARKS.get(run.status, "?")
    tail = f"  {run.duration_ms:.1f} ms" if run.status != "running" else ""
    if run.status == "failed" and run.error:
        tail += f"  {run.error}: {_human_cause(run.cause)}".rstrip(": ")
    print(f"{mark} {run.node_id} ({run.node_type}){tail}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Compile FLOW.json, run it in-process, print progress per node and the result."""
    from deca.local.node_tasks import node_task_registry
    from deca.local.progress import NodeProgress
    from statemachines.compiler import compile_checked, validate_document
    from statemachines.runtime import Runtime, WallClock

    document = load_json_file(args.flow)
    execution_input = _input(args)
    mocks = _mocks(args)
    checked = validate_document(document)
    unknown = sorted(set(mocks) - {node.id for node in checked.flow.nodes})
    if unknown:
        raise InputError(f"--mock names unknown node(s): {', '.join(unknown)}")
    asl = compile_checked(checked)

    node_types = {node.id: node.type for node in checked.flow.nodes}
    progress = NodeProgress(node_types, None if args.json else _print_progress)
    runtime = Runtime(tasks=node_task_registry(mocks), clock=WallClock(), listeners=[progress])
    if not args.json:
        print(f"running {checked.flow.name} ({len(node_types)} nodes)", file=sys.stderr, flush=True)
    result = runtime.start(
        asl, execution_input, name=f"{checked.flow.id}-local", state_machine_name=checked.flow.id
    )
    outcome = result.to_dict()
    progress.finish(outcome["status"], outcome.get("output"))
    outcome["nodes"] = {
        node_id: progress.runs[node_id].to_dict()
        if node_id in progress.runs
        else {"type": kind, "status": "skipped"}
        for node_id, kind in node_types.items()
    }
    if args.json:
        print(json.dumps(outcome, ensure_ascii=False))
        return 0
    print(f"status: {outcome['status']}")
    if "error" in outcome:
        print(f"error: {outcome['error']}")
        if outcome.get("cause"):
            print(f"cause: {_human_cause(outcome['cause'])}")
    for node_id, node in outcome["nodes"].items():
        if node["status"] == "skipped":
            print(f"{node_id}: (skipped)")
            continue
        shown = node.get("output") if node["status"] != "failed" else {"error": node["error"]}
        print(f"{node_id}: {json.dumps(shown, ensure_ascii=False)}")
    return 0
