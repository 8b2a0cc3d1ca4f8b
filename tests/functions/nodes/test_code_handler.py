"""The code Lambda handler in-process: without a runner function configured it starts the sandbox itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deca.sandbox import CodeError
from functions.nodes import code
from tests.fakes.node_runs import data_lambda_wiring
from tests.layers.integrations.lambda_env import FakeLambdaContext, lambda_event


@pytest.fixture(autouse=True)
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with data_lambda_wiring(tmp_path, monkeypatch):
        yield


def test_runs_the_snippet() -> None:
    config = {"language": "python", "source": "def main(input):\n    return input * 2\n", "input": 21}
    assert code.lambda_handler(lambda_event("code", config), FakeLambdaContext())["result"] == 42


def test_error_in_snippet_is_code_error() -> None:
    config = {"language": "python", "source": "def main(input):\n    raise ValueError('bad')\n"}
    with pytest.raises(CodeError, match="ValueError: bad"):
        code.lambda_handler(lambda_event("code", config), FakeLambdaContext())
