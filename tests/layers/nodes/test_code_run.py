"""code node run in-process: the snippet runs in the sandbox (a child process), errors keep their names."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from deca.nodes.code import LambdaCodeRunner
from deca.nodes.context import NodeContext
from deca.nodes.handlers import InvalidNodeConfig
from deca.sandbox import CodeError, CodeRequest, CodeSandboxViolation, CodeTimeout, SandboxError
from tests.fakes.node_runs import data_context, make_task, run


@pytest.fixture
def ctx() -> NodeContext:
    return data_context()


def code(source: str, input: Any = None, **extra: Any) -> dict[str, Any]:
    return {"language": "python", "source": source, "input": input, **extra}


def test_result_and_logs_come_from_the_sandbox(ctx: NodeContext) -> None:
    out = run(ctx, "code", code("def main(input):\n    print('hi')\n    return sum(input)\n", [1, 2, 3]))
    assert (out["result"], out["logs"].strip()) == (6, "hi")


def test_exception_in_code_is_code_error_with_line(ctx: NodeContext) -> None:
    with pytest.raises(CodeError, match=r"ZeroDivisionError: division by zero \(line 2\)"):
        run(ctx, "code", code("def main(input):\n    return 1 / 0\n"))


def test_forbidden_import_is_sandbox_violation(ctx: NodeContext) -> None:
    with pytest.raises(CodeSandboxViolation):
        run(ctx, "code", code("import os\ndef main(input):\n    return os.getcwd()\n"))


def test_endless_loop_is_code_timeout(ctx: NodeContext) -> None:
    with pytest.raises(CodeTimeout):
        run(ctx, "code", code("def main(input):\n    while True:\n        pass\n", timeout=1))


def test_timeout_over_limit_is_invalid_config(ctx: NodeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match=r"config\.timeout"):
        run(ctx, "code", code("def main(input):\n    return 1\n", timeout=5000))


def test_context_runner_is_used_instead_of_local_sandbox(ctx: NodeContext) -> None:
    seen: list[CodeRequest] = []

    def runner(request: CodeRequest, _task: object) -> Any:
        from deca.sandbox import CodeResult

        seen.append(request)
        return CodeResult(result="remote", duration_ms=3)

    ctx.services["code_runner"] = runner
    out = run(ctx, "code", code("def main(input):\n    return 1\n", {"a": 1}))
    assert (out["result"], out["duration_ms"], seen[0].input) == ("remote", 3, {"a": 1})


class FakeLambda:
    """A boto3 Lambda client stand-in answering one invoke with a payload (and maybe a FunctionError)."""

    def __init__(self, payload: Any, function_error: str | None = None) -> None:
        self.payload = payload
        self.function_error = function_error
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        answer: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(self.payload).encode())}
        if self.function_error:
            answer["FunctionError"] = self.function_error
        return answer


def test_lambda_runner_sends_a_code_run_event() -> None:
    client = FakeLambda({"result": 2, "logs": "", "duration_ms": 5, "layers": ["rlimits"]})
    task = make_task("code", {}, node_id="calc")
    result = LambdaCodeRunner(client, "runner")(CodeRequest(language="python", source="x", input=1), task)
    sent = json.loads(client.calls[0]["Payload"])
    assert (result.result, client.calls[0]["FunctionName"], sent["node_id"], sent["request"]["input"]) == (
        2,
        "runner",
        "calc",
        1,
    )


def test_lambda_runner_raises_the_named_error_again() -> None:
    client = FakeLambda({"errorType": "CodeTimeout", "errorMessage": "ran longer than 1 s"}, "Unhandled")
    with pytest.raises(CodeTimeout, match="ran longer than 1 s"):
        LambdaCodeRunner(client, "runner")(CodeRequest(language="python", source="x"), make_task("code", {}))


def test_lambda_runner_unknown_failure_is_sandbox_error() -> None:
    client = FakeLambda({"errorType": "Runtime.ExitError", "errorMessage": "killed"}, "Unhandled")
    with pytest.raises(SandboxError, match=r"Runtime\.ExitError: killed"):
        LambdaCodeRunner(client, "runner")(CodeRequest(language="python", source="x"), make_task("code", {}))


def test_javascript_runs_in_the_sandbox_too(ctx: NodeContext) -> None:
    config = {
        "language": "javascript",
        "source": "function main(input) { return input.map(x => x * 2); }",
        "input": [1, 2],
    }
    assert run(ctx, "code", config)["result"] == [2, 4]
