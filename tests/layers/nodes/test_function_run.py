"""function node run in-process: pinned or latest version from the function store, schemas, named errors."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from deca.deca_data.errors import FunctionNotFound
from deca.nodes.context import NodeContext
from deca.sandbox import CodeValidationError
from deca.stores.models import FunctionRecord, FunctionVersion
from tests.fakes.node_runs import data_context, run

SCHEMA_IN = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}


@pytest.fixture
def ctx() -> NodeContext:
    """A workspace with function `double`: v1 doubles `n`, v2 triples it (both with schemas)."""
    context = data_context()
    functions = context.stores.functions
    functions.create("ws-1", FunctionRecord(workspace_id="ws-1", function_id="double", name="double"))
    for number, factor in [(1, 2), (2, 3)]:
        version = FunctionVersion(
            workspace_id="ws-1",
            function_id="double",
            version=number,
            source=f"def main(input):\n    return {{'n': input['n'] * {factor}}}\n",
            input_schema=SCHEMA_IN,
            output_schema={"type": "object", "properties": {"n": {"type": "integer"}}},
        )
        functions.add_version("ws-1", version)
    return context


def call(ctx: NodeContext, **config: Any) -> dict[str, Any]:
    return run(ctx, "function", {"function_id": "double", **config})


def test_latest_version_runs_when_not_pinned(ctx: NodeContext) -> None:
    out = call(ctx, input={"n": 2})
    assert (out["success"], out["result"], out["version"]) == (True, {"n": 6}, 2)


def test_pinned_version_runs(ctx: NodeContext) -> None:
    assert call(ctx, input={"n": 2}, version=1)["result"] == {"n": 4}


def test_input_breaking_the_version_schema_is_code_validation_error(ctx: NodeContext) -> None:
    with pytest.raises(CodeValidationError):
        call(ctx, input={"n": "two"})


def test_node_input_schema_is_checked_too(ctx: NodeContext) -> None:
    with pytest.raises(CodeValidationError):
        call(ctx, input={"n": 2}, input_schema={"type": "object", "properties": {"n": {"maximum": 1}}})


def test_unknown_function_is_function_not_found(ctx: NodeContext) -> None:
    with pytest.raises(FunctionNotFound, match="function_id: function 'nope' not found"):
        run(ctx, "function", {"function_id": "nope"})


def test_unknown_version_is_function_not_found_naming_version(ctx: NodeContext) -> None:
    with pytest.raises(
        FunctionNotFound, match="version: function 'double' has no version 7 \\(latest is 2\\)"
    ):
        call(ctx, version=7)


def test_function_of_other_workspace_is_not_found(ctx: NodeContext) -> None:
    other = dataclasses.replace(ctx, workspace_id="ws-2")
    with pytest.raises(FunctionNotFound):
        run(other, "function", {"function_id": "double"}, workspace_id="ws-2")


def test_omitted_input_is_the_execution_input(ctx: NodeContext) -> None:
    assert run(ctx, "function", {"function_id": "double"}, input={"n": 5})["result"] == {"n": 15}


def test_result_breaking_the_output_schema_is_code_validation_error(ctx: NodeContext) -> None:
    ctx.stores.functions.create("ws-1", FunctionRecord(workspace_id="ws-1", function_id="liar", name="liar"))
    version = FunctionVersion(
        workspace_id="ws-1",
        function_id="liar",
        version=1,
        source="def main(input):\n    return {'n': 'not a number'}\n",
        output_schema={"type": "object", "properties": {"n": {"type": "integer"}}},
    )
    ctx.stores.functions.add_version("ws-1", version)
    with pytest.raises(CodeValidationError, match="output"):
        run(ctx, "function", {"function_id": "liar"})
