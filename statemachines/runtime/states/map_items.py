"""Where a Map's items come from and how they are grouped: ItemReader and ItemBatcher."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from statemachines.runtime.errors import DefinitionError, StatesError
from statemachines.runtime.resources import classify_resource

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter
    from statemachines.runtime.states.map import MapState

__all__ = ["batch_items", "compile_batcher", "compile_reader", "read_items"]


def compile_reader(state: MapState, reader: Any) -> Any:
    """Compile `ItemReader`: (resource, parameters template, MaxItems), or None without one."""
    if not isinstance(reader, dict):
        return None
    try:
        kind = classify_resource(str(reader.get("Resource")))
    except ValueError as exc:
        raise DefinitionError(
            f"State '{state.name}': ItemReader: {exc}", state=state.name, field="ItemReader"
        ) from None
    params: Any
    if state.jsonata:
        params = state._jsonata(reader.get("Arguments", {}), "ItemReader/Arguments")
    else:
        params = state._payload(reader.get("Parameters", {}), "ItemReader.Parameters")
    config = reader.get("ReaderConfig") or {}
    return (kind, params, state._number_field(config, "MaxItems"))


def compile_batcher(state: MapState, batcher: Any) -> Any:
    """Compile `ItemBatcher`: (MaxItemsPerBatch, MaxInputBytesPerBatch, BatchInput), or None."""
    if not isinstance(batcher, dict):
        return None
    batch_input: Any = None
    if "BatchInput" in batcher:
        if state.jsonata:
            batch_input = state._jsonata(batcher["BatchInput"], "ItemBatcher/BatchInput")
        else:
            batch_input = state._payload(batcher["BatchInput"], "ItemBatcher.BatchInput")
    return (
        state._number_field(batcher, "MaxItemsPerBatch"),
        state._number_field(batcher, "MaxInputBytesPerBatch"),
        batch_input,
    )


def read_items(state: MapState, ex: Interpreter, data: Any, bindings: Any) -> list[Any]:
    """The items an ItemReader returns (through a registered integration), up to MaxItems."""
    kind, params, max_items = state.reader
    parameters = params(bindings) if state.jsonata else params(data, ex)
    items = ex.tasks.call_service(kind, json.loads(json.dumps(parameters)))
    if isinstance(items, str):
        try:
            items = json.loads(items)
        except ValueError:
            raise StatesError("States.ItemReaderFailed", "The ItemReader content is not valid JSON") from None
    if not isinstance(items, list):
        raise StatesError("States.ItemReaderFailed", "The ItemReader did not return an array of items")
    limit = state._limit(ex, max_items, "MaxItems", data, bindings, integer=True)
    return items[: int(limit)] if limit else items


def batch_items(state: MapState, ex: Interpreter, inputs: list[Any], data: Any, bindings: Any) -> list[Any]:
    """Group iteration inputs into `{"Items": [...], "BatchInput": ...}` batches."""
    max_items_spec, max_bytes_spec, batch_input = state.batcher
    max_items = state._limit(ex, max_items_spec, "MaxItemsPerBatch", data, bindings, integer=True)
    max_bytes = state._limit(ex, max_bytes_spec, "MaxInputBytesPerBatch", data, bindings, integer=True)
    extra = None
    if batch_input is not None:
        extra = batch_input(bindings) if state.jsonata else batch_input(data, ex)
    batches: list[list[Any]] = []
    size = 0
    for item in inputs:
        item_size = len(json.dumps(item, separators=(",", ":")).encode())
        current = batches[-1] if batches else None
        if (
            current is None
            or (max_items and len(current) >= max_items)
            or (max_bytes and current and size + item_size > max_bytes)
        ):
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item_size
    out: list[Any] = []
    for chunk in batches:
        batch: dict[str, Any] = {"Items": chunk}
        if extra is not None:
            batch["BatchInput"] = extra
        out.append(batch)
    return out
