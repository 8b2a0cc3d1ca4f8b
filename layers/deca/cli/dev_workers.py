"""`deca dev --workers N`: the studio in N processes sharing one port, so it uses more than one core.

Python runs one thread at a time per process, so one studio process uses one core. With `--workers N` the
main process (the whole studio: API, UI, engine, scheduler, bus) and N-1 extra processes listen on the
same address with `SO_REUSEPORT`, and the kernel spreads incoming connections over them. An extra process
answers webhook calls of brief flows itself (pure steps and no loop, see `Program.brief`: the execution
has ended before the call is answered, so nothing of it lives on in that process), writing to the same
data directory; every other request, and a webhook call of any other flow, goes to the main process on
its private loopback port (`api.forwarding`). SQLite lets both write the same files: a statement that
finds a file locked tries again in short steps (`statemachines.runtime.sqlite_busy`).

Extra processes end with the main one: it stops them when it stops, and Linux stops them (SIGTERM) if it
is killed. They start a few seconds after the main process; until then it answers everything.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.types import Receive, Scope, Send

if TYPE_CHECKING:
    from api.forwarding import PrimaryForwarder
    from deca.bus.engine_status import BusService
    from deca.engines.local import LocalEngine
    from deca.settings import Settings
    from deca.stores import Stores

__all__ = ["WorkerApp", "build_worker", "dev_worker", "listening_socket", "start_workers", "stop_workers"]

_PR_SET_PDEATHSIG = 1
STOP_SECONDS = 10.0


def listening_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    """A TCP socket listening on `host:port`; `shared`: other processes may listen on it too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def start_workers(
    count: int, *, host: str, port: int, data_dir: Path, primary_port: int
) -> list[subprocess.Popen[bytes]]:
    """Start `count` extra processes serving `host:port` next to this one (whose private port is given)."""
    command = [
        sys.executable,
        "-m",
        "deca.cli.main",
        "dev-worker",
        "--host",
        host,
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--primary-port",
        str(primary_port),
        "--parent-pid",
        str(os.getpid()),
    ]
    return [subprocess.Popen(command, stdin=subprocess.DEVNULL) for _ in range(count)]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """Stop the extra processes (SIGTERM, then SIGKILL after `STOP_SECONDS`)."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(STOP_SECONDS)


def _end_with_parent(parent_pid: int) -> None:
    """Have Linux send SIGTERM when the main process dies; exit now if it died already."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is not None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:
        raise SystemExit(0)


class WorkerApp:
    """An extra process's ASGI app: webhook calls through the studio app (which forwards those it does
    not run), everything else straight to the main process."""

    def __init__(
        self, studio: Any, forwarder: PrimaryForwarder, engine: LocalEngine, bus: BusService | None
    ) -> None:
        self.studio = studio
        self.forwarder = forwarder
        self.engine = engine
        self.bus = bus

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection's request (or the server's lifespan)."""
        from api.routes.webhook_calls import webhook_target

        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and webhook_target(scope) is not None:
            await self.studio(scope, receive, send)
        else:
            await self.forwarder(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.bus is not None:
                    self.bus.start()
                    self.engine.status_listener = self.bus.notify
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.engine.status_listener = None
                if self.bus is not None:
                    self.bus.stop()
                await self.forwarder.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def build_worker(settings: Settings, primary_url: str) -> tuple[WorkerApp, Stores, LocalEngine]:
    """An extra process's app over the studio's data directory (the caller closes the engine and stores)."""
    from api.app import create_app
    from api.forwarding import WEBHOOK_FORWARD, PrimaryForwarder
    from api.routes.webhook_calls import ANSWER_ON_EVENT_LOOP
    from deca import wiring
    from deca.bus.engine_status import BusService
    from deca.engines.local import LocalEngine
    from deca.engines.local_checkpoints import LocalCheckpoints
    from deca.local.studio_services import bus_connector

    stores = wiring.open_stores(settings, embedded=True)
    envelope = wiring.open_envelope(settings)
    # Brief flows only (no node tasks, no waits): nothing of an execution outlives the call that started it.
    engine = LocalEngine(
        stores, checkpoints=LocalCheckpoints.at(settings.data_dir / "engine.db"), only_brief=True
    )
    forwarder = PrimaryForwarder(primary_url, max_body_bytes=settings.max_body_bytes)
    studio = create_app(settings, stores, envelope=envelope)
    studio.state.engine = engine
    setattr(studio.state, ANSWER_ON_EVENT_LOOP, True)
    setattr(studio.state, WEBHOOK_FORWARD, forwarder)
    # Status changes go out on NATS when the studio uses it; the in-memory bus has no reader in another process.
    bus = BusService(bus_connector(settings.nats_url)) if settings.nats_url else None
    return WorkerApp(studio, forwarder, engine, bus), stores, engine


def dev_worker(args: argparse.Namespace) -> int:
    """Serve as one extra process of `deca dev --workers` until the main process stops it."""
    import logging

    import uvicorn

    from deca.cli.dev_command import studio_settings, tune_for_serving

    _end_with_parent(args.parent_pid)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped like Ctrl-C: the engine closes
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = studio_settings(args)
    app, stores, engine = build_worker(settings, f"http://127.0.0.1:{args.primary_port}")
    tune_for_serving()
    sock = listening_socket(args.host, args.port, shared=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    print(f"Worker: process {os.getpid()} serves {args.host}:{args.port} too", flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
    finally:
        engine.close()
        stores.close()
    return 0
