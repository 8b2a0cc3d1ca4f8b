"""The child process: read one request, lock itself down, run the code, write one reply, exit."""

from __future__ import annotations

import _signal  # not `signal`: it imports enum, which costs start-up time
import marshal
import os
import sys

from deca.sandbox.child import kernel, landlock, seccomp
from deca.sandbox.child.limits import apply_limits
from deca.sandbox.child.outcome import failure
from deca.sandbox.child.protocol import (
    KIND_RESOURCE_LIMIT,
    KIND_TIMEOUT,
    LAYER_JS_ENGINE,
    LAYER_LANDLOCK,
    LAYER_NO_CAPABILITIES,
    LAYER_NON_DUMPABLE,
    LAYER_PYTHON_GUARD,
    LAYER_RLIMITS,
    LAYER_SECCOMP,
    STATUS_PONG,
    encode_reply,
)

# The child starts per run: no typing import at run time (mypy still sees these).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from deca.sandbox.child.outcome import Outcome

__all__ = ["lock_down", "main", "start_timer"]


def lock_down(request: dict[str, Any]) -> list[str]:
    """Apply the limits, hide this process, confine its files and syscalls; return the active layers."""
    layers = []
    apply_limits(
        cpu_seconds=int(request["cpu_seconds"]),
        memory_bytes=int(request["memory_bytes"]),
        file_bytes=int(request["file_bytes"]),
        open_files=int(request["open_files"]),
    )
    layers.append(LAYER_RLIMITS)
    if kernel.set_non_dumpable():
        layers.append(LAYER_NON_DUMPABLE)
    read_paths = request.get("read_paths")
    if isinstance(read_paths, (list, tuple)) and landlock.restrict_paths(list(read_paths), [os.getcwd()]):
        layers.append(LAYER_LANDLOCK)
    if kernel.drop_capabilities():
        layers.append(LAYER_NO_CAPABILITIES)
    if request.get("seccomp", True) and seccomp.install_filter():
        layers.append(LAYER_SECCOMP)
    return layers


_ACTIVE_LAYERS: list[str] = []


def _on_alarm(signum: int, frame: object) -> None:
    # Runs between two bytecodes of the user's code, which cannot catch it: reply and leave.
    text = getattr(sys.stdout, "text", None)
    logs = text() if callable(text) else ""
    _write(failure(KIND_TIMEOUT, "the code ran out of time", logs, layers=_ACTIVE_LAYERS))
    os._exit(0)


def start_timer(seconds: float) -> None:
    """Reply with a timeout (and the logs so far) after `seconds` of wall time."""
    _signal.signal(_signal.SIGALRM, _on_alarm)
    _signal.setitimer(_signal.ITIMER_REAL, seconds)


def _run(request: dict[str, Any]) -> tuple[Outcome, str]:
    common = {
        "max_output_bytes": int(request["max_output_bytes"]),
        "max_log_bytes": int(request["max_log_bytes"]),
    }
    if request["language"] == "python":
        from deca.sandbox.child.pyexec import run_python

        return run_python(request["source"], request["input_json"], **common), LAYER_PYTHON_GUARD
    from deca.sandbox.child.jsexec import run_javascript

    outcome = run_javascript(
        request["source"],
        request["input_json"],
        engine_path=request["engine_path"],
        timeout=float(request["timeout"]),
        memory_bytes=int(request["js_heap_bytes"]),
        **common,
    )
    return outcome, LAYER_JS_ENGINE


def _write(reply: dict[str, Any]) -> None:
    data = encode_reply(reply)
    while data:
        data = data[os.write(1, data) :]


def main() -> int:
    """Serve one request from stdin; exit without running finalisers of user objects."""
    # marshal, not json: the request comes from the trusted parent and json costs start-up time.
    request = marshal.loads(sys.stdin.buffer.read())
    layers = lock_down(request)
    if request.get("probe"):
        _write({"status": STATUS_PONG, "layers": layers, "uid": os.getuid()})
        os._exit(0)
    # QuickJS stops itself at the timeout with a better message: the alarm is its backstop.
    start_timer(float(request["timeout"]) + (0.1 if request["language"] == "javascript" else 0.0))
    _ACTIVE_LAYERS[:] = [LAYER_PYTHON_GUARD if request["language"] == "python" else LAYER_JS_ENGINE, *layers]
    try:
        outcome, layer = _run(request)
        layers.insert(0, layer)
    except MemoryError:
        outcome = failure(KIND_RESOURCE_LIMIT, "the code ran out of memory", "", resource="memory")
    outcome["layers"] = layers
    try:
        _write(outcome)
    except MemoryError:
        _write(failure(KIND_RESOURCE_LIMIT, "the code ran out of memory", "", resource="memory"))
    os._exit(0)
