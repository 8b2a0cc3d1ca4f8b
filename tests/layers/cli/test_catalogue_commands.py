"""`deca schema` and `deca nodes`: canonical JSON on stdout, exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deca.cli.main import main
from deca.flow.models import Flow
from deca.nodes.registry import NODE_TYPES

CATALOGUE_KEYS = {
    "type", "category", "description", "kind", "side_effects", "icon", "errors", "config_schema", "output_schema",
}  # fmt: skip


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    return captured.out


def test_schema_prints_the_flow_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "schema")
    assert json.loads(out) == Flow.model_json_schema(by_alias=True)


def test_schema_output_is_canonical_json(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "schema")
    assert out == json.dumps(json.loads(out), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_schema_discriminates_nodes_by_type(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(_run(capsys, "schema"))
    nodes = schema["properties"]["nodes"]["items"]
    assert nodes["discriminator"]["propertyName"] == "type"
    assert set(nodes["discriminator"]["mapping"]) == set(NODE_TYPES)


def test_schema_uses_from_and_to_for_connections(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(_run(capsys, "schema"))
    assert set(schema["$defs"]["Connection"]["required"]) == {"from", "to"}


def test_schema_is_identical_across_processes(repo_root: Path) -> None:
    # Different hash seeds change set and dict iteration orders; the output must not change.
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "deca.cli.main", "schema"],
            cwd=repo_root, env=env, capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_nodes_prints_the_catalogue_sorted_by_type(capsys: pytest.CaptureFixture[str]) -> None:
    entries = json.loads(_run(capsys, "nodes"))
    assert [e["type"] for e in entries] == sorted(NODE_TYPES)
    assert len(entries) >= 35


def test_nodes_entries_have_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    entries = json.loads(_run(capsys, "nodes"))
    assert all(set(entry) == CATALOGUE_KEYS for entry in entries)


def test_nodes_output_is_canonical_json(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "nodes")
    assert out == json.dumps(json.loads(out), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_nodes_entry_describes_the_seed_function_node(capsys: pytest.CaptureFixture[str]) -> None:
    entries = {e["type"]: e for e in json.loads(_run(capsys, "nodes"))}
    function = entries["function"]
    assert (function["category"], function["kind"]) == ("core", "task")
    assert "success" in function["output_schema"]["properties"]
    assert function["config_schema"]["required"] == ["function_id"]
