"""A short run of the webhook load benchmark against `deca dev`, in one process and in three sharing the
port (as the benchmark runs it): every call accepted once, every execution finished with the right output.
Correctness only: speed is measured by `benchmarks/webhook_load.py`."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.webhook_load import run_load
from tests.e2e.studio_process import free_port, start_studio, stop_studio

CLIENTS = 20
EXECUTIONS = 300
REPLAYS = 30


@pytest.mark.parametrize("workers", [1, 3])
def test_concurrent_webhook_calls_each_start_one_execution_that_succeeds(
    tmp_path: Path, workers: int
) -> None:
    # Given the studio with the benchmark's 5-node webhook flow
    studio = start_studio(tmp_path / "deca-data", free_port(), workers=workers)
    try:
        # When 20 clients send 300 webhook calls at once, 30 of them are sent again with the same
        # Idempotency-Key, and every execution is waited for
        report = run_load(
            studio, executions=EXECUTIONS, clients=CLIENTS, replays=REPLAYS, deadline_seconds=120
        )
    finally:
        stop_studio(studio)

    # Then each call was accepted once and ran once, to the output its body asks for; a repeat got the
    # first call's execution and started nothing
    assert dict(report.errors) == {}
    assert sorted(report.accepted) == list(range(EXECUTIONS))
    assert len(set(report.accepted.values())) == EXECUTIONS
    assert report.lost == []
    assert report.duplicates == 0
    assert dict(report.statuses) == {"succeeded": EXECUTIONS}
    assert report.wrong_outputs == 0
    assert (report.replayed, report.replay_mismatches) == (REPLAYS, 0)
    assert len(report.latencies_ms) == EXECUTIONS
