"""The zygote: a pre-started process that forks one fresh child per run and never runs user code itself.

Started once per (language, isolation) by the parent with `entry.py --zygote <fd> <language> <engine>`:
it imports the language's modules (and loads QuickJS) while nothing user-controlled exists, then
waits on its control socket. For each run the parent sends the run's directory and three pipe ends;
the zygote forks, the child detaches (new session, the pipes as fds 0-2, every other fd closed, its
own directory and environment) and serves exactly one request like a cold child (`main.main`: limits,
Landlock, seccomp, run, reply, exit). The zygote hands the parent a pidfd of the child, waits for it,
kills what is left of its process group and reports how it ended. Anything the child could have left
running (it cannot fork under seccomp) makes the zygote exit, so its namespace dies with it.
"""

from __future__ import annotations

import _socket
import contextlib
import marshal
import os
import sys

from deca.sandbox.child import kernel
from deca.sandbox.child.protocol import ZYGOTE_READY

# The zygote starts once, but its children must stay lean: no typing import at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

__all__ = ["serve"]

_MAX_MESSAGE: Final = 64 * 1024
_FD_SIZE: Final = 4  # sizeof(int) in SCM_RIGHTS data
_PR_SET_CHILD_SUBREAPER: Final = 36
_SIGKILL: Final = 9
_EXIT_SETUP_FAILED: Final = 70


def _preload(language: str, engine_path: str) -> None:
    """Import what a run of `language` needs, so each forked child starts with it in memory."""
    from deca.sandbox.child import (
        main,  # noqa: F401  # the lock-down and the request loop
        seccomp,
    )

    # What every lock-down builds the same way: the C library's functions and the seccomp program.
    lib = kernel.libc()
    for name in ("prctl", "syscall") if lib is not None else ():
        getattr(lib, name)  # ctypes resolves and caches the symbol on first access
    if seccomp.supported():
        seccomp.compiled_filter()

    if language == "python":
        from deca.sandbox.child import guard, pyexec  # noqa: F401

        for name in sorted(guard.ALLOWED_MODULES):
            __import__(name)
    else:
        from deca.sandbox.child import jsexec

        jsexec.load_engine(engine_path)


def _receive(sock: _socket.socket) -> tuple[bytes, list[int]] | None:
    """One request (message and passed fds), or None when the parent closed the socket."""
    space = _socket.CMSG_SPACE(3 * _FD_SIZE)
    message, ancillary, _flags, _address = sock.recvmsg(_MAX_MESSAGE, space)
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
            usable = len(data) - len(data) % _FD_SIZE
            fds += [int.from_bytes(data[i : i + _FD_SIZE], sys.byteorder) for i in range(0, usable, _FD_SIZE)]
    if not message:
        for fd in fds:
            os.close(fd)
        return None
    return message, fds


def _send(sock: _socket.socket, message: bytes, fds: list[int] | None = None) -> None:
    ancillary = []
    if fds:
        data = b"".join(fd.to_bytes(_FD_SIZE, sys.byteorder) for fd in fds)
        ancillary.append((_socket.SOL_SOCKET, _socket.SCM_RIGHTS, data))
    sock.sendmsg([message], ancillary)


def _become_run(message: bytes, fds: list[int]) -> None:
    """In the forked child: detach from the zygote, then serve exactly one request and exit."""
    try:
        run = marshal.loads(message)
        os.setsid()  # its own session and process group, killed as a whole after the run
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, 1 << 20)  # the control socket, the passed ends and anything else inherited
        os.chdir(run["cwd"])
        os.environ["HOME"] = os.environ["TMPDIR"] = run["cwd"]
        from deca.sandbox.child.main import main

        main()
    except BaseException:  # never return into the zygote's loop
        os._exit(_EXIT_SETUP_FAILED)
    os._exit(0)


def _reap_leftovers() -> bool:
    """Reap every exited descendant; True when some process is still alive (the zygote must go)."""
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG)
        except ChildProcessError:
            return False
        if info is None:
            return True


def serve(control_fd: int, language: str, engine_path: str) -> int:
    """Preload, say ready, then fork one child per request until the parent goes away."""
    sock = _socket.socket(fileno=control_fd)
    kernel.set_non_dumpable()
    # No parent-death signal: it fires when the *thread* that started the zygote ends. The zygote
    # leaves when the parent closes (or loses, by dying) the control socket.
    kernel.prctl(_PR_SET_CHILD_SUBREAPER, 1)  # orphans of a run come back here, not to init
    _preload(language, engine_path)
    sys.stdout.flush()
    _send(sock, ZYGOTE_READY)
    while True:
        request = _receive(sock)
        if request is None:
            return 0
        message, fds = request
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            return 1
        pid = os.fork()
        if pid == 0:
            _become_run(message, fds)
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        try:
            _send(sock, marshal.dumps({"pid": pid}), [pidfd])
        finally:
            os.close(pidfd)
        _pid, status = os.waitpid(pid, 0)
        with contextlib.suppress(OSError):  # an empty group is already gone
            os.killpg(pid, _SIGKILL)
        tainted = _reap_leftovers()
        _send(sock, marshal.dumps({"status": status, "tainted": tainted}))
        if tainted:
            return 1
