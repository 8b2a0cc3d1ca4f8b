"""Thin ctypes access to the Linux calls the child needs (prctl); absent elsewhere."""

from __future__ import annotations

import ctypes
import sys

__all__ = ["PR_SET_DUMPABLE", "PR_SET_NO_NEW_PRIVS", "PR_SET_SECCOMP", "libc", "prctl", "set_non_dumpable"]

PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38


_LIBC: list[ctypes.CDLL | None] = []


def libc() -> ctypes.CDLL | None:
    """The C library with errno tracking, or None off Linux (loaded once)."""
    if not _LIBC:
        # The running interpreter's own symbols include libc; find_library would spawn ldconfig.
        try:
            _LIBC.append(ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None)
        except OSError:
            _LIBC.append(None)
    return _LIBC[0]


def prctl(option: int, arg2: int | ctypes.c_void_p = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> bool:
    """Call prctl(2); True on success."""
    lib = libc()
    if lib is None:
        return False
    arg = arg2 if isinstance(arg2, ctypes.c_void_p) else ctypes.c_ulong(arg2)
    return int(lib.prctl(option, arg, ctypes.c_ulong(arg3), ctypes.c_ulong(arg4), ctypes.c_ulong(arg5))) == 0


def set_non_dumpable() -> bool:
    """Make /proc/<pid>/mem, environ and ptrace of this process unavailable to same-uid processes."""
    return prctl(PR_SET_DUMPABLE, 0)
