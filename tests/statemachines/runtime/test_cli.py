"""`deca asl run`: the command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deca.cli.main import main

LOOP = {
    "StartAt": "Inc",
    "States": {
        "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.i", "NumericLessThan": 3, "Next": "Inc"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}
FAILING = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope", "Cause": "because"}}}


@pytest.fixture
def loop_file(tmp_path: Path) -> Path:
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(LOOP))
    return path


def test_prints_status_and_output(loop_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["asl", "run", str(loop_file), "--input", '{"i": 0}']) == 0
    assert json.loads(capsys.readouterr().out) == {"status": "SUCCEEDED", "output": {"i": 3}}


def test_input_file_and_history(loop_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.json").write_text('{"i": 2}')
    assert main(["asl", "run", str(loop_file), "--input-file", str(tmp_path / "in.json"), "--history"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["output"] == {"i": 3}
    assert out["history"][0]["type"] == "ExecutionStarted"


def test_failed_execution_still_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fail.json"
    path.write_text(json.dumps(FAILING))
    assert main(["asl", "run", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"status": "FAILED", "error": "Nope", "cause": "because"}


def test_cases_file_prints_one_line_per_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps({"name": "loop", "definition": LOOP, "input": {"i": 1}})
        + "\n"
        + json.dumps({"name": "fail", "definition": FAILING, "input": {}})
        + "\n"
    )
    assert main(["asl", "run", "--cases", str(cases)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        {"name": "loop", "status": "SUCCEEDED", "output": {"i": 3}},
        {"name": "fail", "status": "FAILED", "error": "Nope", "cause": "because"},
    ]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such file"),
        ("{not json", "not valid JSON"),
        ('{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}', "State 'A'"),
    ],
    ids=["missing-file", "bad-json", "invalid-definition"],
)
def test_bad_input_exits_one_with_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, fragment: str
) -> None:
    path = tmp_path / "def.json"
    if content is not None:
        path.write_text(content)
    assert main(["asl", "run", str(path)]) == 1
    err = capsys.readouterr().err
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_input_json_exits_one(loop_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["asl", "run", str(loop_file), "--input", "{x"]) == 1
    assert "--input is not valid JSON" in capsys.readouterr().err
