"""The benchmark's generated 1,000-node flow is valid and compiles (timing is the benchmark's job)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from statemachines.compiler import compile_checked, validate_document
from tests.statemachines.compiler.conftest import REPO_ROOT


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compile_benchmark", REPO_ROOT / "benchmarks" / "compile.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_flow_has_a_thousand_nodes_and_compiles() -> None:
    document = _benchmark().make_flow(1000)
    assert len(document["nodes"]) >= 1000
    asl = compile_checked(validate_document(document))
    assert asl["States"]["_start"]["Type"] == "Pass"
