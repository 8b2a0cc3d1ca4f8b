"""A seccomp-bpf filter, built by hand: the syscalls user code never needs fail with EPERM.

No sockets (so no network, not even loopback), no fork/clone/exec, no ptrace or signals to other
processes, no namespace, mount, module, BPF, keyring or io_uring calls, no raising rlimits, no prctl, no
System V or POSIX message queue IPC (objects that would outlive the run, for a later run to find).
A process running another architecture's syscall ABI is killed. Numbers are per architecture.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys

from deca.sandbox.child.kernel import PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, prctl

__all__ = ["DENIED_SYSCALLS", "compiled_filter", "install_filter", "supported"]

DENIED_SYSCALLS = (
    "socket", "socketpair", "connect", "accept", "accept4", "bind", "listen",
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    "ptrace", "process_vm_readv", "process_vm_writev", "kill", "tkill",
    "mount", "umount2", "unshare", "setns", "chroot", "pivot_root",
    "open_tree", "move_mount", "fsopen", "fsmount", "fspick", "open_by_handle_at", "name_to_handle_at",
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "personality", "reboot", "swapon", "swapoff", "acct", "quotactl", "mknod", "mknodat",
    "setrlimit", "prlimit64", "prctl", "seccomp", "settimeofday", "clock_settime", "adjtimex",
    "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semtimedop", "semctl",
    "msgget", "msgsnd", "msgrcv", "msgctl",
    "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
)  # fmt: skip

_X86_64 = {
    "socket": 41, "socketpair": 53, "connect": 42, "accept": 43, "accept4": 288, "bind": 49, "listen": 50,
    "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "execve": 59, "execveat": 322,
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kill": 62, "tkill": 200,
    "mount": 165, "umount2": 166, "unshare": 272, "setns": 308, "chroot": 161, "pivot_root": 155,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432, "fspick": 433,
    "open_by_handle_at": 304, "name_to_handle_at": 303,
    "bpf": 321, "perf_event_open": 298, "keyctl": 250, "add_key": 248, "request_key": 249, "userfaultfd": 323,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246, "kexec_file_load": 320,
    "personality": 135, "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163, "quotactl": 179,
    "mknod": 133, "mknodat": 259, "setrlimit": 160, "prlimit64": 302, "prctl": 157, "seccomp": 317,
    "settimeofday": 164, "clock_settime": 227, "adjtimex": 159,
    "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67, "semget": 64, "semop": 65, "semtimedop": 220,
    "semctl": 66, "msgget": 68, "msgsnd": 69, "msgrcv": 70, "msgctl": 71,
    "mq_open": 240, "mq_unlink": 241, "mq_timedsend": 242, "mq_timedreceive": 243, "mq_notify": 244,
    "mq_getsetattr": 245,
}  # fmt: skip
_AARCH64 = {
    "socket": 198, "socketpair": 199, "connect": 203, "accept": 202, "accept4": 242, "bind": 200, "listen": 201,
    "clone": 220, "clone3": 435, "execve": 221, "execveat": 281,
    "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kill": 129, "tkill": 130,
    "mount": 40, "umount2": 39, "unshare": 97, "setns": 268, "chroot": 51, "pivot_root": 41,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432, "fspick": 433,
    "open_by_handle_at": 265, "name_to_handle_at": 264,
    "bpf": 280, "perf_event_open": 241, "keyctl": 219, "add_key": 217, "request_key": 218, "userfaultfd": 282,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294,
    "personality": 92, "reboot": 142, "swapon": 224, "swapoff": 225, "acct": 89, "quotactl": 60,
    "mknodat": 33, "setrlimit": 164, "prlimit64": 261, "prctl": 167, "seccomp": 277,
    "settimeofday": 170, "clock_settime": 112, "adjtimex": 171,
    "shmget": 194, "shmat": 196, "shmctl": 195, "shmdt": 197, "semget": 190, "semop": 193, "semtimedop": 192,
    "semctl": 191, "msgget": 186, "msgsnd": 189, "msgrcv": 188, "msgctl": 187,
    "mq_open": 180, "mq_unlink": 181, "mq_timedsend": 182, "mq_timedreceive": 183, "mq_notify": 184,
    "mq_getsetattr": 185,
}  # fmt: skip

# (AUDIT_ARCH_*, syscall table, lowest number of a foreign ABI multiplexed on this one or None)
_ARCHES = {
    "x86_64": (0xC000003E, _X86_64, 0x40000000),  # x32 syscalls carry bit 30
    "aarch64": (0xC00000B7, _AARCH64, None),
}

_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_JGE_K = 0x35
_BPF_RET_K = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO_EPERM = 0x00050000 | 1
_RET_KILL_PROCESS = 0x80000000
_SECCOMP_MODE_FILTER = 2
_OFFSET_NR, _OFFSET_ARCH = 0, 4


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def supported() -> bool:
    """True on a Linux architecture this module has a syscall table for."""
    return sys.platform.startswith("linux") and os.uname().machine in _ARCHES


def _program() -> list[tuple[int, int, int, int]]:
    audit_arch, table, foreign_base = _ARCHES[os.uname().machine]
    denied = sorted({table[name] for name in DENIED_SYSCALLS if name in table})
    prog = [
        (_BPF_LD_W_ABS, 0, 0, _OFFSET_ARCH),
        (_BPF_JEQ_K, 1, 0, audit_arch),
        (_BPF_RET_K, 0, 0, _RET_KILL_PROCESS),
        (_BPF_LD_W_ABS, 0, 0, _OFFSET_NR),
    ]
    if foreign_base is not None:
        prog += [(_BPF_JGE_K, 0, 1, foreign_base), (_BPF_RET_K, 0, 0, _RET_KILL_PROCESS)]
    for nr in denied:
        prog += [(_BPF_JEQ_K, 0, 1, nr), (_BPF_RET_K, 0, 0, _RET_ERRNO_EPERM)]
    prog.append((_BPF_RET_K, 0, 0, _RET_ALLOW))
    return prog


_COMPILED: list[bytes] = []


def compiled_filter() -> bytes:
    """The filter as the kernel reads it (built once: a zygote builds it before it forks any run)."""
    if not _COMPILED:
        _COMPILED.append(b"".join(struct.pack("=HBBI", *ins) for ins in _program()))
    return _COMPILED[0]


def install_filter() -> bool:
    """Install the filter on this process (and anything it could start); True when it is active."""
    if not supported():
        return False
    raw = compiled_filter()
    buffer = ctypes.create_string_buffer(raw, len(raw))
    fprog = _SockFprog(len(raw) // struct.calcsize("=HBBI"), ctypes.cast(buffer, ctypes.c_void_p))
    if not prctl(PR_SET_NO_NEW_PRIVS, 1):
        return False
    return prctl(PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog))
