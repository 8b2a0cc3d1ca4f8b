"""Process resource limits the child sets on itself before it touches user code."""

from __future__ import annotations

import resource
from dataclasses import dataclass

__all__ = ["ProcessLimits", "apply_limits"]


@dataclass(frozen=True)
class ProcessLimits:
    """Hard limits of one run (soft equals hard, so the code cannot raise them again)."""

    cpu_seconds: int
    memory_bytes: int
    file_bytes: int
    open_files: int
    processes: int = 0  # no fork at all (not enforced for uid 0 by the kernel: seccomp covers that case)


def apply_limits(limits: ProcessLimits) -> None:
    """Set CPU, address space, file size, open files, processes and core-file limits of this process."""
    # SIGXCPU at the soft limit, SIGKILL one second later if it is ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    _set(resource.RLIMIT_AS, limits.memory_bytes)
    _set(resource.RLIMIT_FSIZE, limits.file_bytes)
    _set(resource.RLIMIT_NOFILE, limits.open_files)
    _set(resource.RLIMIT_NPROC, limits.processes)
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_MEMLOCK, 0)
    if hasattr(resource, "RLIMIT_MSGQUEUE"):
        _set(resource.RLIMIT_MSGQUEUE, 0)


def _set(which: int, value: int) -> None:
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))
