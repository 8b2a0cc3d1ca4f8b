"""`run_code`: one request, one fresh locked-down child process, one result or one named error.

The child is forked from a pre-started zygote when one is available (see zygote.py), else started
cold (a new interpreter); both apply the same per-run confinement and reply the same way.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import math
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from deca.errors import DecaError
from deca.sandbox.child.protocol import (
    KIND_CODE_ERROR,
    KIND_OUTPUT_TOO_LARGE,
    KIND_RESOURCE_LIMIT,
    KIND_TIMEOUT,
    KIND_VIOLATION,
    STATUS_OK,
)
from deca.sandbox.errors import (
    CodeError,
    CodeOutputTooLarge,
    CodeResourceLimit,
    CodeRunError,
    CodeSandboxViolation,
    CodeTimeout,
    CodeValidationError,
    SandboxError,
)
from deca.sandbox.isolation import Isolation, child_command, child_env, detect_isolation, read_paths
from deca.sandbox.models import CodeRequest, CodeResult, SandboxLimits
from deca.sandbox.process import ProcessResult, run_process
from deca.sandbox.schemas import check_schema, validate_value
from deca.sandbox.zygote import ZygoteKey, run_in_zygote

__all__ = ["run_code"]

_MIB = 1024 * 1024
# Address space the interpreter and the engine need before user code allocates anything.
_JS_ENGINE_RESERVE = 64 * _MIB
_MIN_JS_HEAP = 16 * _MIB
_REPLY_OVERHEAD = 64 * 1024
_MAX_STDERR = 16 * 1024
_SIGNAL_ERRORS = {
    signal.SIGXCPU: "cpu",
    signal.SIGALRM: "cpu",
    signal.SIGXFSZ: "file_size",
    signal.SIGKILL: "memory",
    signal.SIGSEGV: "memory",
    signal.SIGBUS: "memory",
    signal.SIGABRT: "memory",
}


def run_code(
    request: CodeRequest, *, limits: SandboxLimits | None = None, isolation: Isolation | None = None
) -> CodeResult:
    """Run `request` in a fresh, locked-down child process and return what its `main` returned.

    Raises:
        CodeError, CodeTimeout, CodeResourceLimit, CodeOutputTooLarge, CodeSandboxViolation: the outcome
            of the user's code (catchable in flows by class name).
        CodeValidationError: the input or the result breaks its declared JSON Schema, or the input is not JSON.
        SandboxError: the runner itself failed.
    """
    limits = limits or SandboxLimits()
    isolation = isolation or detect_isolation()
    if request.input_schema is not None:
        validate_value(request.input, request.input_schema, stage="input")
    if request.output_schema is not None:
        check_schema(request.output_schema, stage="output")
    payload = _payload(request, limits, isolation)
    timeout = request.timeout + limits.grace_seconds
    max_stdout = limits.max_output_bytes + limits.max_log_bytes * 6 + _REPLY_OVERHEAD
    process = None
    if limits.zygote:
        key = ZygoteKey(request.language, isolation, limits.tmp_root)
        process = run_in_zygote(key, payload, timeout=timeout, max_stdout=max_stdout, max_stderr=_MAX_STDERR)
    if process is None:
        with _workdir(limits.tmp_root, isolation.user) as workdir:
            process = run_process(
                child_command(isolation, workdir),
                payload,
                env=child_env(isolation, workdir),
                cwd=workdir,
                timeout=timeout,
                max_stdout=max_stdout,
                max_stderr=_MAX_STDERR,
                user=isolation.user,
            )
    result = _result(process, request, limits, isolation)
    if request.output_schema is not None:
        validate_value(result.result, request.output_schema, stage="output", logs=result.logs)
    return result


def _payload(request: CodeRequest, limits: SandboxLimits, isolation: Isolation) -> bytes:
    if request.language == "javascript" and isolation.engine_path is None:
        raise SandboxError("the JavaScript engine (the quickjs-ng package, module _quickjs) is not installed")
    memory = request.memory_mb * _MIB
    try:
        input_json = json.dumps(request.input, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise CodeValidationError(f"the input is not JSON: {exc}", stage="input", errors=[str(exc)]) from exc
    if len(input_json.encode("utf-8", "surrogatepass")) > limits.max_input_bytes:
        raise CodeResourceLimit(
            f"the input is larger than {limits.max_input_bytes} bytes", resource="input_size"
        )
    body = {
        "language": request.language,
        "source": request.source,
        "input_json": input_json,
        "timeout": request.timeout,
        "cpu_seconds": math.ceil(request.timeout) + 1,
        "memory_bytes": memory,
        "js_heap_bytes": max(memory - _JS_ENGINE_RESERVE, _MIN_JS_HEAP),
        "file_bytes": limits.max_file_bytes,
        "open_files": limits.max_open_files,
        "max_output_bytes": limits.max_output_bytes,
        "max_log_bytes": limits.max_log_bytes,
        "engine_path": isolation.engine_path,
        "seccomp": isolation.seccomp,
        "read_paths": read_paths(isolation) if isolation.landlock else None,
    }
    # marshal: a trusted, fast format the child reads without importing json.
    return marshal.dumps(body)


@contextlib.contextmanager
def _workdir(root: Path | None, owner: int | None) -> Iterator[Path]:
    """A private directory for one run, removed with everything in it afterwards."""
    path = Path(tempfile.mkdtemp(prefix="deca-sandbox-", dir=root))
    try:
        if owner is not None:
            os.chown(path, owner, owner)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _result(
    process: ProcessResult, request: CodeRequest, limits: SandboxLimits, isolation: Isolation
) -> CodeResult:
    duration_ms = int(process.duration * 1000)
    if process.timed_out:
        raise CodeTimeout(f"the code ran longer than {request.timeout:g} s", layers=isolation.layers)
    if process.stdout_overflow:
        raise CodeOutputTooLarge(
            f"the code wrote more than {limits.max_output_bytes} bytes of output", layers=isolation.layers
        )
    reply = _parse_reply(process.stdout)
    if reply is None:
        raise _crash(process, request, isolation)
    layers = tuple(str(layer) for layer in reply.get("layers", [])) + isolation.layers
    logs = str(reply.get("logs", ""))
    if reply.get("status") == STATUS_OK:
        value = _parse_result(reply.get("result_json"), logs, layers)
        return CodeResult(result=value, logs=logs, duration_ms=duration_ms, layers=list(layers))
    raise _error(reply, request, logs, layers)


def _parse_result(text: object, logs: str, layers: tuple[str, ...]) -> Any:
    """The result's JSON text, parsed here: the child's serialiser may have been tampered with."""
    try:
        return json.loads(text) if isinstance(text, str) else _invalid_result()
    except (ValueError, RecursionError) as exc:
        raise CodeError(
            f"main returned something that is not valid JSON: {exc}",
            exc_type="ValueError",
            logs=logs,
            layers=layers,
        ) from exc


def _invalid_result() -> Any:
    raise ValueError("no result in the reply")


def _parse_reply(stdout: bytes) -> dict[str, Any] | None:
    try:
        reply = json.loads(stdout)
    except (ValueError, RecursionError):
        return None
    return reply if isinstance(reply, dict) else None


def _line(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _error(reply: dict[str, Any], request: CodeRequest, logs: str, layers: tuple[str, ...]) -> CodeRunError:
    kind = reply.get("kind")
    message = str(reply.get("message", ""))
    if kind == KIND_CODE_ERROR:
        exc_type = str(reply.get("exc_type") or "Error")
        return CodeError(message, exc_type=exc_type, line=_line(reply.get("line")), logs=logs, layers=layers)
    if kind == KIND_VIOLATION:
        return CodeSandboxViolation(message, line=_line(reply.get("line")), logs=logs, layers=layers)
    if kind == KIND_TIMEOUT:
        return CodeTimeout(f"the code ran longer than {request.timeout:g} s", logs=logs, layers=layers)
    if kind == KIND_RESOURCE_LIMIT:
        resource = str(reply.get("resource", "memory"))
        return CodeResourceLimit(message, resource=resource, logs=logs, layers=layers)
    if kind == KIND_OUTPUT_TOO_LARGE:
        return CodeOutputTooLarge(message, logs=logs, layers=layers)
    return CodeRunError(f"unexpected reply from the sandbox: {kind!r}", logs=logs, layers=layers)


def _signal_of(returncode: int, isolation: Isolation) -> int | None:
    if returncode < 0:
        return -returncode
    # bubblewrap exits with 128 + n when its child was killed by signal n.
    if isolation.bubblewrap and returncode > 128:
        return returncode - 128
    return None


def _crash(process: ProcessResult, request: CodeRequest, isolation: Isolation) -> DecaError:
    layers = isolation.layers
    signum = _signal_of(process.returncode, isolation)
    if signum == signal.SIGSYS:
        return CodeSandboxViolation("the code made a system call the sandbox forbids", layers=layers)
    if signum in (signal.SIGXCPU, signal.SIGALRM):
        return CodeTimeout(f"the code used more than {request.timeout:g} s", layers=layers)
    if signum in _SIGNAL_ERRORS:
        resource = _SIGNAL_ERRORS[signal.Signals(signum)]
        return CodeResourceLimit(
            f"the code was stopped by {signal.Signals(signum).name} ({resource} limit)",
            resource=resource,
            layers=layers,
        )
    stderr = process.stderr.decode(errors="replace")
    if "MemoryError" in stderr:
        return CodeResourceLimit("the code ran out of memory", resource="memory", layers=layers)
    return SandboxError(f"the sandbox child failed (exit {process.returncode}): {stderr[-500:]}")
