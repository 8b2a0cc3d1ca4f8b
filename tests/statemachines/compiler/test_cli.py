"""The `deca validate` / `deca compile` contract: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deca.cli.main import main
from tests.statemachines.compiler._flows import edge, flow, node
from tests.statemachines.compiler.conftest import EXAMPLES_DIR

SEED = EXAMPLES_DIR / "customer-onboarding.json"


def _write(tmp_path: Path, document: object, name: str = "flow.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_validate_ok_prints_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SEED)]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: Customer Onboarding Flow (2 nodes, 1 connections)\n"
    assert err == ""


def test_validate_prints_one_line_per_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = flow([{"id": "x", "type": "foo"}, node("a", config={})], [edge("a", "ghost")])
    assert main(["validate", _write(tmp_path, document)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "node 'x' at nodes[0].type: unknown node type 'foo' (see `deca nodes`)",
        "node 'a' at nodes[1].config.function_id: Field required",
        "at connections[0].to: unknown node 'ghost'",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("{not json", "is not valid JSON"), ("[1, 2]", "must be a JSON object")],
    ids=["missing", "bad-json", "not-an-object"],
)
def test_unreadable_input_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "flow.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    _, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and message in err
    assert "Traceback" not in err


def test_compile_prints_the_asl_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", str(SEED)]) == 0
    out, _ = capsys.readouterr()
    asl = json.loads(out)
    assert asl["QueryLanguage"] == "JSONata" and out.endswith("}\n")


def test_compile_writes_the_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "seed.asl.json"
    assert main(["compile", str(SEED), "-o", str(target)]) == 0
    out, _ = capsys.readouterr()
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["StartAt"] == "_start"


def test_compile_of_an_invalid_flow_exits_1_without_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = flow([node("a"), node("b")], [edge("a", "b"), edge("b", "a")])
    assert main(["compile", _write(tmp_path, document)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) >= 1 and "Traceback" not in err
