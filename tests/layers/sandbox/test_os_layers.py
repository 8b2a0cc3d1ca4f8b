"""The boundary below the language guard: plain Python (as if the guard were bypassed) under the OS layers.

Each test runs under the detected isolation and under weaker ones (without bubblewrap; seccomp and
rlimits only) to show every layer holds on its own; the layers a run reports must match reality.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from deca.sandbox import CodeResult, Isolation
from deca.sandbox.child import seccomp
from deca.sandbox.process import ProcessResult

from .conftest import SECRET

Unguarded = Callable[..., ProcessResult]

CONFIGS = {
    "detected": lambda iso: iso,
    "without_bubblewrap": lambda iso: replace(iso, bubblewrap=None),
    "seccomp_and_rlimits_only": lambda iso: replace(iso, bubblewrap=None, landlock=False, user=None),
}


@pytest.fixture(params=CONFIGS.keys())
def config(request: pytest.FixtureRequest, isolation: Isolation) -> Isolation:
    """The detected isolation and weaker variants of it."""
    return CONFIGS[request.param](isolation)


def _report(result: ProcessResult) -> Any:
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return json.loads(result.stdout)


def test_unguarded_code_has_no_network(run_unguarded: Unguarded, config: Isolation) -> None:
    # Given a listening loopback server the child knows about
    if not seccomp.supported() and config.bubblewrap is None:
        pytest.skip("no network layer on this machine")
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        port = server.getsockname()[1]
        # When plain code tries the loopback server and the cloud metadata address
        script = f"""
        import socket
        out = {{}}
        for host, port in (("127.0.0.1", {port}), ("169.254.169.254", 80)):
            try:
                socket.create_connection((host, port), timeout=0.5).close()
                out[host] = "connected"
            except OSError as exc:
                out[host] = type(exc).__name__
        print(json.dumps(out))
        """
        report = _report(run_unguarded(script, layers=config))
        # Then neither connects and the server saw nothing
        assert "connected" not in report.values()
        with pytest.raises(BlockingIOError):
            server.accept()


def test_unguarded_code_cannot_fork_or_exec(run_unguarded: Unguarded, config: Isolation) -> None:
    if not seccomp.supported():
        pytest.skip("no seccomp filter for this architecture")
    script = """
    import subprocess
    out = {}
    for name, attempt in (("fork", os.fork), ("exec", lambda: subprocess.run(["/bin/true"]))):
        try:
            attempt()
            out[name] = "ran"
        except OSError as exc:
            out[name] = exc.errno
    print(json.dumps(out))
    """
    assert "ran" not in _report(run_unguarded(script, layers=config)).values()


def test_unguarded_code_cannot_create_ipc_objects_that_outlive_the_run(
    run_unguarded: Unguarded, config: Isolation
) -> None:
    # A System V segment, semaphore or queue would survive the process for a later run (forked from
    # the same zygote, in the same IPC namespace) to find
    if not seccomp.supported():
        pytest.skip("no seccomp filter for this architecture")
    script = """
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    IPC_PRIVATE, IPC_CREAT = 0, 0o1000
    out = {}
    for name, call in (
        ("shmget", lambda: libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600)),
        ("semget", lambda: libc.semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600)),
        ("msgget", lambda: libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600)),
        ("mq_open", lambda: libc.mq_open(b"/deca-test", os.O_CREAT | os.O_RDWR, 0o600, None)),
    ):
        out[name] = "created" if call() >= 0 else ctypes.get_errno()
    print(json.dumps(out))
    """
    report = _report(run_unguarded(script, layers=config))
    assert report == {"shmget": 1, "semget": 1, "msgget": 1, "mq_open": 1}  # EPERM from the filter


def test_unguarded_code_sees_a_scrubbed_environment(run_unguarded: Unguarded, config: Isolation) -> None:
    report = _report(run_unguarded("print(json.dumps(dict(os.environ)))", layers=config))
    assert set(report) <= {"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "PWD"}  # bubblewrap sets PWD
    assert SECRET not in json.dumps(report)


def test_unguarded_code_cannot_read_the_parents_environment(
    run_unguarded: Unguarded, config: Isolation
) -> None:
    # A root child without capabilities cannot ptrace-read a parent that holds some.
    if config.bubblewrap is None and not config.landlock and os.geteuid() != 0:
        pytest.skip("needs bubblewrap, Landlock or a root runner (whose child drops its capabilities)")
    script = f"""
    try:
        print(json.dumps({{"read": open("/proc/{os.getpid()}/environ").read()}}))
    except OSError as exc:
        print(json.dumps({{"error": type(exc).__name__}}))
    """
    report = _report(run_unguarded(script, layers=config))
    assert "read" not in report, "the parent's environment was readable"
    assert SECRET not in json.dumps(report)


def test_unguarded_code_cannot_leave_files_outside_its_directory(
    run_unguarded: Unguarded, config: Isolation
) -> None:
    if config.bubblewrap is None and not config.landlock:
        pytest.skip("needs bubblewrap or Landlock")
    target = Path("/tmp") / f"deca-sandbox-left-{uuid.uuid4().hex}"
    script = f"""
    try:
        open({str(target)!r}, "w").write("for the next run")
        print(json.dumps({{"wrote": True}}))
    except OSError as exc:
        print(json.dumps({{"wrote": False}}))
    """
    _report(run_unguarded(script, layers=config))
    assert not target.exists()


def test_reported_layers_match_the_isolation(
    run: Callable[..., CodeResult], run_isolation: Isolation
) -> None:
    layers = run("python", "def main(input):\n    return 1").layers
    assert ("bubblewrap" in layers) is (run_isolation.bubblewrap is not None)
    assert ("unprivileged_user" in layers) is (run_isolation.user is not None)
    assert ("seccomp" in layers) is seccomp.supported()
    assert {"python_guard", "rlimits"} <= set(layers)


def test_reported_layers_follow_a_weaker_configuration(
    run_unguarded: Unguarded, isolation: Isolation
) -> None:
    weaker = replace(isolation, bubblewrap=None, landlock=False, seccomp=False)
    report = _report(run_unguarded("print(json.dumps(LAYERS))", layers=weaker))
    assert "seccomp" not in report
    assert "landlock" not in report
    assert "rlimits" in report


def test_unguarded_root_child_holds_no_capabilities(run_unguarded: Unguarded, isolation: Isolation) -> None:
    # Given a root runner without bubblewrap or Landlock, and a file only uid 65534 may read
    if os.geteuid() != 0:
        pytest.skip("the runner is not root")
    weakest = replace(isolation, bubblewrap=None, landlock=False, user=None)
    private = Path(tempfile.mkdtemp(prefix="deca-sandbox-private-")) / "secret.txt"
    private.write_text(SECRET)
    os.chmod(private, 0o600)
    os.chown(private, 65534, 65534)
    script = f"""
    caps = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0]
    try:
        text = open({str(private)!r}).read()
    except OSError as exc:
        text = type(exc).__name__
    print(json.dumps({{"caps": caps, "text": text, "layers": LAYERS}}))
    """
    try:
        report = _report(run_unguarded(script, layers=weakest))
    finally:
        shutil.rmtree(private.parent)
    # Then the child holds no capability and cannot override file permissions
    assert report["caps"] == "0000000000000000"
    assert report["text"] == "PermissionError"
    assert "no_capabilities" in report["layers"]


def test_protect_runner_process_makes_the_runner_non_dumpable(repo_root: Path) -> None:
    # In a separate process: the flag would otherwise stay on the test process.
    script = (
        f"import sys; sys.path[:0] = [{str(repo_root / 'layers')!r}]\n"
        "from deca.sandbox import protect_runner_process\n"
        "from deca.sandbox.child.kernel import libc\n"
        "print(protect_runner_process(), libc().prctl(3, 0, 0, 0, 0))"  # 3: PR_GET_DUMPABLE
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30, check=True)
    assert done.stdout.split() == [b"True", b"0"]
