"""The node registry: every type is complete, documented and follows the one-module-per-type pattern."""

from __future__ import annotations

import importlib
import pkgutil
import re
import typing
import warnings
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from pydantic import BaseModel

import deca.nodes
from deca.nodes.base import NodeCategory, NodeConfig, NodeKind, NodeOutput, NodeSpec
from deca.nodes.common import OperationConfig
from deca.nodes.registry import NODE_TYPES, get_spec

ALL_TYPES = sorted(NODE_TYPES)

# Every node type the architecture document names, plus the general-purpose ones the platform promises.
REQUIRED_TYPES = {
    "agent", "function", "code", "condition", "branch", "switch", "loop", "transform", "merge", "filter",
    "set", "sort", "aggregate", "wait", "sub_flow", "respond_to_webhook", "stop_and_error", "noop",
    "approval", "form", "webhook_trigger", "schedule_trigger", "event_trigger", "deca_chatbot", "deca_pages",
    "deca_forms", "deca_knowledge_base", "deca_crm", "deca_tables", "openai", "google_sheets", "google_gmail",
    "google_drive", "google_calendar", "zendesk", "s3", "http_request", "slack", "email", "mcp_tool",
}  # fmt: skip

_NOT_NODE_MODULES = {
    "base",
    "common",
    "context",
    "handlers",
    "info",
    "payloads",
    "registry",
    "secret_use",
    "task",
}
_SECRET_NAME = re.compile(r"(^|_)(password|passwd|secret|api_key|apikey|token|access_token|private_key)$")


def _models_of(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The model and every model nested in its fields, once each."""
    seen: set[type[BaseModel]] = set()
    stack = [model]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        yield current
        for field in current.model_fields.values():
            stack.extend(_nested(field.annotation))


def _nested(annotation: Any) -> Iterator[type[BaseModel]]:
    for arg in get_args(annotation):
        yield from _nested(arg)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation


def test_catalogue_has_at_least_35_types() -> None:
    assert len(NODE_TYPES) >= 35


def test_every_required_node_type_is_registered() -> None:
    assert REQUIRED_TYPES - set(NODE_TYPES) == set()


def test_registry_is_sorted_by_type() -> None:
    assert list(NODE_TYPES) == sorted(NODE_TYPES)


def test_every_node_module_is_registered() -> None:
    # Given every module of the deca.nodes package that defines a node type
    names = {m.name for m in pkgutil.iter_modules(deca.nodes.__path__)} - _NOT_NODE_MODULES
    # Then each is registered under its own module name
    assert names == set(NODE_TYPES)


def test_get_spec_of_unknown_type_is_none() -> None:
    assert get_spec("no_such_node") is None


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_spec_lives_in_the_module_named_for_its_type(node_type: str) -> None:
    module = importlib.import_module(f"deca.nodes.{node_type}")
    assert module.SPEC is NODE_TYPES[node_type]
    assert module.SPEC.type == node_type


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_spec_has_config_output_description_and_kind(node_type: str) -> None:
    spec: NodeSpec = NODE_TYPES[node_type]
    assert issubclass(spec.config, NodeConfig)
    assert issubclass(spec.output, NodeOutput)
    assert spec.description and "\n" not in spec.description and not spec.description.endswith(".")
    assert spec.kind in get_args(NodeKind)
    assert spec.category in get_args(NodeCategory)
    assert re.fullmatch(r"[a-z0-9-]+", spec.icon)
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]+", name) for name in spec.errors)


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_model_names_follow_the_type(node_type: str) -> None:
    spec = NODE_TYPES[node_type]
    assert spec.config.__name__.endswith("Config")
    assert spec.output.__name__.endswith("Output")
    assert spec.config.__name__.lower().replace("config", "") == node_type.replace("_", "")


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_example_config_is_valid(node_type: str) -> None:
    spec = NODE_TYPES[node_type]
    spec.config.model_validate(spec.example)


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_every_config_and_output_field_is_described(node_type: str) -> None:
    spec = NODE_TYPES[node_type]
    undocumented = [
        f"{model.__name__}.{name}"
        for root in (spec.config, spec.output)
        for model in _models_of(root)
        for name, field in model.model_fields.items()
        if not field.description
    ]
    assert undocumented == []


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_no_config_field_holds_a_secret(node_type: str) -> None:
    # Secrets are referenced with `credential_id`, never written in a flow.
    names = [
        f"{model.__name__}.{name}"
        for model in _models_of(NODE_TYPES[node_type].config)
        for name in model.model_fields
        if _SECRET_NAME.search(name)
    ]
    assert names == []


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_config_and_output_schemas_build(node_type: str) -> None:
    spec = NODE_TYPES[node_type]
    assert spec.config.model_json_schema()["type"] == "object"
    assert spec.output.model_json_schema()["type"] == "object"


_OPERATION_TYPES = [t for t in ALL_TYPES if issubclass(NODE_TYPES[t].config, OperationConfig)]


@pytest.mark.parametrize("node_type", _OPERATION_TYPES)
def test_operation_rules_cover_every_operation(node_type: str) -> None:
    config = typing.cast(type[OperationConfig], NODE_TYPES[node_type].config)
    selector = config.model_fields[config.SELECTOR]
    assert set(get_args(selector.annotation)) == set(config.OPERATIONS)
    assert next(iter(config.model_fields)) == config.SELECTOR  # validated first, so rules can read it


@pytest.mark.parametrize("node_type", _OPERATION_TYPES)
def test_operation_specific_fields_exist_and_default_to_none(node_type: str) -> None:
    config = typing.cast(type[OperationConfig], NODE_TYPES[node_type].config)
    for name in config.operation_fields():
        assert name in config.model_fields, name
        assert config.model_fields[name].default is None, name


@pytest.mark.parametrize("node_type", ALL_TYPES)
def test_example_config_dumps_without_serializer_warnings(node_type: str) -> None:
    # A default whose type does not match its annotation (30 for a float) makes pydantic warn on every dump.
    spec = NODE_TYPES[node_type]
    config = spec.config.model_validate(spec.example)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumped = config.model_dump(mode="json", by_alias=True)
    assert spec.config.model_validate(dumped) == config
