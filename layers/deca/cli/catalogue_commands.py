"""`deca schema` and `deca nodes`: the flow document's JSON Schema and the node catalogue, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["dump_json", "nodes", "schema"]


def dump_json(value: Any) -> str:
    """Canonical JSON text: sorted keys, 2-space indent, trailing newline (byte-identical across runs)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the flow document."""
    from deca.flow.models import Flow

    sys.stdout.write(dump_json(Flow.model_json_schema(by_alias=True)))
    return 0


def nodes(args: argparse.Namespace) -> int:
    """Print the node catalogue as a JSON array sorted by type."""
    from deca.nodes.info import catalogue

    sys.stdout.write(dump_json([info.model_dump(mode="json") for info in catalogue()]))
    return 0
