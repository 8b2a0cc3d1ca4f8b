"""Which OS layers this machine offers, found by probing once, and the command line that uses them.

Bubblewrap (no network, a read-only minimal filesystem, its own PID/IPC/UTS namespaces, a user
namespace) and dropping to an unprivileged uid are tried in turn: a layer is reported only when a
probe child actually started under it. Seccomp and the rlimits are reported by the child itself.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import marshal
import os
import shutil
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from deca.sandbox.child.kernel import set_non_dumpable
from deca.sandbox.child.protocol import STATUS_PONG
from deca.sandbox.process import run_process

__all__ = [
    "CHILD_ENTRY",
    "LAYER_BUBBLEWRAP",
    "LAYER_UNPRIVILEGED_USER",
    "NOBODY",
    "Isolation",
    "child_command",
    "child_env",
    "detect_isolation",
    "probe",
    "protect_runner_process",
    "read_paths",
    "seen_from_child",
    "zygote_command",
]

logger = logging.getLogger(__name__)

CHILD_ENTRY = Path(__file__).resolve().parent / "child" / "entry.py"
NOBODY = 65534
LAYER_BUBBLEWRAP = "bubblewrap"
LAYER_UNPRIVILEGED_USER = "unprivileged_user"
# The private directory is mounted here, not at /tmp: a checkout or venv under /tmp (bound read-only for
# the interpreter and the child entry point) must not be hidden by it.
_SANDBOX_TMP = "/sandbox"
_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_PROBE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Isolation:
    """How children are started: the interpreter, the JS engine file and the optional OS layers."""

    python: str
    engine_path: str | None
    bubblewrap: str | None = None  # path of the bwrap binary when used
    user: int | None = None  # uid (and gid) the child runs as when the parent is root
    seccomp: bool = True
    landlock: bool = True

    @property
    def layers(self) -> tuple[str, ...]:
        """The layers this configuration applies from outside the child."""
        outside = [LAYER_BUBBLEWRAP] if self.bubblewrap else []
        if self.user is not None:
            outside.append(LAYER_UNPRIVILEGED_USER)
        return tuple(outside)


def _engine_path() -> str | None:
    spec = importlib.util.find_spec("_quickjs")
    return spec.origin if spec is not None and spec.origin else None


def _python_roots(isolation: Isolation) -> list[str]:
    """The interpreter's own trees (stdlib, lib-dynload, libpython), wherever it is installed."""
    roots = {sys.base_prefix, sys.base_exec_prefix, sysconfig.get_paths()["stdlib"]}
    roots.add(os.path.dirname(os.path.dirname(isolation.python)))
    return sorted({os.path.realpath(r) for r in roots if os.path.isdir(r)})


@functools.cache
def read_paths(isolation: Isolation) -> tuple[str, ...]:
    """Everything a child may read after it locked itself down (Landlock rules)."""
    paths = ["/usr", *_SYSTEM_DIRS, "/etc/ld.so.cache", "/etc/localtime", *_python_roots(isolation)]
    paths.append(str(CHILD_ENTRY.parent))
    if isolation.engine_path:
        paths.append(isolation.engine_path)
    return tuple(paths)


@functools.cache
def _bwrap_binds(isolation: Isolation) -> tuple[str, ...]:
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for top in _SYSTEM_DIRS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for root in _python_roots(isolation):
        if root != "/usr" and not root.startswith("/usr/"):
            args += ["--ro-bind", root, root]
    args += ["--ro-bind", str(CHILD_ENTRY.parent), str(CHILD_ENTRY.parent)]
    if isolation.engine_path:
        args += ["--ro-bind", isolation.engine_path, isolation.engine_path]
    return tuple(args)


def child_command(isolation: Isolation, workdir: Path) -> list[str]:
    """The argv of one child; `workdir` is its private directory (mounted as /tmp under bubblewrap)."""
    python = [isolation.python, "-I", "-S", "-B", str(CHILD_ENTRY)]
    if not isolation.bubblewrap:
        return python
    return [
        isolation.bubblewrap,
        "--unshare-all",
        "--die-with-parent",
        "--cap-drop", "ALL",
        "--hostname", "sandbox",
        *_bwrap_binds(isolation),
        # No /proc and no /dev at all: nothing the child runs needs them (randomness comes from
        # the getrandom syscall), and each mount costs start-up time.
        "--bind", str(workdir), _SANDBOX_TMP,
        "--chdir", _SANDBOX_TMP,
        "--",
        *python,
    ]  # fmt: skip


def zygote_command(isolation: Isolation, root: Path, control_fd: int, language: str) -> list[str]:
    """The argv of a zygote serving `language` on `control_fd`; `root` holds its runs' directories.

    Without bubblewrap's `--die-with-parent`: that ties the sandbox to the thread that started it, and
    a zygote outlives threads. It exits when the runner closes (or loses) the control socket instead.
    """
    engine = (isolation.engine_path or "") if language == "javascript" else ""
    argv = [arg for arg in child_command(isolation, root) if arg != "--die-with-parent"]
    return [*argv, "--zygote", str(control_fd), language, engine]


def seen_from_child(isolation: Isolation, root: Path, path: Path) -> str:
    """`path` (inside `root`, a zygote's directory) as the zygote's children see it."""
    if not isolation.bubblewrap:
        return str(path)
    return str(Path(_SANDBOX_TMP) / path.relative_to(root))


def child_env(isolation: Isolation, workdir: Path) -> dict[str, str]:
    """The whole environment of a child: nothing inherited (no AWS_*, no secrets, no runtime API)."""
    home = _SANDBOX_TMP if isolation.bubblewrap else str(workdir)
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": home, "TMPDIR": home}


def probe(isolation: Isolation) -> tuple[str, ...] | None:
    """Start one probe child under `isolation`; the layers it reports, or None when it did not start."""
    workdir = Path(tempfile.mkdtemp(prefix="deca-sandbox-probe-"))
    try:
        if isolation.user is not None:
            os.chown(workdir, isolation.user, isolation.user)
        request = {
            "probe": True,
            "cpu_seconds": 5,
            "memory_bytes": 512 * 1024 * 1024,
            "file_bytes": 1024,
            "open_files": 32,
            "seccomp": isolation.seccomp,
            "read_paths": read_paths(isolation) if isolation.landlock else None,
        }
        outcome = run_process(
            child_command(isolation, workdir),
            marshal.dumps(request),
            env=child_env(isolation, workdir),
            cwd=workdir,
            timeout=_PROBE_TIMEOUT,
            max_stdout=64 * 1024,
            max_stderr=64 * 1024,
            user=isolation.user,
        )
    except OSError as exc:
        logger.info("sandbox probe could not start", extra={"error": str(exc)})
        return None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    try:
        reply = json.loads(outcome.stdout)
    except ValueError:
        logger.info("sandbox probe failed", extra={"stderr": outcome.stderr[-500:].decode(errors="replace")})
        return None
    if not isinstance(reply, dict) or reply.get("status") != STATUS_PONG:
        return None
    return tuple(str(layer) for layer in reply.get("layers", [])) + isolation.layers


def _candidates(python: str, engine: str | None) -> list[Isolation]:
    bwrap = shutil.which("bwrap")
    users: list[int | None] = [NOBODY, None] if os.geteuid() == 0 else [None]
    wrappers: list[str | None] = [bwrap, None] if bwrap else [None]
    return [Isolation(python, engine, bubblewrap=w, user=u) for w in wrappers for u in users]


@functools.cache
def detect_isolation() -> Isolation:
    """The strongest configuration that starts on this machine (probed once per process)."""
    python = os.path.realpath(sys.executable)
    engine = _engine_path()
    candidates = _candidates(python, engine)
    for candidate in candidates:
        if probe(candidate) is not None:
            logger.info("sandbox isolation selected", extra={"layers": list(candidate.layers)})
            return candidate
    return candidates[-1]


def protect_runner_process() -> bool:
    """Make the runner process itself non-dumpable (True on success).

    For a process that only runs code, like the runner Lambda: a child without capabilities, even
    with the same uid, can then not read this process's environment (its AWS credentials) or
    memory through /proc. The local studio does not call it, so debuggers keep working there.
    """
    return set_non_dumpable()
