"""Landlock: the child may only read the interpreter's files and write its own private directory.

An unprivileged Linux security module (kernel 5.13+) used when present, with or without
bubblewrap: it hides /proc (so not even a same-uid parent's environment is readable), the
repository and every other file; where the kernel supports it, it also denies TCP and signals or
abstract Unix sockets outside the sandbox. Paths are given by the parent.
"""

from __future__ import annotations

import ctypes
import os

from deca.sandbox.child.kernel import PR_SET_NO_NEW_PRIVS, libc, prctl

__all__ = ["restrict_paths"]

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # same on x86_64 and aarch64
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ABI1 = (1 << 13) - 1  # execute ... make_sym
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1
_READ_ONLY = _EXECUTE | _READ_FILE | _READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _abi() -> int:
    lib = libc()
    if lib is None:
        return 0
    version = int(lib.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION))
    return max(version, 0)


def _handled_fs(abi: int) -> int:
    handled = _FS_ABI1
    if abi >= 2:
        handled |= _FS_REFER
    if abi >= 3:
        handled |= _FS_TRUNCATE
    if abi >= 5:
        handled |= _FS_IOCTL_DEV
    return handled


def restrict_paths(read_only: list[str], writable: list[str]) -> bool:
    """Allow reading `read_only`, everything in `writable`, nothing else; True when enforced."""
    abi = _abi()
    lib = libc()
    if abi < 1 or lib is None:
        return False
    handled = _handled_fs(abi)
    attr = _RulesetAttr(handled, _NET_BIND_TCP | _NET_CONNECT_TCP if abi >= 4 else 0, 0)
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = int(lib.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0))
    if ruleset < 0:
        return False
    try:
        rules = [(p, _READ_ONLY) for p in read_only] + [(p, handled) for p in writable]
        for path, access in rules:
            _add_rule(lib, ruleset, path, access, handled)
        if not prctl(PR_SET_NO_NEW_PRIVS, 1):
            return False
        return int(lib.syscall(_SYS_RESTRICT_SELF, ruleset, 0)) == 0
    finally:
        os.close(ruleset)


def _add_rule(lib: ctypes.CDLL, ruleset: int, path: str, access: int, handled: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path that does not exist needs no rule
    try:
        if not os.path.isdir(path):
            # Directory-only rights on a file make the rule invalid.
            access &= _EXECUTE | _WRITE_FILE | _READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
        rule = _PathBeneath(access & handled, fd)
        lib.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(fd)
