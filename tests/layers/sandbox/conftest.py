"""Fixtures of the sandbox suite: one detected isolation per session, a private tmp root per test,
a planted secret, and helpers that run code and check that nothing leaked."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from deca.sandbox import (
    CodeRequest,
    CodeResult,
    CodeRunError,
    Isolation,
    SandboxLimits,
    detect_isolation,
    run_code,
    zygote,
)
from deca.sandbox.isolation import CHILD_ENTRY, child_command, child_env, read_paths
from deca.sandbox.process import ProcessResult, run_process

SECRET = "deca-planted-secret-7f3a9c"
SECRET_ENV = "DECA_SANDBOX_TEST_SECRET"

Run = Callable[..., CodeResult]


@pytest.fixture(scope="session")
def isolation() -> Isolation:
    """The strongest isolation this machine offers (what production code gets)."""
    return detect_isolation()


@pytest.fixture(autouse=True)
def planted_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A secret in the parent's environment, next to the suite's fake AWS credentials."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    yield SECRET


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    """Parent folder of the runs' private directories (asserted empty after each run, but for the
    zygotes' own directories, which must be empty too).

    Outside pytest's own (private) temporary tree so that an unprivileged child can reach it. One per
    session, so the zygotes started for it serve the whole suite.
    """
    root = Path(tempfile.mkdtemp(prefix="deca-sandbox-test-"))
    os.chmod(root, 0o755)
    yield root
    zygote.shutdown()
    shutil.rmtree(root, ignore_errors=True)


def leftovers(root: Path) -> list[Path]:
    """What runs left in `root`: anything but the (empty) directories of live zygotes."""
    zygote_roots = {z.root for z in zygote.live_zygotes()}
    return [p for p in root.iterdir() if p not in zygote_roots or any(p.iterdir())]


@pytest.fixture
def limits(tmp_root: Path) -> SandboxLimits:
    """Default caps, with the private directories under `tmp_root`."""
    return SandboxLimits(tmp_root=tmp_root, max_output_bytes=256 * 1024, max_log_bytes=4096)


@pytest.fixture(params=["detected", "without_bubblewrap"])
def run_isolation(request: pytest.FixtureRequest, isolation: Isolation) -> Isolation:
    """Runs through the public API happen with the detected layers and again without bubblewrap, so the
    suite shows containment whether or not bubblewrap works here."""
    if request.param == "detected":
        return isolation
    if isolation.bubblewrap is None:
        pytest.skip("bubblewrap is not in use on this machine: the detected run already covers this")
    return replace(isolation, bubblewrap=None)


@pytest.fixture
def run(run_isolation: Isolation, limits: SandboxLimits, tmp_root: Path) -> Run:
    """Run code (dedented) through the public API; every run checks that nothing leaked or was left behind."""

    def _run(language: str, source: str, value: Any = None, **options: Any) -> CodeResult:
        request = CodeRequest(language=language, source=textwrap.dedent(source), input=value, **options)
        try:
            result = run_code(request, limits=limits, isolation=run_isolation)
        except CodeRunError as exc:
            assert_no_leak(str(exc), exc.logs)
            raise
        finally:
            assert leftovers(tmp_root) == [], "a run left files behind"
        assert_no_leak(result.result, result.logs)
        return result

    return _run


def assert_no_leak(*texts: object) -> None:
    """None of the texts (messages, logs, results) carries a secret of the parent."""
    for text in texts:
        dumped = text if isinstance(text, str) else json.dumps(text, default=str)
        assert SECRET not in dumped
        assert "AWS_SECRET_ACCESS_KEY" not in dumped


@pytest.fixture
def no_leak() -> Callable[..., None]:
    """`assert_no_leak` as a fixture."""
    return assert_no_leak


UNGUARDED_PRELUDE = """
import json, os, sys, types
child = {child!r}
for name, path in (("deca", os.path.dirname(os.path.dirname(child))), ("deca.sandbox", os.path.dirname(child))):
    package = types.ModuleType(name); package.__path__ = [path]; sys.modules[name] = package
from deca.sandbox.child.main import lock_down
LAYERS = lock_down(json.loads({request!r}))
"""


@pytest.fixture
def run_unguarded(isolation: Isolation, tmp_root: Path) -> Callable[..., ProcessResult]:
    """Run a plain Python script (no language guard) under the same OS layers as a sandbox child.

    This is what an attacker who got past the guard would have: the test checks the boundary below it.
    """

    def _run(script: str, *, layers: Isolation | None = None, timeout: float = 5.0) -> ProcessResult:
        chosen = layers or isolation
        workdir = Path(os.path.realpath(tmp_root)) / "unguarded"
        workdir.mkdir()
        if chosen.user is not None:
            os.chown(workdir, chosen.user, chosen.user)
        request = {
            "cpu_seconds": 5, "memory_bytes": 512 << 20, "file_bytes": 1 << 20, "open_files": 32,
            "seccomp": chosen.seccomp, "read_paths": read_paths(chosen) if chosen.landlock else None,
        }  # fmt: skip
        prelude = UNGUARDED_PRELUDE.format(child=str(CHILD_ENTRY.parent), request=json.dumps(request))
        body = prelude + textwrap.dedent(script)
        argv = child_command(chosen, workdir)
        argv[-1:] = ["-c", body]
        try:
            return run_process(
                argv, b"", env=child_env(chosen, workdir), cwd=workdir, timeout=timeout,
                max_stdout=1 << 20, max_stderr=1 << 16, user=chosen.user,
            )  # fmt: skip
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    return _run


@pytest.fixture
def without_bubblewrap(isolation: Isolation) -> Isolation:
    """The detected isolation minus bubblewrap: the layers that must hold on their own."""
    return replace(isolation, bubblewrap=None)


@pytest.fixture
def python() -> str:
    """The interpreter children use."""
    return os.path.realpath(sys.executable)
