"""Every example flow validates, compiles deterministically, matches its golden ASL and is accepted by moto."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from statemachines.compiler import compile_checked, dumps_asl, validate_document
from tests.statemachines.compiler.conftest import (
    EXAMPLES_DIR,
    GOLDEN_DIR,
    REPO_ROOT,
    example_paths,
    golden_flow_paths,
    load,
)

EXAMPLES = example_paths()
GOLDEN_FLOWS = golden_flow_paths()


def _compile(path: Path) -> str:
    return dumps_asl(compile_checked(validate_document(load(path))))


def test_there_are_at_least_eight_examples() -> None:
    assert len(EXAMPLES) >= 8


def test_seed_example_is_the_architecture_document_flow() -> None:
    seed = load(next(p for p in EXAMPLES if p.name == "customer-onboarding.json"))
    assert seed["name"] == "Customer Onboarding Flow"
    assert seed["connections"] == [
        {"from": "validate-input", "to": "create-persona", "condition": "{{validate-input.success}} === true"}
    ]
    assert seed["nodes"][0]["config"]["input_schema"]["required"] == ["customer_data"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_validates(path: Path) -> None:
    checked = validate_document(load(path))
    assert checked.flow.nodes


@pytest.mark.parametrize("path", GOLDEN_FLOWS, ids=[p.stem for p in GOLDEN_FLOWS])
def test_compile_is_byte_identical_across_runs(path: Path) -> None:
    assert _compile(path) == _compile(path)


@pytest.mark.parametrize("path", GOLDEN_FLOWS, ids=[p.stem for p in GOLDEN_FLOWS])
def test_compiled_asl_matches_golden_file(path: Path, update_golden: bool) -> None:
    golden = GOLDEN_DIR / f"{path.stem}.asl.json"
    text = _compile(path)
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run pytest with --update-golden"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", GOLDEN_FLOWS, ids=[p.stem for p in GOLDEN_FLOWS])
def test_compiled_asl_is_accepted_by_moto(path: Path) -> None:
    text = _compile(path)
    with mock_aws():
        client = boto3.client("stepfunctions", region_name="us-east-1")
        response = client.create_state_machine(
            name=path.stem, definition=text, roleArn="arn:aws:iam::123456789012:role/x"
        )
        described = client.describe_state_machine(stateMachineArn=response["stateMachineArn"])
    assert described["definition"] == text


@pytest.mark.parametrize("path", GOLDEN_FLOWS, ids=[p.stem for p in GOLDEN_FLOWS])
def test_compiled_asl_passes_the_runtime_validator(path: Path) -> None:
    runtime = pytest.importorskip("statemachines.runtime")
    validate = getattr(runtime, "validate_definition", None)
    if validate is None:
        pytest.skip("statemachines.runtime.validate_definition is not available")
    validate(compile_checked(validate_document(load(path))))


def test_seed_example_is_byte_identical_to_the_shared_seed_document() -> None:
    shared = REPO_ROOT.parent / "shared" / "checks" / "data" / "seed-onboarding.json"
    if not shared.exists():
        pytest.skip("the shared seed document is not next to this checkout")
    assert (EXAMPLES_DIR / "customer-onboarding.json").read_bytes() == shared.read_bytes()
