"""Thin ctypes access to the Linux calls the child needs (prctl); absent elsewhere."""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = [
    "PR_SET_DUMPABLE",
    "PR_SET_NO_NEW_PRIVS",
    "PR_SET_SECCOMP",
    "drop_capabilities",
    "libc",
    "prctl",
    "set_non_dumpable",
]

PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
_CAPABILITY_VERSION_3 = 0x20080522
_LAST_CAPABILITY = 63


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


def drop_capabilities() -> bool:
    """Give up every capability of a root process (bounding, ambient, effective, permitted, inheritable).

    Uid 0 without capabilities cannot override file permissions, ptrace or read the memory and
    environment of non-dumpable processes. True when this process was root and now holds nothing.
    """
    lib = libc()
    number = _SYS_CAPSET.get(os.uname().machine)
    if lib is None or number is None or os.geteuid() != 0:
        return False
    for capability in range(_LAST_CAPABILITY + 1):
        prctl(PR_CAPBSET_DROP, capability)  # EINVAL past the kernel's last capability: ignored
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # two {effective, permitted, inheritable} words, all empty
    return int(lib.syscall(number, header, data)) == 0
