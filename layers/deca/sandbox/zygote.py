"""Pre-forked zygotes: the fast path of `run_code`, one fresh forked child per run.

A zygote (see child/zygote.py) is started once per (language, isolation, tmp root) under the same
OS layers as a cold child (bubblewrap, unprivileged user, scrubbed environment), imports what runs
need, and then forks one child per run; it never runs user code itself. Here the parent side: start
it, hand it a run (a private directory and three pipes), pump the pipes with the cold path's `Pump`,
kill the run at its deadline through a pidfd and read how it ended. Between runs the zygote's
directory is emptied, so nothing a run wrote reaches the next one. A zygote that died is restarted on
the next run; one that cannot start makes `run_in_zygote` return None (the caller runs cold) and is
tried again after a while. A zygote is retired after `MAX_RUNS` runs (a fresh address-space layout).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import marshal
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deca.sandbox.child.protocol import ZYGOTE_READY
from deca.sandbox.isolation import Isolation, child_env, seen_from_child, zygote_command
from deca.sandbox.process import ProcessResult, Pump

__all__ = [
    "MAX_RUNS",
    "MAX_ZYGOTES",
    "Zygote",
    "ZygoteKey",
    "ZygoteUnavailable",
    "live_zygotes",
    "run_in_zygote",
    "shutdown",
]

logger = logging.getLogger(__name__)

MAX_RUNS = 500  # runs per zygote before it is replaced
MAX_ZYGOTES = 4  # zygotes kept alive at once (least recently used ones are stopped)
_START_TIMEOUT = 10.0
_REPLY_TIMEOUT = 5.0
_RETRY_AFTER = 30.0
_MAX_MESSAGE = 64 * 1024
_RUN_PREFIX = "run-"


class ZygoteUnavailable(Exception):
    """The zygote could not start or take this run; no user code ran (the caller runs cold)."""


@dataclass(frozen=True)
class ZygoteKey:
    """What a zygote is specific to."""

    language: str
    isolation: Isolation
    tmp_root: Path | None


class Zygote:
    """One running zygote and its private directory; one run at a time (hold `lock`)."""

    def __init__(self, key: ZygoteKey) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.runs = 0
        self.broken = False
        self.root = Path(tempfile.mkdtemp(prefix="deca-sandbox-zygote-", dir=key.tmp_root))
        try:
            os.chmod(self.root, 0o711)  # runs may enter their own directory, never list the others
            self.sock, self.proc = self._start()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _start(self) -> tuple[socket.socket, subprocess.Popen[bytes]]:
        isolation = self.key.isolation
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            proc = subprocess.Popen(
                zygote_command(isolation, self.root, theirs.fileno(), self.key.language),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=child_env(isolation, self.root),
                cwd=self.root,
                start_new_session=True,
                pass_fds=(theirs.fileno(),),
                user=isolation.user,
                group=isolation.user,
                extra_groups=[] if isolation.user is not None else None,
            )
        except OSError as exc:
            ours.close()
            raise ZygoteUnavailable(f"the zygote did not start: {exc}") from exc
        finally:
            theirs.close()
        ours.settimeout(_START_TIMEOUT)
        try:
            hello = ours.recv(_MAX_MESSAGE)
        except OSError:
            hello = b""
        if hello != ZYGOTE_READY:
            ours.close()
            _stop(proc)
            raise ZygoteUnavailable("the zygote did not report ready")
        return ours, proc

    @property
    def alive(self) -> bool:
        """False once the zygote exited or broke its protocol."""
        return not self.broken and self.proc.poll() is None

    def run(self, payload: bytes, *, timeout: float, max_stdout: int, max_stderr: int) -> ProcessResult:
        """Run one request in a fresh child of the zygote; raises ZygoteUnavailable before it started."""
        try:
            workdir = Path(tempfile.mkdtemp(prefix=_RUN_PREFIX, dir=self.root))
            if self.key.isolation.user is not None:
                os.chown(workdir, self.key.isolation.user, self.key.isolation.user)
        except OSError as exc:  # its directory was removed under it
            self.broken = True
            raise ZygoteUnavailable(f"the zygote's directory is unusable: {exc}") from exc
        try:
            return self._run(workdir, payload, timeout, max_stdout, max_stderr)
        finally:
            self._sweep()
            self.runs += 1

    def _run(
        self, workdir: Path, payload: bytes, timeout: float, max_stdout: int, max_stderr: int
    ) -> ProcessResult:
        started = time.monotonic()
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        try:
            request = marshal.dumps({"cwd": seen_from_child(self.key.isolation, self.root, workdir)})
            pidfd = self._hand_over(request, [stdin_r, stdout_w, stderr_w])
        except BaseException:
            for fd in (stdin_w, stdout_r, stderr_r):
                os.close(fd)
            raise
        finally:
            for fd in (stdin_r, stdout_w, stderr_w):
                os.close(fd)
        pump = Pump(
            stdin_w, stdout_r, stderr_r, payload, max_stdout=max_stdout, max_stderr=max_stderr, exit_fd=pidfd
        )
        try:
            timed_out = pump.run(deadline=started + timeout)
        except BaseException:
            self.broken = True  # its exit status is left unread: this zygote takes no further run
            raise
        finally:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)  # no-op once it exited
            pump.close()  # closes the pidfd
            for fd in (stdin_w, stdout_r, stderr_r):
                with contextlib.suppress(OSError):
                    os.close(fd)
        returncode = self._exit_code()
        return ProcessResult(
            returncode=returncode,
            stdout=pump.stdout,
            stderr=pump.stderr(),
            timed_out=timed_out,
            stdout_overflow=pump.overflow,
            duration=time.monotonic() - started,
        )

    def _hand_over(self, request: bytes, fds: list[int]) -> int:
        """Send the run to the zygote; the pidfd of the child it forked."""
        try:
            self.sock.settimeout(_REPLY_TIMEOUT)
            socket.send_fds(self.sock, [request], fds)
            message, pidfds, _flags, _address = socket.recv_fds(self.sock, _MAX_MESSAGE, 1)
        except OSError as exc:
            self.broken = True
            raise ZygoteUnavailable(f"the zygote did not take the run: {exc}") from exc
        if len(pidfds) != 1 or not message:
            for fd in pidfds:
                os.close(fd)
            self.broken = True
            raise ZygoteUnavailable("the zygote did not start the run")
        return pidfds[0]

    def _exit_code(self) -> int:
        """How the child ended, as reported by the zygote (a negative signal number when killed)."""
        try:
            self.sock.settimeout(_REPLY_TIMEOUT)
            reply: dict[str, Any] = marshal.loads(self.sock.recv(_MAX_MESSAGE))
            status = int(reply["status"])
        except (OSError, EOFError, ValueError, TypeError, KeyError) as exc:
            self.broken = True
            logger.warning("sandbox zygote lost a run's exit status", extra={"error": str(exc)})
            return -signal.SIGKILL
        if reply.get("tainted"):
            self.broken = True  # something of the run outlived it: the zygote exits with it
        return os.waitstatus_to_exitcode(status)

    def _sweep(self) -> None:
        """Empty the zygote's directory: nothing a run wrote, anywhere it could write, survives it."""
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            self.broken = True
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)

    def close(self) -> None:
        """Stop the zygote and remove its directory."""
        self.broken = True
        with contextlib.suppress(OSError):
            self.sock.close()
        _stop(self.proc)
        shutil.rmtree(self.root, ignore_errors=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class _Pool:
    """The live zygotes, least recently used first, and the keys whose zygote failed to start."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.zygotes: OrderedDict[ZygoteKey, Zygote] = OrderedDict()
        self.failed: dict[ZygoteKey, float] = {}

    def acquire(self, key: ZygoteKey) -> Zygote | None:
        """A live zygote for `key` with its lock held, or None (busy, or cannot start)."""
        with self.lock:
            zygote = self.zygotes.get(key)
            if zygote is not None and not zygote.alive and zygote.lock.acquire(blocking=False):
                del self.zygotes[key]
                zygote.close()
                zygote.lock.release()
                zygote = None
            if zygote is None:
                zygote = self._start(key)
                if zygote is None:
                    return None
            self.zygotes.move_to_end(key)
            self._evict()
            return zygote if zygote.lock.acquire(blocking=False) else None

    def _start(self, key: ZygoteKey) -> Zygote | None:
        if time.monotonic() < self.failed.get(key, 0.0):
            return None
        try:
            zygote = Zygote(key)
        except (ZygoteUnavailable, OSError) as exc:
            logger.warning("sandbox zygote unavailable, running cold", extra={"error": str(exc)})
            self.failed[key] = time.monotonic() + _RETRY_AFTER
            return None
        self.failed.pop(key, None)
        self.zygotes[key] = zygote
        return zygote

    def _evict(self) -> None:
        for key, zygote in list(self.zygotes.items())[: max(len(self.zygotes) - MAX_ZYGOTES, 0)]:
            if zygote.lock.acquire(blocking=False):
                del self.zygotes[key]
                zygote.close()
                zygote.lock.release()

    def release(self, key: ZygoteKey, zygote: Zygote) -> None:
        """Give the zygote back; retire it when it broke or served its runs."""
        if zygote.alive and zygote.runs < MAX_RUNS:
            zygote.lock.release()
            return
        with self.lock:
            if self.zygotes.get(key) is zygote:
                del self.zygotes[key]
        zygote.close()
        zygote.lock.release()

    def shutdown(self, tmp_root: Path | None = None) -> None:
        """Stop every zygote (only those of `tmp_root` when given)."""
        with self.lock:
            chosen = [k for k in self.zygotes if tmp_root is None or k.tmp_root == tmp_root]
            zygotes = [self.zygotes.pop(k) for k in chosen]
            self.failed = {
                k: t for k, t in self.failed.items() if tmp_root is not None and k.tmp_root != tmp_root
            }
        for zygote in zygotes:
            zygote.close()

    def forget(self) -> None:
        """In a forked copy of this process: drop the parent's zygotes without touching them."""
        self.lock = threading.Lock()
        self.zygotes = OrderedDict()
        self.failed = {}


_POOL = _Pool()
os.register_at_fork(after_in_child=_POOL.forget)
atexit.register(_POOL.shutdown)


def run_in_zygote(
    key: ZygoteKey, payload: bytes, *, timeout: float, max_stdout: int, max_stderr: int
) -> ProcessResult | None:
    """Run one request through the zygote for `key`; None when none is available (no code ran)."""
    zygote = _POOL.acquire(key)
    if zygote is None:
        return None
    try:
        return zygote.run(payload, timeout=timeout, max_stdout=max_stdout, max_stderr=max_stderr)
    except ZygoteUnavailable as exc:
        logger.warning(
            "sandbox zygote failed before the run started, running cold", extra={"error": str(exc)}
        )
        return None
    finally:
        _POOL.release(key, zygote)


def shutdown(tmp_root: Path | None = None) -> None:
    """Stop every zygote of this process (also done at exit), or only those of `tmp_root`."""
    _POOL.shutdown(tmp_root)


def live_zygotes() -> list[Zygote]:
    """The zygotes currently kept (for tests and the benchmark)."""
    with _POOL.lock:
        return list(_POOL.zygotes.values())
