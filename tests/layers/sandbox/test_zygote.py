"""The pre-forked zygote: runs are forked from it, share nothing with each other, and the runner survives
its death (restart) or absence (cold path)."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from deca.sandbox import (
    CodeRequest,
    CodeResult,
    CodeTimeout,
    Isolation,
    SandboxLimits,
    run_code,
    zygote,
)
from deca.sandbox.runner import _payload

Run = Callable[..., CodeResult]


def _zygote_for(language: str, isolation: Isolation, tmp_root: Path) -> zygote.Zygote:
    key = zygote.ZygoteKey(language, isolation, tmp_root)
    found = [z for z in zygote.live_zygotes() if z.key == key]
    assert len(found) == 1, "the run did not go through a zygote"
    return found[0]


@pytest.fixture
def own_root() -> Iterator[Path]:
    """A tmp root of its own, so the test's zygotes are its own; they are stopped afterwards."""
    root = Path(tempfile.mkdtemp(prefix="deca-sandbox-zygote-test-"))
    os.chmod(root, 0o755)
    yield root
    zygote.shutdown(root)
    assert not any(root.iterdir()), "a stopped zygote left its directory behind"
    root.rmdir()


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_runs_are_forked_from_one_zygote(
    run: Run, run_isolation: Isolation, tmp_root: Path, language: str
) -> None:
    source = {"python": "def main(input):\n    return input + 1", "javascript": "const main = (x) => x + 1;"}
    first = run(language, source[language], 1)
    found = _zygote_for(language, run_isolation, tmp_root)
    runs, pid = found.runs, found.proc.pid
    second = run(language, source[language], 2)
    assert (first.result, second.result) == (2, 3)
    assert (found.runs, found.proc.pid) == (runs + 1, pid)
    assert ("bubblewrap" in second.layers) is (run_isolation.bubblewrap is not None)


def test_forked_runs_do_not_share_random_state(run: Run) -> None:
    # Every child is a copy of the same zygote: each must still draw its own random numbers
    source = "import random, uuid\ndef main(input):\n    return [random.random(), str(uuid.uuid4())]"
    draws = [run("python", source).result for _ in range(3)]
    assert len({d[0] for d in draws}) == 3
    assert len({d[1] for d in draws}) == 3


def test_javascript_built_ins_start_clean_in_every_forked_run(run: Run) -> None:
    run(
        "javascript", "function main(input) { Object.prototype.polluted = 1; globalThis.kept = 2; return 0; }"
    )
    clean = run("javascript", "function main(input) { return [({}).polluted, typeof kept]; }")
    assert clean.result == [None, "undefined"]


def test_files_in_the_zygote_directory_are_swept_after_each_run(
    run: Run, run_isolation: Isolation, tmp_root: Path
) -> None:
    run("python", "def main(input):\n    return 0")
    found = _zygote_for("python", run_isolation, tmp_root)
    # Given files where a run without Landlock could write: the zygote's directory and a stale run folder
    (found.root / "left-for-the-next-run").write_text("x")
    (found.root / "run").mkdir()
    (found.root / "run" / "stale").write_text("x")
    # When the next run ends
    assert run("python", "def main(input):\n    return 1").result == 1
    # Then nothing of it is left
    assert list(found.root.iterdir()) == []


def test_a_dead_zygote_is_restarted(isolation: Isolation, own_root: Path) -> None:
    limits = SandboxLimits(tmp_root=own_root)
    request = CodeRequest(language="python", source="def main(input):\n    return input * 2", input=4)
    assert run_code(request, limits=limits, isolation=isolation).result == 8
    first = _zygote_for("python", isolation, own_root)
    os.killpg(first.proc.pid, signal.SIGKILL)
    first.proc.wait()
    assert run_code(request, limits=limits, isolation=isolation).result == 8
    second = _zygote_for("python", isolation, own_root)
    assert second is not first and second.proc.poll() is None
    assert not first.root.exists()


def test_without_a_zygote_the_run_is_cold(
    isolation: Isolation, own_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a zygote that never gets ready
    monkeypatch.setattr(zygote, "zygote_command", lambda *_args: ["/bin/true"])
    limits = SandboxLimits(tmp_root=own_root)
    request = CodeRequest(language="javascript", source="function main(x) { return x * 3; }", input=5)
    # When code runs
    result = run_code(request, limits=limits, isolation=isolation)
    # Then it ran cold, correctly, and no zygote or directory is left
    assert result.result == 15
    assert [z for z in zygote.live_zygotes() if z.key.tmp_root == own_root] == []
    assert list(own_root.iterdir()) == []


def test_the_parent_kills_a_run_at_its_deadline_and_the_zygote_carries_on(
    isolation: Isolation, own_root: Path
) -> None:
    # Given a run whose own alarm is far away (30 s) but whose wall-clock deadline is 0.5 s
    limits = SandboxLimits(tmp_root=own_root)
    sleeper = CodeRequest(
        language="python", source="import time\ndef main(input):\n    time.sleep(30)", timeout=30
    )
    key = zygote.ZygoteKey("python", isolation, own_root)
    result = zygote.run_in_zygote(
        key, _payload(sleeper, limits, isolation), timeout=0.5, max_stdout=1 << 16, max_stderr=1 << 12
    )
    # Then the parent killed it
    assert result is not None and result.timed_out and result.returncode == -signal.SIGKILL
    assert result.duration < 5
    # And the same zygote serves the next run
    found = _zygote_for("python", isolation, own_root)
    request = CodeRequest(language="python", source="def main(input):\n    return 'next'")
    assert run_code(request, limits=limits, isolation=isolation).result == "next"
    assert _zygote_for("python", isolation, own_root) is found


def test_a_timeout_through_the_zygote_is_a_code_timeout(run: Run) -> None:
    with pytest.raises(CodeTimeout):
        run("python", "def main(input):\n    while True:\n        pass", timeout=0.5)
    assert run("python", "def main(input):\n    return 'alive'").result == "alive"


def test_cold_runs_still_work(isolation: Isolation, own_root: Path) -> None:
    limits = replace(SandboxLimits(tmp_root=own_root), zygote=False)
    request = CodeRequest(language="python", source="def main(input):\n    return input", input=[1])
    assert run_code(request, limits=limits, isolation=isolation).result == [1]
    assert [z for z in zygote.live_zygotes() if z.key.tmp_root == own_root] == []


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_a_forked_run_holds_only_its_three_pipes(isolation: Isolation, own_root: Path) -> None:
    # Outside bubblewrap the run's pid is visible here; the zygote's control socket must not be open in it
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        pytest.skip("/proc/<pid>/task/<tid>/children is not available")
    plain = replace(isolation, bubblewrap=None)
    limits = SandboxLimits(tmp_root=own_root)
    warm = CodeRequest(language="python", source="def main(input):\n    return 0")
    run_code(warm, limits=limits, isolation=plain)
    found = _zygote_for("python", plain, own_root)
    sleeper = CodeRequest(
        language="python", source="import time\ndef main(input):\n    time.sleep(2)\n    return 1"
    )
    outcome: list[object] = []
    worker = threading.Thread(
        target=lambda: outcome.append(run_code(sleeper, limits=limits, isolation=plain))
    )
    worker.start()
    try:
        fds: dict[str, str] = {}
        deadline = time.monotonic() + 5
        tick = threading.Event()
        while not fds and time.monotonic() < deadline:
            for child in _children(found.proc.pid):
                with contextlib.suppress(OSError):
                    # Seccomp is the last layer the child installs: from then on only the user's code runs
                    if "Seccomp:\t2" in Path(f"/proc/{child}/status").read_text():
                        names = os.listdir(f"/proc/{child}/fd")
                        fds = {fd: os.readlink(f"/proc/{child}/fd/{fd}") for fd in names}
            tick.wait(0.01)
    finally:
        worker.join(10)
    assert sorted(fds) == ["0", "1", "2"], fds
    assert all(target.startswith("pipe:") for target in fds.values()), fds
    assert len(outcome) == 1 and isinstance(outcome[0], CodeResult) and outcome[0].result == 1


def test_a_zygote_outlives_the_thread_that_started_it(isolation: Isolation, own_root: Path) -> None:
    limits = SandboxLimits(tmp_root=own_root)
    request = CodeRequest(language="javascript", source="function main(x) { return x + 1; }", input=1)
    results: list[object] = []
    starter = threading.Thread(
        target=lambda: results.append(run_code(request, limits=limits, isolation=isolation))
    )
    starter.start()
    starter.join(30)
    found = _zygote_for("javascript", isolation, own_root)
    # The starting thread is gone; the zygote (and, under bubblewrap, its sandbox) still serves runs
    assert run_code(request, limits=limits, isolation=isolation).result == 2
    assert _zygote_for("javascript", isolation, own_root) is found and found.proc.poll() is None
    assert len(results) == 1


RUNNER_THAT_DIES = """
import os, signal, sys
sys.path.insert(0, {layers!r})
from deca.sandbox import CodeRequest, SandboxLimits, detect_isolation, run_code, zygote
from pathlib import Path
run_code(CodeRequest(language="python", source="def main(input):\\n    return 1"),
         limits=SandboxLimits(tmp_root=Path({root!r})), isolation=detect_isolation())
print(zygote.live_zygotes()[0].proc.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_zygote_exits_when_its_runner_dies(python: str, own_root: Path) -> None:
    layers = str(Path(zygote.__file__).resolve().parents[2])
    script = RUNNER_THAT_DIES.format(layers=layers, root=str(own_root))
    runner = subprocess.run([python, "-c", script], capture_output=True, timeout=60, check=False)
    assert runner.returncode == -signal.SIGKILL, runner.stderr.decode(errors="replace")
    pid = int(runner.stdout)
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        pidfd = None  # already gone
    if pidfd is not None:
        try:
            assert select.select([pidfd], [], [], 10)[0], "the zygote outlived its runner"
        finally:
            os.close(pidfd)
    # A killed runner cannot remove its zygote's directory; the run's own files were swept before
    (left,) = list(own_root.iterdir())
    assert list(left.iterdir()) == []
    left.rmdir()
