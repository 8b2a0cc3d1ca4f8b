"""The code-runner Lambda handler, run in-process with sample events."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from deca.sandbox import CodeSandboxViolation
from functions.services import code_runner
from functions.services.code_runner import lambda_handler


@dataclass
class _Context:
    function_name: str = "code-runner"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:code-runner"
    aws_request_id: str = "req-1"


@pytest.fixture(autouse=True)
def _powertools(monkeypatch: pytest.MonkeyPatch) -> None:
    # The namespace comes from the function's environment on AWS (read when the module is imported).
    monkeypatch.setattr(code_runner.metrics.provider, "namespace", "DecaTest")
    # Not on the test process itself: it would stay non-dumpable for every later test.
    monkeypatch.setattr(code_runner, "protect_runner_process", lambda: True)


def test_handler_returns_the_result() -> None:
    event = {
        "request": {"language": "python", "source": "def main(input):\n    return input * 2", "input": 21},
        "execution_id": "exec-1",
        "node_id": "double",
    }
    output = lambda_handler(event, _Context())  # type: ignore[arg-type]
    assert output["result"] == 42
    assert "rlimits" in output["layers"]


def test_handler_raises_the_outcome_by_class() -> None:
    event = {"request": {"language": "python", "source": "import os\ndef main(input):\n    pass"}}
    with pytest.raises(CodeSandboxViolation):
        lambda_handler(event, _Context())  # type: ignore[arg-type]
