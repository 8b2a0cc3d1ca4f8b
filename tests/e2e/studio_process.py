"""`deca dev` as a subprocess on a free loopback port: start it, call it, stop it (e2e tests and benchmarks)."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

__all__ = ["STARTUP_SECONDS", "Studio", "create_and_publish", "free_port", "start_studio", "stop_studio"]

STARTUP_SECONDS = 60.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Studio:
    """A running `deca dev` process and how to call it."""

    process: subprocess.Popen[str]
    url: str
    token: str
    open_url: str = ""
    """The `Open:` line: the studio's page with the local owner's token (local sign-in in a browser)."""

    @property
    def headers(self) -> dict[str, str]:
        """Authorization of the local owner."""
        return {"Authorization": f"Bearer {self.token}"}


def start_studio(data_dir: Path, port: int, *, workers: int = 1) -> Studio:
    """Start `deca dev --no-examples` on `port` with `data_dir` (and `--workers`); returns once it answers
    `/health` and every extra process said it serves the port too."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "deca.cli.main",
            "dev",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--no-examples",
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    url = token = open_url = ""
    extra = 0
    while not (url and token and open_url and extra == workers - 1):
        line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
        if line.startswith("DECA studio: "):
            url = line.removeprefix("DECA studio: ").strip()
        elif line.startswith("Token: "):
            token = line.removeprefix("Token: ").strip()
        elif line.startswith("Open: "):
            open_url = line.removeprefix("Open: ").strip()
        elif line.startswith("Worker: "):
            extra += 1
    while True:  # the URL is printed before uvicorn listens: poll /health until the deadline
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return Studio(process, url, token, open_url)
        except httpx.TransportError:
            pass
        assert process.poll() is None, "deca dev exited"
        assert time.monotonic() < deadline, "deca dev did not answer /health in time"
        time.sleep(0.2)


def stop_studio(studio: Studio, sig: signal.Signals = signal.SIGINT) -> None:
    """Stop the process with `sig` (killed if it has not exited after 20 s)."""
    if studio.process.poll() is None:
        studio.process.send_signal(sig)
        try:
            studio.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            studio.process.kill()
            studio.process.wait(timeout=10)


def create_and_publish(studio: Studio, document: dict[str, Any]) -> None:
    """Create the flow `document` through the API and publish it."""
    created = httpx.post(f"{studio.url}/flows", json=document, headers=studio.headers, timeout=10)
    assert created.status_code == 201, created.text
    published = httpx.post(f"{studio.url}/flows/{document['id']}/publish", headers=studio.headers, timeout=30)
    assert published.status_code == 200, published.text
