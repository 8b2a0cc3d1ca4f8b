"""Runs one child process in its own process group with size-capped pipes and a wall-clock kill."""

from __future__ import annotations

import contextlib
import functools
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ProcessResult", "Pump", "kill_group", "run_process"]

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ProcessResult:
    """How the child ended and what it wrote (each stream capped)."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    stdout_overflow: bool
    duration: float


def kill_group(pgid: int) -> None:
    """SIGKILL every process of a process group (the child and anything it left behind)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run_process(
    argv: Sequence[str],
    stdin: bytes,
    *,
    env: Mapping[str, str],
    cwd: Path,
    timeout: float,
    max_stdout: int,
    max_stderr: int,
    user: int | None = None,
) -> ProcessResult:
    """Start `argv` in a new session, feed `stdin`, read both outputs up to their caps, then kill its group.

    The group is killed whatever happens, so no background process survives the run; the wall-clock
    deadline and an over-long stdout stop the run early.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
        close_fds=True,
        user=user,
        group=user,
        extra_groups=[] if user is not None else None,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    pump = Pump(
        proc.stdin.fileno(),
        proc.stdout.fileno(),
        proc.stderr.fileno(),
        stdin,
        max_stdout=max_stdout,
        max_stderr=max_stderr,
        exit_fd=_pidfd(proc.pid),
        pid=proc.pid,
        close_stdin=proc.stdin.close,
    )
    try:
        timed_out = pump.run(deadline=started + timeout)
    finally:
        kill_group(proc.pid)
        returncode = proc.wait()
        pump.close()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            with contextlib.suppress(OSError):
                stream.close()
    return ProcessResult(
        returncode=returncode,
        stdout=pump.stdout,
        stderr=pump.stderr(),
        timed_out=timed_out,
        stdout_overflow=pump.overflow,
        duration=time.monotonic() - started,
    )


class Pump:
    """Moves bytes between a child's pipes and memory until it exits, overflows or runs out of time.

    `exit_fd` becomes readable when the child has exited (a pidfd); without one, `pid` (a child of this
    process) is polled. The pipe ends are closed by `close`.
    """

    def __init__(
        self,
        stdin_fd: int,
        stdout_fd: int,
        stderr_fd: int,
        stdin: bytes,
        *,
        max_stdout: int,
        max_stderr: int,
        exit_fd: int | None,
        pid: int | None = None,
        close_stdin: Callable[[], None] | None = None,
    ) -> None:
        self.pid = pid
        self.close_stdin = close_stdin or functools.partial(os.close, stdin_fd)
        self.fds = (stdin_fd, stdout_fd, stderr_fd)
        self.pending = memoryview(stdin)
        self.caps = {1: max_stdout, 2: max_stderr}
        self.out: dict[int, bytearray] = {1: bytearray(), 2: bytearray()}
        self.overflow = False
        self.selector = selectors.DefaultSelector()
        self.exit_fd = exit_fd
        for key, fd in ((1, stdout_fd), (2, stderr_fd)):
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ, key)
        os.set_blocking(stdin_fd, False)
        self.selector.register(stdin_fd, selectors.EVENT_WRITE, 0)
        if self.exit_fd is not None:
            self.selector.register(self.exit_fd, selectors.EVENT_READ, -1)

    @property
    def stdout(self) -> bytes:
        """What the child wrote to stdout (up to its cap plus one byte)."""
        return bytes(self.out[1])

    def stderr(self) -> bytes:
        """What the child wrote to stderr, capped."""
        return bytes(self.out[2])[: self.caps[2]]

    def run(self, deadline: float) -> bool:
        """Pump until the child exits (True returned when the deadline passed first)."""
        exited = False
        while not exited and not self.overflow:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            wait = remaining if self.exit_fd is not None else min(remaining, 0.005)
            for key, _events in self.selector.select(wait):
                exited = self._handle(key.data, key.fd) or exited
            if self.exit_fd is None:
                exited = exited or self._exited_without_reaping()
        self._drain()
        return False

    def _handle(self, data: int, fd: int) -> bool:
        if data == -1:
            return True
        if data == 0:
            self._write(fd)
        else:
            self._read(data, fd)
        return False

    def _write(self, fd: int) -> None:
        try:
            written = os.write(fd, self.pending[:_CHUNK])
        except (BrokenPipeError, BlockingIOError) as exc:
            if isinstance(exc, BlockingIOError):
                return
            written = len(self.pending)
        self.pending = self.pending[written:]
        if not self.pending:
            self.selector.unregister(fd)
            self.close_stdin()

    def _read(self, key: int, fd: int) -> bool:
        """Read one chunk; True when more may follow and the stream is still under its cap."""
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            return False
        if not chunk:
            self.selector.unregister(fd)
            return False
        buffer = self.out[key]
        room = self.caps[key] + 1 - len(buffer)
        buffer += chunk[: max(room, 0)]
        if key == 1 and len(buffer) > self.caps[1]:
            self.overflow = True
        return len(buffer) <= self.caps[key]

    def _drain(self) -> None:
        # The child has exited: whatever it wrote is already in the pipes.
        for key, fd in ((1, self.fds[1]), (2, self.fds[2])):
            with contextlib.suppress(KeyError, ValueError):
                self.selector.get_key(fd)
                while self._read(key, fd):
                    pass

    def _exited_without_reaping(self) -> bool:
        if self.pid is None:
            return False
        try:
            info = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        return info is not None

    def close(self) -> None:
        """Release the selector and the exit fd (the pipe ends belong to whoever opened them)."""
        self.selector.close()
        if self.exit_fd is not None:
            os.close(self.exit_fd)
            self.exit_fd = None


def _pidfd(pid: int) -> int | None:
    # A pidfd becomes readable when the process exits, without reaping it: the process group stays
    # valid for the kill that follows.
    if not hasattr(os, "pidfd_open"):
        return None
    try:
        return os.pidfd_open(pid)
    except OSError:
        return None
