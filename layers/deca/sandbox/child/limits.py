"""Process resource limits the child sets on itself before it touches user code."""

from __future__ import annotations

import resource

__all__ = ["apply_limits"]


def apply_limits(*, cpu_seconds: int, memory_bytes: int, file_bytes: int, open_files: int) -> None:
    """Set CPU, address space, file size, open files, processes and core-file limits of this process.

    Soft equals hard, so the code cannot raise them again. No processes at all: the kernel does not
    enforce that for uid 0, which is why seccomp denies fork and clone as well.
    """
    # SIGXCPU at the soft limit, SIGKILL one second later if it is ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    _set(resource.RLIMIT_AS, memory_bytes)
    _set(resource.RLIMIT_FSIZE, file_bytes)
    _set(resource.RLIMIT_NOFILE, open_files)
    _set(resource.RLIMIT_NPROC, 0)
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_MEMLOCK, 0)
    if hasattr(resource, "RLIMIT_MSGQUEUE"):
        _set(resource.RLIMIT_MSGQUEUE, 0)


def _set(which: int, value: int) -> None:
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))
