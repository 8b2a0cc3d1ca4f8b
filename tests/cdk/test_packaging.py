"""Lambda packaging: which node types get a function, layer contents, local bundling without Docker."""

from __future__ import annotations

from pathlib import Path

from cdk.constructs.node_types import lambda_node_types
from cdk.constructs.python_assets import LambdaPackaging, LocalBundling, layer_requirements
from deca.nodes.registry import NODE_TYPES

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_task_and_callback_node_type_gets_a_function() -> None:
    expected = sorted(t for t, spec in NODE_TYPES.items() if spec.kind in ("task", "callback"))

    assert lambda_node_types() == expected


def test_pure_asl_node_types_get_no_function() -> None:
    types = set(lambda_node_types())

    assert {"agent", "approval", "code", "http_request"} <= types
    assert not {"condition", "loop", "wait", "transform", "sub_flow", "webhook_trigger"} & types


def test_layer_holds_the_shared_packages_under_python() -> None:
    names = {name for name, _path in LambdaPackaging(root=REPO_ROOT).layer_entries()}

    assert "python/deca/__init__.py" in names
    assert "python/statemachines/__init__.py" in names
    assert all(name.startswith("python/") for name in names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_function_code_holds_handlers_and_the_api_only() -> None:
    names = {name for name, _path in LambdaPackaging(root=REPO_ROOT).code_entries()}

    assert "api/lambda_handler.py" in names
    assert {name.split("/")[0] for name in names} == {"api", "functions"}


def test_layer_requirements_leave_out_what_lambda_provides_or_only_local_runs_use() -> None:
    requirements = layer_requirements(REPO_ROOT / "pyproject.toml")

    assert any(r.startswith("pydantic") for r in requirements)
    assert not any(r.startswith(("boto3", "uvicorn")) for r in requirements)


def test_local_bundling_writes_the_files_without_docker(tmp_path: Path) -> None:
    bundler = LocalBundling([("python/pkg/__init__.py", b"VALUE = 1\n")], [], "python", run=_no_run)

    assert bundler.try_bundle(str(tmp_path)) is True
    assert (tmp_path / "python/pkg/__init__.py").read_bytes() == b"VALUE = 1\n"


def test_local_bundling_installs_arm64_cpython312_wheels_into_the_layer_folder(tmp_path: Path) -> None:
    commands: list[list[str]] = []
    bundler = LocalBundling([], ["pydantic>=2"], "python", run=commands.append)

    bundler.try_bundle(str(tmp_path))

    (command,) = commands
    assert command[-1] == "pydantic>=2"
    options = " ".join(command)
    assert f"--target {tmp_path / 'python'}" in options
    assert "--platform manylinux2014_aarch64" in options
    assert "--python-version 3.12" in options
    assert "--only-binary=:all:" in options


def _no_run(command: list[str]) -> None:
    raise AssertionError(f"nothing to install, yet ran {command}")
