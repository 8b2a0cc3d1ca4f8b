"""How node logic reaches the DECA data stores (`ctx.services["deca_data"]`) and runs writes once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from deca.deca_data.errors import DecaDataError

if TYPE_CHECKING:
    from deca.deca_data.stores import DecaDataStores
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SERVICE_KEY", "data_stores", "write_once"]

SERVICE_KEY = "deca_data"
OutputT = TypeVar("OutputT", bound=BaseModel)


def data_stores(ctx: NodeContext) -> DecaDataStores:
    """The DECA data stores of the context (or of its factory); `DecaDataError` when there are none."""
    from deca.deca_data.stores import DecaDataStores

    stores = ctx.services.get(SERVICE_KEY)
    if callable(stores) and not isinstance(stores, DecaDataStores):
        stores = stores()  # the wiring passes a cached factory, built on first use
    if not isinstance(stores, DecaDataStores):
        raise DecaDataError(f'the node context has no DECA data stores (services["{SERVICE_KEY}"])')
    return stores


def write_once(
    ctx: NodeContext, task: NodeTask, output: type[OutputT], act: Callable[[], OutputT]
) -> OutputT:
    """`act()` once per execution and node: a retry or redrive replays the first success's output."""
    from deca.integrations.idempotency import run_once

    return run_once(ctx, task, output, act)
