"""`deca validate` and `deca compile`: check a flow document, or compile it to ASL (JSONata mode)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deca.cli.io import load_json_file
from deca.errors import CompileErrors, InputError

__all__ = ["compile_command", "validate"]


def _report(errors: CompileErrors) -> int:
    for error in errors.errors:
        print(error.render(), file=sys.stderr)
    return 1


def validate(args: argparse.Namespace) -> int:
    """Validate a flow document: `ok: <name> (<n> nodes, <m> connections)`, or one line per problem."""
    from statemachines.compiler import validate_document

    document = load_json_file(args.flow)
    try:
        checked = validate_document(document)
    except CompileErrors as errors:
        return _report(errors)
    flow = checked.flow
    print(f"ok: {flow.name} ({len(flow.nodes)} nodes, {len(flow.connections)} connections)")
    return 0


def compile_command(args: argparse.Namespace) -> int:
    """Compile a flow document to ASL on stdout, or into the file given with `-o`."""
    from statemachines.compiler import compile_checked, dumps_asl, validate_document

    document = load_json_file(args.flow)
    try:
        text = dumps_asl(compile_checked(validate_document(document)))
    except CompileErrors as errors:
        return _report(errors)
    output = getattr(args, "output", None)
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{output}: {exc.strerror}") from exc
    else:
        sys.stdout.write(text)
    return 0
