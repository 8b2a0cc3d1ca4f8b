"""A real `redis-server` on loopback for tests: a free port, a temp dir, no persistence."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["redis_binary", "redis_server"]

READY = "Ready to accept connections"


def redis_binary() -> str | None:
    """The path of `redis-server`, or None if it is not installed."""
    return shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def redis_server(directory: Path, timeout: float = 20.0) -> Iterator[int]:
    """Run a redis-server in `directory` until the block ends; yields its port once it accepts connections."""
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = _free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory)]
    args += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "notice"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()
    log: list[str] = []

    def read() -> None:  # keeps draining the pipe so the server never blocks on its log
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if READY in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(timeout):
            raise RuntimeError("redis-server did not start:\n" + "".join(log))
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
