"""A process killed (SIGKILL) in the middle of an execution is resumed by another process."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from statemachines.runtime import FakeClock, Runtime
from tests.statemachines.runtime import _durable_child as child
from tests.statemachines.runtime.conformance import REPO_ROOT

pytestmark = pytest.mark.slow


def _spawn(mode: str, db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.statemachines.runtime._durable_child", mode, str(db)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _uninterrupted() -> tuple[dict[str, object], list[str]]:
    runtime = Runtime(tasks=child.registry(), clock=FakeClock())
    started = runtime.start(child.DEFINITION, {"input": 1}, name=child.NAME)
    token = runtime.tokens(started.execution_arn)[0]
    result = runtime.send_task_success(token, {"approved": True})
    return result.to_dict(), result.history_types()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_execution_resumes_in_a_new_process(tmp_path: Path) -> None:
    # Given an execution checkpointed to SQLite, sleeping in a Wait state in another process
    db = tmp_path / "executions.sqlite"
    first = _spawn("start", db)
    assert first.stdout is not None
    ready, _, _ = select.select([first.stdout], [], [], 30)
    assert ready, "the child never reported READY"
    assert first.stdout.readline().strip() == "READY"
    # When that process is killed without any chance to clean up
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    # Then a new process resumes it from the store to the same output and history as a clean run
    second = _spawn("resume", db)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    resumed = json.loads(out.strip().splitlines()[-1])
    expected_result, expected_types = _uninterrupted()
    assert resumed["result"] == expected_result
    assert resumed["types"] == expected_types
