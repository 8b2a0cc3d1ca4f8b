"""Trigger data is data: template syntax inside it stays a literal string through a whole flow run, and
templates the author writes reach only the documented roots, never the environment, credentials or host
objects.

Templates are compiled to JSONata once, from the flow document; the runtime only evaluates those compiled
expressions, with the execution input, node outputs and `vars` as data. These tests run flows on the
local engine (the same compiled state machine as on AWS) and look at what came out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from deca.engines.local import LocalEngine
from deca.errors import CompileErrors
from deca.flow import Flow
from deca.stores import Stores, memory_stores
from statemachines.compiler import check_flow
from statemachines.runtime import FakeClock
from tests.layers.engines.conftest import WORKSPACE, store_flow

ENV_SECRET = "env-secret-for-template-tests-91c2"

HOSTILE_STRINGS = [
    "{{ 1 + 1 }}",
    "{{ $eval('1 + 1') }}",
    "{{ input.text }}",
    "${7*7}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{{ __class__.__mro__ }}",
    "{{ $env }}",
    "{{ $states.context }}",
    "#{7*7} <%= 7*7 %> $(id) `id`",
]


@pytest.fixture
def stores() -> Stores:
    return memory_stores()


@pytest.fixture
def engine(stores: Stores, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalEngine]:
    monkeypatch.setenv("DECA_TEMPLATE_TEST_SECRET", ENV_SECRET)
    built = LocalEngine(stores, clock=FakeClock(), park_after_seconds=None, max_workers=2)
    yield built
    built.close()


def _run(engine: LocalEngine, stores: Stores, nodes: list[dict[str, Any]], payload: Any) -> Any:
    document = {
        "id": "echo",
        "name": "Echo",
        "nodes": nodes,
        "connections": [{"from": a["id"], "to": b["id"]} for a, b in itertools.pairwise(nodes)],
    }
    store_flow(stores, document)
    execution_id = engine.start(WORKSPACE, "echo", 1, payload)
    record = engine.wait(WORKSPACE, execution_id, 30)
    assert record.status == "succeeded", record
    return record.output


@pytest.mark.parametrize("hostile", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
def test_template_syntax_in_trigger_data_stays_a_literal(
    engine: LocalEngine, stores: Stores, hostile: str
) -> None:
    # Given a webhook body carrying template syntax, copied by one node and interpolated by the next
    nodes = [
        {
            "id": "copy",
            "type": "set",
            "config": {"values": {"text": "{{ input.text }}", "all": "{{ input }}"}},
        },
        {
            "id": "say",
            "type": "transform",
            "config": {"output": {"message": "got: {{ copy.text }}", "nested": "{{ copy.all }}"}},
        },
    ]

    # When the flow runs
    output = _run(engine, stores, nodes, {"text": hostile})

    # Then every value is the literal text, never its evaluation
    assert output["copy"]["text"] == hostile
    assert output["copy"]["all"] == {"text": hostile}
    assert output["say"]["message"] == f"got: {hostile}"
    assert output["say"]["nested"] == {"text": hostile}
    assert ENV_SECRET not in repr(output)


def _compiles(expression: str) -> bool:
    flow = Flow.model_validate(
        {
            "id": "peek",
            "name": "Peek",
            "nodes": [{"id": "peek", "type": "set", "config": {"values": {"v": expression}}}],
        }
    )
    try:
        check_flow(flow)
    except CompileErrors:
        return False
    return True


def test_a_template_cannot_read_the_environment(engine: LocalEngine, stores: Stores) -> None:
    # JSONata has no environment access: `$env` is no function, so the step fails and reveals nothing
    nodes = [
        {"id": "peek", "type": "set", "config": {"values": {"v": "{{ $env('DECA_TEMPLATE_TEST_SECRET') }}"}}}
    ]
    store_flow(stores, {"id": "env", "name": "Env", "nodes": nodes})

    execution_id = engine.start(WORKSPACE, "env", 1, {})
    record = engine.wait(WORKSPACE, execution_id, 30)

    assert record.status == "failed"
    assert ENV_SECRET not in repr(record.model_dump(mode="json"))
    assert ENV_SECRET not in repr(
        [e.model_dump(mode="json") for e in engine.history(WORKSPACE, execution_id)]
    )


@pytest.mark.parametrize(
    "expression",
    [
        "{{ $eval(input.text) }}",
        "{{ $eval('1 + 1') }}",
        "{{ $states.context }}",
        "{{ $states.input }}",
        "{{ __class__ }}",
        "{{ __import__ }}",
    ],
    ids=["eval-of-data", "eval", "states-context", "states-input", "dunder", "import"],
)
def test_a_template_naming_no_documented_root_does_not_compile(expression: str) -> None:
    # `$eval` would turn data into code; `$states` is the runtime's; a bare name must be a node or a root
    assert not _compiles(expression)


@pytest.mark.parametrize(
    "expression",
    [
        "{{ input.__class__ }}",
        "{{ input.__class__.__mro__ }}",
        "{{ input.__globals__ }}",
        "{{ input.text.__len__ }}",
    ],
    ids=["class", "mro", "globals", "len"],
)
def test_attribute_names_are_json_field_lookups_never_python_attributes(
    engine: LocalEngine, stores: Stores, expression: str
) -> None:
    # Given a template that walks Python attribute names below a documented root
    nodes = [{"id": "peek", "type": "set", "config": {"values": {"v": expression}}}]

    # When it runs on trigger data
    output = _run(engine, stores, nodes, {"text": "x"})

    # Then the lookups found no such JSON fields: nothing of the host came back
    assert output == {"peek": {}}
