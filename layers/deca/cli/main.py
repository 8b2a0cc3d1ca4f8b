"""Entry point of the `deca` command: parses arguments and dispatches to lazily imported commands.

Commands are imported only when chosen so that `deca asl run` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

__all__ = ["build_parser", "main"]

# command name -> "module:function"; each function takes the parsed namespace and returns an exit code.
_COMMANDS: dict[str, str] = {
    "validate": "deca.cli.flow_commands:validate",
    "compile": "deca.cli.flow_commands:compile_command",
    "schema": "deca.cli.catalogue_commands:schema",
    "nodes": "deca.cli.catalogue_commands:nodes",
    "asl run": "deca.cli.asl_commands:run",
    "run": "deca.cli.run_command:run",
    "dev": "deca.cli.dev_command:dev",
    "dev-worker": "deca.cli.dev_workers:dev_worker",
    "token": "deca.cli.token_command:token",
}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of every `deca` command."""
    parser = argparse.ArgumentParser(prog="deca", description="DECA AI Studio command line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="validate a flow document (all problems at once)")
    p.add_argument("flow", metavar="FLOW.json")
    p.set_defaults(target="validate")

    p = sub.add_parser("compile", help="compile a flow document to Amazon States Language")
    p.add_argument("flow", metavar="FLOW.json")
    p.add_argument("-o", "--output", metavar="FILE", help="write the ASL here instead of stdout")
    p.set_defaults(target="compile")

    p = sub.add_parser("schema", help="print the JSON Schema of the flow document")
    p.set_defaults(target="schema")

    p = sub.add_parser("nodes", help="print the node catalogue as JSON")
    p.set_defaults(target="nodes")

    asl = sub.add_parser("asl", help="Amazon States Language tools")
    asl_sub = asl.add_subparsers(dest="asl_command", metavar="COMMAND")
    asl_sub.required = True
    p = asl_sub.add_parser("run", help="run a state machine definition on the local runtime")
    p.add_argument("definition", nargs="?", metavar="DEFINITION.json")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--input", metavar="JSON", help="execution input as JSON text")
    group.add_argument("--input-file", metavar="FILE", help="execution input from a JSON file")
    p.add_argument("--history", action="store_true", help="include the execution history")
    p.add_argument("--cases", metavar="FILE.jsonl", help='run every {"name","definition","input"} line')
    p.set_defaults(target="asl run")

    p = sub.add_parser("run", help="compile a flow and run it locally with the node handlers in-process")
    p.add_argument("flow", metavar="FLOW.json")
    p.add_argument("--input", metavar="JSON", help="flow input as JSON text")
    p.add_argument("--input-file", metavar="FILE", help="flow input from a JSON file")
    p.add_argument("--json", action="store_true", help="print one JSON result instead of progress")
    p.add_argument("--mock", action="append", metavar="NODE_ID=JSON", help="pin a node's output (repeatable)")
    p.add_argument("--mocks", metavar="FILE", help="pin node outputs from a JSON object of node id -> output")
    p.set_defaults(target="run")

    p = sub.add_parser(
        "dev", help="serve the local studio (API and UI) with embedded stores and the local engine"
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--data-dir", metavar="DIR", help="local state (default: DECA_DATA_DIR or ~/.deca)")
    p.add_argument(
        "--examples", metavar="DIR", help="flows to load and publish (default: the examples folder)"
    )
    p.add_argument("--no-examples", action="store_true", help="do not load the example flows")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="serve the port from N processes, one per core to use (default 1; Linux)",
    )
    p.set_defaults(target="dev")

    p = sub.add_parser("dev-worker", help="internal: one extra process of `deca dev --workers N`")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--data-dir", required=True)
    p.add_argument("--primary-port", type=int, required=True)
    p.add_argument("--parent-pid", type=int, required=True)
    p.set_defaults(target="dev-worker")

    p = sub.add_parser("token", help="print a bearer token for the local studio")
    p.add_argument("--data-dir", metavar="DIR", help="local state (default: DECA_DATA_DIR or ~/.deca)")
    p.add_argument("--user", help="subject (default: the local owner)")
    p.add_argument("--workspace", help="workspace id (default: local)")
    p.add_argument("--role", default="owner", choices=["owner", "admin", "developer", "viewer", "executor"])
    p.add_argument("--ttl", type=int, metavar="SECONDS", help="lifetime (default: 30 days)")
    p.set_defaults(target="token")
    return parser


def _resolve(target: str) -> Callable[[argparse.Namespace], int]:
    module_name, _, func_name = _COMMANDS[target].partition(":")
    module = importlib.import_module(module_name)
    func: Callable[[argparse.Namespace], int] = getattr(module, func_name)
    return func


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `deca` command; returns the process exit code (0 ok, 1 invalid input, 2 internal)."""
    args = build_parser().parse_args(argv)
    from deca.errors import DecaError

    try:
        return _resolve(args.target)(args)
    except DecaError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: say so in one line, never a traceback
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
