"""`deca run`: compile a flow and run it in-process, with per-node progress and pinned node outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deca.cli.main import main

REPO = Path(__file__).resolve().parents[3]
ONBOARDING = str(REPO / "examples" / "customer-onboarding.json")
MOCKS = str(REPO / "examples" / "mocks" / "customer-onboarding.json")


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(["run", ONBOARDING, "--json", *args])
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert isinstance(result, dict)
    return result


def test_pinned_outputs_run_the_flow_to_success(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run_json(capsys, "--input", '{"customer_data": {"name": "Ada"}}', "--mocks", MOCKS)

    assert result["status"] == "SUCCEEDED"
    nodes = result["nodes"]
    assert isinstance(nodes, dict)
    assert nodes["validate-input"]["status"] == "succeeded"
    assert nodes["create-persona"]["output"]["model"] == "gpt-4o-mini"
    assert set(result["output"]) == {"validate-input", "create-persona"}  # type: ignore[arg-type]


def test_false_condition_skips_the_downstream_node(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run_json(capsys, "--mock", 'validate-input={"success": false}')

    assert result["status"] == "SUCCEEDED"
    assert result["nodes"]["create-persona"] == {"type": "agent", "status": "skipped"}  # type: ignore[index]


def test_failing_node_fails_with_a_named_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # the agent node has no key to call OpenAI with
    result = _run_json(capsys, "--mock", 'validate-input={"success": true}')

    assert result["status"] == "FAILED"
    assert result["error"] == "ProviderAuthError"
    assert result["nodes"]["create-persona"]["status"] == "failed"  # type: ignore[index]


def test_progress_lines_name_each_node(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", ONBOARDING, "--mocks", MOCKS])
    captured = capsys.readouterr()

    assert code == 0
    assert "▶ validate-input (function)" in captured.err
    assert "✓ create-persona (agent)" in captured.err
    assert "status: SUCCEEDED" in captured.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mock", "nope=1"], "unknown node(s): nope"),
        (["--mock", "validate-input"], "expected NODE_ID=JSON"),
        (["--input", "{bad"], "--input is not valid JSON"),
    ],
    ids=["unknown-node", "no-equals", "bad-input"],
)
def test_bad_arguments_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["run", ONBOARDING, *args])
    err = capsys.readouterr().err

    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_invalid_flow_lists_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = tmp_path / "bad.json"
    flow.write_text(json.dumps({"id": "f", "name": "f", "nodes": [{"id": "a", "type": "nope"}]}))

    code = main(["run", str(flow)])

    assert code == 1
    assert "nope" in capsys.readouterr().err
