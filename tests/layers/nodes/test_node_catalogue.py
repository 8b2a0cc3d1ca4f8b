"""`deca.nodes.catalogue()`: the catalogue as pydantic models, the same data `deca nodes` prints."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import deca.nodes
from deca.errors import InputError
from deca.nodes.common import OpenOutput
from deca.nodes.info import NodeTypeInfo, catalogue, node_type_info
from deca.nodes.registry import NODE_TYPES


def test_catalogue_lists_every_registered_type_sorted() -> None:
    assert [info.type for info in catalogue()] == sorted(NODE_TYPES)


def test_catalogue_is_exported_by_the_package() -> None:
    assert deca.nodes.catalogue is catalogue
    assert deca.nodes.NodeTypeInfo is NodeTypeInfo


def test_catalogue_entry_carries_the_spec_and_its_schemas() -> None:
    spec = NODE_TYPES["http_request"]
    info = node_type_info("http_request")
    assert (info.category, info.kind, info.side_effects, info.icon) == ("integration", "task", True, "globe")
    assert info.errors == list(spec.errors)
    assert info.config_schema == spec.config.model_json_schema(by_alias=True)
    assert info.output_schema == spec.output.model_json_schema(by_alias=True)


def test_config_schema_uses_aliases() -> None:
    assert "from" in node_type_info("email").config_schema["properties"]


def test_unknown_type_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown node type 'fax'"):
        node_type_info("fax")


def test_entries_are_immutable() -> None:
    with pytest.raises(ValidationError):
        node_type_info("noop").icon = "x"  # type: ignore[misc]


@pytest.mark.parametrize("info", catalogue(), ids=lambda info: info.type)
def test_output_schema_says_whether_unknown_fields_exist(info: NodeTypeInfo) -> None:
    # The compiler rejects references to fields an output does not declare, unless the output is open.
    open_output = issubclass(NODE_TYPES[info.type].output, OpenOutput)
    assert info.output_schema["additionalProperties"] is open_output


def test_closed_output_rejects_undeclared_fields() -> None:
    with pytest.raises(ValidationError):
        NODE_TYPES["condition"].output.model_validate({"result": True, "extra": 1})


def test_open_output_keeps_any_field() -> None:
    output = NODE_TYPES["transform"].output.model_validate({"total": 3})
    assert output.model_dump() == {"total": 3}
