"""The function Lambda handler in-process: the latest version from the SQLite function store, sandboxed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deca import wiring
from deca.deca_data.errors import FunctionNotFound
from deca.stores.models import FunctionRecord, FunctionVersion
from functions.nodes import function
from tests.fakes.node_runs import data_lambda_wiring
from tests.layers.integrations.lambda_env import WORKSPACE, FakeLambdaContext, lambda_event


@pytest.fixture(autouse=True)
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with data_lambda_wiring(tmp_path, monkeypatch):
        yield


def test_runs_the_latest_version() -> None:
    functions = wiring.stores().functions
    functions.create(WORKSPACE, FunctionRecord(workspace_id=WORKSPACE, function_id="inc", name="inc"))
    source = "def main(input):\n    return input + 1\n"
    functions.add_version(
        WORKSPACE, FunctionVersion(workspace_id=WORKSPACE, function_id="inc", version=1, source=source)
    )
    out = function.lambda_handler(
        lambda_event("function", {"function_id": "inc", "input": 1}), FakeLambdaContext()
    )
    assert (out["result"], out["version"]) == (2, 1)


def test_unknown_function_is_function_not_found() -> None:
    with pytest.raises(FunctionNotFound):
        function.lambda_handler(lambda_event("function", {"function_id": "nope"}), FakeLambdaContext())
