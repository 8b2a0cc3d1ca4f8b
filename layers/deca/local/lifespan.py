"""Background services that run for an app's lifetime: started when it starts serving, stopped when it stops."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["run_with_app"]


def run_with_app(app: FastAPI, start: Callable[[], None], stop: Callable[[], None]) -> None:
    """Wrap the app's lifespan: `start()` before it serves, `stop()` after it stops (also on errors)."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(served: Any) -> AsyncIterator[Any]:
        start()
        try:
            async with inner(served) as state:
                yield state
        finally:
            stop()

    app.router.lifespan_context = lifespan
