"""The process supervisor: process-group kill, wall-clock deadline, capped pipes, and how deaths map to outcomes."""

from __future__ import annotations

import os
import select
import signal
import textwrap
from pathlib import Path

import pytest

from deca.sandbox import (
    CodeRequest,
    CodeResourceLimit,
    CodeSandboxViolation,
    CodeTimeout,
    Isolation,
    SandboxError,
    SandboxLimits,
)
from deca.sandbox.process import ProcessResult, run_process
from deca.sandbox.runner import _result


def _python(python: str, script: str) -> list[str]:
    return [python, "-I", "-S", "-c", textwrap.dedent(script)]


def _ends_within(pid: int, seconds: float) -> bool:
    """Wait (on a pidfd, not a sleep) until `pid` has exited; True when it did in time."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def test_background_process_does_not_survive_the_run(python: str, tmp_path: Path) -> None:
    # Given a child that starts a long sleep in the background and exits at once
    script = """
    import subprocess, sys
    p = subprocess.Popen(["sleep", "60"])
    sys.stdout.write(str(p.pid))
    """
    # When the run ends
    result = run_process(
        _python(python, script), b"", env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path, timeout=5,
        max_stdout=1024, max_stderr=1024,
    )  # fmt: skip
    # Then the background process was killed with the group
    assert _ends_within(int(result.stdout), 5)


def test_deadline_kills_a_child_that_never_ends(python: str, tmp_path: Path) -> None:
    result = run_process(
        _python(python, "import time\ntime.sleep(60)"), b"", env={}, cwd=tmp_path, timeout=0.5,
        max_stdout=1024, max_stderr=1024,
    )  # fmt: skip
    assert result.timed_out
    assert result.duration < 3


def test_output_over_the_cap_stops_the_run(python: str, tmp_path: Path) -> None:
    script = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)"
    result = run_process(
        _python(python, script), b"", env={}, cwd=tmp_path, timeout=10, max_stdout=100_000, max_stderr=1024
    )
    assert result.stdout_overflow
    assert len(result.stdout) <= 100_001
    assert not result.timed_out


def test_large_input_goes_through_the_pipe(python: str, tmp_path: Path) -> None:
    data = b"y" * (3 * 1024 * 1024)
    script = "import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read())"
    result = run_process(
        _python(python, script), data, env={}, cwd=tmp_path, timeout=10, max_stdout=len(data), max_stderr=1024
    )
    assert result.stdout == data


@pytest.mark.parametrize(
    ("returncode", "expected"),
    [
        (-signal.SIGSYS, CodeSandboxViolation),
        (-signal.SIGXCPU, CodeTimeout),
        (-signal.SIGALRM, CodeTimeout),
        (-signal.SIGKILL, CodeResourceLimit),
        (-signal.SIGSEGV, CodeResourceLimit),
        (-signal.SIGXFSZ, CodeResourceLimit),
        (1, SandboxError),
    ],
    ids=["sigsys", "sigxcpu", "sigalrm", "sigkill", "sigsegv", "sigxfsz", "exit_1"],
)
def test_a_child_dying_without_a_reply_maps_to_an_outcome(
    isolation: Isolation, returncode: int, expected: type[Exception]
) -> None:
    died = ProcessResult(returncode, b"", b"", timed_out=False, stdout_overflow=False, duration=0.1)
    request = CodeRequest(language="python", source="def main(input):\n    pass")
    with pytest.raises(expected) as caught:
        _result(died, request, SandboxLimits(), replace_bubblewrap(isolation))
    assert type(caught.value) is expected


def test_bubblewrap_exit_status_of_a_killed_child_maps_like_a_signal(isolation: Isolation) -> None:
    died = ProcessResult(128 + signal.SIGKILL, b"", b"", timed_out=False, stdout_overflow=False, duration=0.1)
    request = CodeRequest(language="python", source="def main(input):\n    pass")
    with pytest.raises(CodeResourceLimit):
        _result(
            died, request, SandboxLimits(), Isolation(isolation.python, None, bubblewrap="/usr/bin/bwrap")
        )


def test_a_garbled_reply_is_not_taken_as_a_result(isolation: Isolation) -> None:
    garbled = ProcessResult(0, b'{"status": "ok", "result_json": ', b"", False, False, 0.1)
    request = CodeRequest(language="python", source="def main(input):\n    pass")
    with pytest.raises(SandboxError):
        _result(garbled, request, SandboxLimits(), replace_bubblewrap(isolation))


def replace_bubblewrap(isolation: Isolation) -> Isolation:
    """The isolation without bubblewrap, so exit statuses above 128 are plain exit codes."""
    return Isolation(isolation.python, isolation.engine_path)
