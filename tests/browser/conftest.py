"""Browser tests: `deca dev` on a free port with the built UI, driven by headless Chromium through the
playwright-core scripts in `ui/browser/` (one Node process per scenario)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.studio_process import Studio, free_port, start_studio, stop_studio

REPO_ROOT = Path(__file__).resolve().parents[2]
UI = REPO_ROOT / "ui"
SCENARIO_SECONDS = 90.0
BUILD_SECONDS = 300.0
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What the production build depends on: a newer file than dist/index.html means the build is stale.
BUILD_INPUTS = ("src", "index.html", "package-lock.json", "vite.config.ts", "tsconfig.json")


def chromium_binary() -> str | None:
    """`DECA_CHROMIUM`, else the first Chromium on PATH (the same lookup as ui/browser/browser.mjs)."""
    configured = os.environ.get("DECA_CHROMIUM")
    if configured:
        return configured
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def _newest_input() -> float:
    newest = 0.0
    for name in BUILD_INPUTS:
        path = UI / name
        files = path.rglob("*") if path.is_dir() else [path]
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


def _build_is_fresh() -> bool:
    index = UI / "dist" / "index.html"
    return index.is_file() and index.stat().st_mtime >= _newest_input()


def ensure_ui_build() -> None:
    """Build ui/dist (`npm run build`: typecheck + Vite) unless it is newer than its sources; one build at a
    time across pytest-xdist workers."""
    if _build_is_fresh():
        return
    lock_path = UI / "node_modules" / ".deca-browser-build.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _build_is_fresh():
            built = subprocess.run(
                ["npm", "run", "build", "--silent"],
                cwd=UI,
                capture_output=True,
                text=True,
                timeout=BUILD_SECONDS,
                check=False,
            )
            assert built.returncode == 0, f"npm run build failed:\n{built.stdout}\n{built.stderr}"


@dataclass(frozen=True)
class Chromium:
    """Runs the scenario scripts of ui/browser/ against a studio."""

    binary: str
    screenshots: Path

    def run(self, script: str, env: dict[str, str]) -> dict[str, Any]:
        """Run `ui/browser/<script>` with `env`; returns the JSON it printed (fails with its stderr)."""
        process = subprocess.Popen(
            ["node", str(UI / "browser" / script)],
            cwd=UI,
            env={**os.environ, "DECA_CHROMIUM": self.binary, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: a timeout ends Chromium with it
        )
        try:
            stdout, stderr = process.communicate(timeout=SCENARIO_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            pytest.fail(f"{script} did not finish in {SCENARIO_SECONDS:.0f} s:\n{stderr}")
        assert process.returncode == 0, f"{script} failed:\n{stderr}"
        result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
        return result


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Chromium:
    """Chromium, Node and the UI packages, with a fresh UI build (skips only without Chromium or Node)."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary (install the Debian package chromium, or set DECA_CHROMIUM)")
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("no Node.js (node and npm) to run the UI build and playwright-core")
    assert (UI / "node_modules" / "playwright-core").is_dir(), "ui packages missing: run `npm ci --prefix ui`"
    ensure_ui_build()
    configured = os.environ.get("DECA_SCREENSHOTS_DIR")
    screenshots = Path(configured).resolve() if configured else tmp_path_factory.mktemp("screenshots")
    return Chromium(binary, screenshots)


@pytest.fixture(scope="module")
def studio(chromium: Chromium, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """`deca dev` serving the built UI, with a fresh data directory."""
    running = start_studio(tmp_path_factory.mktemp("studio") / "data", free_port())
    yield running
    stop_studio(running)
