"""`deca dev`: the local studio — the API (and the built UI) on localhost with embedded stores and the local engine.

Everything lives in the data directory (`~/.deca` by default): the SQLite store `deca.db`, the engine's
checkpoints `engine.db` and the local signing and encryption keys. The example flows are loaded into the
local workspace and published (once: a flow that exists is left alone). Executions a previous run left
running continue. Ctrl-C stops the server; executions in flight stay checkpointed. `--workers N` serves
the same port from N processes (see `deca.cli.dev_workers`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from deca.cli.dev_workers import listening_socket
from deca.errors import DecaError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from deca.engines.local import LocalEngine
    from deca.settings import Settings
    from deca.stores import Stores

__all__ = ["build_studio", "dev", "load_examples", "repository_root", "studio_settings", "tune_for_serving"]

logger = logging.getLogger(__name__)


def repository_root() -> Path:
    """The checkout this package runs from (holds `examples/` and `ui/dist/`)."""
    return Path(__file__).resolve().parents[3]


def studio_settings(args: argparse.Namespace) -> Settings:
    """The studio's settings: the environment's, with `--data-dir` when given."""
    from deca.settings import Settings

    settings = Settings.from_env()
    if getattr(args, "data_dir", None):
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir).expanduser()})
    return settings


def _ensure_workspace(stores: Stores, settings: Settings) -> None:
    from deca.errors import ConflictError
    from deca.stores.models import Member, Workspace

    workspace_id, user_id = settings.local_workspace_id, settings.local_user_id
    with contextlib.suppress(ConflictError):
        stores.workspaces.create(
            workspace_id, Workspace(workspace_id=workspace_id, name="Local studio", created_by=user_id)
        )
    with contextlib.suppress(ConflictError):
        stores.workspaces.add_member(
            workspace_id, Member(workspace_id=workspace_id, user_id=user_id, role="owner")
        )


def load_examples(stores: Stores, engine: LocalEngine, settings: Settings, directory: Path) -> list[str]:
    """Create and publish each `*.json` flow of `directory` in the local workspace once; returns the new ids.

    A file that does not validate or compile is skipped with a warning (the studio still starts).
    """
    from deca.errors import ConflictError, DecaError
    from deca.stores.models import FlowRecord, FlowVersion
    from statemachines.compiler import CompileOptions, compile_checked, validate_document

    workspace_id, user_id = settings.local_workspace_id, settings.local_user_id
    loaded: list[str] = []
    for path in sorted(directory.glob("*.json")):
        try:
            checked = validate_document(json.loads(path.read_text()))
            asl = compile_checked(checked, CompileOptions(workspace_id=workspace_id))
        except (DecaError, ValueError) as exc:
            logger.warning("example skipped: %s: %s", path.name, exc)
            continue
        flow = checked.flow
        document = flow.model_copy(update={"version": 1}).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        try:
            record, version = stores.flows.create_with_version(
                workspace_id,
                FlowRecord(
                    workspace_id=workspace_id,
                    flow_id=flow.id,
                    name=flow.name,
                    description=flow.description or "",
                    created_by=user_id,
                ),
                FlowVersion(
                    workspace_id=workspace_id,
                    flow_id=flow.id,
                    version=1,
                    definition=document,
                    created_by=user_id,
                    comment="example",
                ),
            )
        except ConflictError:
            continue  # loaded by an earlier run (and maybe edited since): leave it alone
        engine.deploy(record, version, asl)
        current = stores.flows.get(workspace_id, record.flow_id)
        stores.flows.update(workspace_id, current.model_copy(update={"published_version": version.version}))
        loaded.append(flow.id)
    return loaded


def _mount_ui(app: FastAPI, dist: Path) -> None:
    """Serve the built UI at `/`; unknown paths that are not API routes get `index.html` (SPA routing)."""
    from starlette.exceptions import HTTPException
    from starlette.responses import Response
    from starlette.staticfiles import StaticFiles
    from starlette.types import Scope

    class SpaFiles(StaticFiles):
        async def get_response(self, path: str, scope: Scope) -> Response:
            try:
                return await super().get_response(path, scope)
            except HTTPException as exc:
                if exc.status_code != 404:
                    raise
                return await super().get_response("index.html", scope)

    app.mount("/", SpaFiles(directory=dist, html=True), name="ui")


def build_studio(
    settings: Settings, *, examples: Path | None, ui_dist: Path | None
) -> tuple[FastAPI, Stores, LocalEngine]:
    """The studio's app with its stores and engine (the caller closes the engine, then the stores)."""
    from api.app import create_app
    from api.routes.webhook_calls import ANSWER_ON_EVENT_LOOP
    from deca import wiring
    from deca.engines.local import LocalEngine
    from deca.engines.local_checkpoints import LocalCheckpoints
    from deca.hitl.setup import attach_human_tasks, human_task_service
    from deca.local.studio_services import attach_studio_services

    stores = wiring.open_stores(settings, embedded=True)
    human_tasks = human_task_service(settings)  # approval and form nodes open (and notify) their requests
    deca_data = wiring.open_deca_data(settings, embedded=True)
    envelope = wiring.open_envelope(settings)  # one key for the API's credentials and the nodes' use of them
    engine = LocalEngine(
        stores,
        checkpoints=LocalCheckpoints.at(settings.data_dir / "engine.db"),
        run_brief_in_caller=True,  # flows of a few pure steps end before their start returns
        # Node contexts of the studio: its stores and credentials, DECA data in the same SQLite file,
        # payloads on disk.
        context=wiring.node_context_factory(
            settings,
            stores,
            embedded=True,
            secrets=wiring.StoreSecrets(stores, envelope),
            http_client=wiring.guarded_http(settings),
            deca_data=deca_data,
            services={"human_tasks": human_tasks, "conversations": wiring.open_conversations(settings)},
        ),
    )
    human_tasks.callbacks = engine
    _ensure_workspace(stores, settings)
    if examples is not None and examples.is_dir():
        load_examples(stores, engine, settings, examples)
    app = create_app(settings, stores, envelope=envelope)
    app.state.engine = engine
    # Its stores are local files: webhook calls of async triggers are answered on the event loop.
    setattr(app.state, ANSWER_ON_EVENT_LOOP, True)
    app.state.deca_data = deca_data  # the MCP server's CRM tools
    # answers and signed links resume the engine; requests are swept every minute while the app runs
    attach_human_tasks(app, human_tasks)
    if ui_dist is not None and (ui_dist / "index.html").is_file():
        _mount_ui(app, ui_dist)
    attach_studio_services(
        app, settings, stores, engine
    )  # scheduler, bus, task worker: with the app's lifespan
    engine.resume_running()
    return app, stores, engine


SWITCH_INTERVAL_SECONDS = 0.001
"""How long a thread runs Python before another waiting thread gets its turn (Python's default: 5 ms)."""


def tune_for_serving() -> None:
    """Process-wide settings for a long-running server, applied once the studio is built.

    Everything built so far (modules, the app, schemas, caches) lives as long as the process: `gc.freeze()`
    moves it out of the collector's sight, so a full collection no longer scans it (such collections
    stalled every request for 100-200 ms under load). The collector's thresholds stay Python's: raising them
    saved some CPU but let garbage with cycles pile up (the process grew by about 25 MB per 1,000
    executions). A shorter switch interval hands the interpreter to a waiting request thread sooner while
    executions run.
    """
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def dev(args: argparse.Namespace) -> int:
    """Serve the studio until Ctrl-C; prints its URL and a bearer token for the local owner."""
    import uvicorn

    from deca.auth import mint_local_token
    from deca.cli.dev_workers import start_workers, stop_workers

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = studio_settings(args)
    root = repository_root()
    examples = None if args.no_examples else Path(args.examples) if args.examples else root / "examples"
    app, stores, engine = build_studio(settings, examples=examples, ui_dist=root / "ui" / "dist")
    tune_for_serving()
    host, port = args.host, args.port
    shown = f"[{host}]" if ":" in host else host
    token = mint_local_token(settings)
    print(f"DECA studio: http://{shown}:{port}", flush=True)
    print(f"Token: {token}", flush=True)
    # The UI reads `?token=` once and keeps it for the browser session (local sign-in).
    print(f"Open: http://{shown}:{port}/?token={token}", flush=True)
    print(f"Data: {settings.data_dir}", file=sys.stderr, flush=True)
    workers = max(1, args.workers)
    sockets = [_listen(host, port, shared=workers > 1)]
    if workers > 1:  # the extra processes forward what they do not serve to this one's private port
        sockets.append(_listen("127.0.0.1", 0, shared=False))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped like Ctrl-C: workers and engine too
    extra: list[subprocess.Popen[bytes]] = []
    try:
        if workers > 1:
            private_port = sockets[1].getsockname()[1]
            extra = start_workers(
                workers - 1, host=host, port=port, data_dir=settings.data_dir, primary_port=private_port
            )
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn shut down, then re-raised it
            server.run(sockets=sockets)
    finally:
        stop_workers(extra)
        engine.close()
        stores.close()
    return 0


def _listen(host: str, port: int, *, shared: bool) -> socket.socket:
    try:
        return listening_socket(host, port, shared=shared)
    except OSError as exc:
        raise DecaError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
