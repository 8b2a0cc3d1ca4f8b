"""The flow document models: the seed flow validates unchanged; node errors are located."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from deca.flow import docs_text
from deca.flow.models import NODE_CLASSES, Flow
from deca.nodes.registry import NODE_TYPES

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed-onboarding.json"


def _seed() -> dict[str, Any]:
    seed: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return seed


def _flow(*nodes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "f", "name": "Test", "nodes": list(nodes), **extra}


def _locations(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationError) as caught:
        Flow.model_validate(document)
    return [e["loc"] for e in caught.value.errors()]


def test_seed_flow_validates() -> None:
    flow = Flow.model_validate(_seed())
    assert [(n.id, n.type) for n in flow.nodes] == [
        ("validate-input", "function"),
        ("create-persona", "agent"),
    ]


def test_seed_flow_round_trips_unchanged() -> None:
    flow = Flow.model_validate(_seed())
    assert flow.model_dump(mode="json", by_alias=True, exclude_unset=True) == _seed()


def test_seed_copy_matches_the_shared_acceptance_data(repo_root: Path) -> None:
    shared = repo_root.parent / "shared" / "checks" / "data" / "seed-onboarding.json"
    if not shared.is_file():
        pytest.skip("shared acceptance data not present next to the repository")
    assert json.loads(shared.read_text(encoding="utf-8")) == _seed()


def test_docs_example_is_the_seed_flow() -> None:
    assert json.loads(docs_text.EXAMPLE) == _seed()


def test_seed_flow_satisfies_the_exported_json_schema() -> None:
    validator = jsonschema.Draft202012Validator(Flow.model_json_schema(by_alias=True))
    assert [e.message for e in validator.iter_errors(_seed())] == []


def test_exported_json_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(Flow.model_json_schema(by_alias=True))


def test_every_registered_type_has_a_node_class() -> None:
    assert set(NODE_CLASSES) == set(NODE_TYPES)


def test_node_config_error_is_located_under_the_node() -> None:
    document = _flow({"id": "fetch", "type": "http_request", "config": {"method": "GET"}})
    assert _locations(document) == [("nodes", 0, "http_request", "config", "url")]


def test_missing_required_config_is_located_at_config() -> None:
    assert _locations(_flow({"id": "fetch", "type": "http_request"})) == [
        ("nodes", 0, "http_request", "config")
    ]


def test_config_may_be_omitted_when_every_field_has_a_default() -> None:
    flow = Flow.model_validate(_flow({"id": "join", "type": "merge"}, {"id": "idle", "type": "noop"}))
    assert [n.config.model_dump() for n in flow.nodes] == [{"mode": "by_node", "inputs": None}, {}]


def test_unknown_node_type_is_rejected_at_the_type() -> None:
    errors = _locations(_flow({"id": "x", "type": "fax", "config": {}}))
    assert errors == [("nodes", 0)]


def test_every_example_config_builds_a_valid_flow() -> None:
    nodes = [
        {"id": f"n{index}", "type": t, "config": dict(spec.example)}
        for index, (t, spec) in enumerate(NODE_TYPES.items())
    ]
    flow = Flow.model_validate(_flow(*nodes))
    assert len(flow.nodes) == len(NODE_TYPES)


def test_duplicate_and_reserved_ids_are_reported_together() -> None:
    document = _flow(
        {"id": "a", "type": "noop"}, {"id": "a", "type": "noop"}, {"id": "input", "type": "noop"}
    )
    with pytest.raises(ValidationError) as caught:
        Flow.model_validate(document)
    message = str(caught.value)
    assert "nodes[1].id: duplicate node id 'a'" in message
    assert "nodes[2].id: 'input' is reserved" in message


def test_connection_to_unknown_node_is_reported() -> None:
    document = _flow({"id": "a", "type": "noop"}, connections=[{"from": "a", "to": "b"}])
    with pytest.raises(ValidationError, match=r"connections\[0\]\.to: unknown node 'b'"):
        Flow.model_validate(document)
