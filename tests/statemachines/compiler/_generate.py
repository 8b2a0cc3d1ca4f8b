"""Hypothesis strategies: random VALID flows (series-parallel graphs of registered node types) and mutations."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from deca.errors import CompileErrors
from deca.nodes.registry import NODE_TYPES
from statemachines.compiler import validate_document

_STRUCTURAL = {"loop", "condition", "switch", "fail", "merge"}


def _usable_types() -> list[str]:
    """Registered types whose example config validates on its own (no reference to other nodes)."""
    usable = []
    for node_type, spec in NODE_TYPES.items():
        if spec.kind in _STRUCTURAL:
            continue
        document = {
            "id": "probe",
            "name": "probe",
            "nodes": [{"id": "n", "type": node_type, "config": dict(spec.example)}],
        }
        try:
            validate_document(document)
        except CompileErrors:
            continue
        usable.append(node_type)
    return usable


USABLE_TYPES = _usable_types()


def _first_field(node_type: str) -> str | None:
    fields = list(NODE_TYPES[node_type].output.model_fields)
    return fields[0] if fields else None


@dataclass
class Block:
    """A generated sub-graph with one entry and one exit node."""

    entry: str
    exit: str
    certain: list[str]  # nodes surely run once the block is done


@dataclass
class Builder:
    """Accumulates nodes and connections while a flow is generated."""

    draw: Any
    nodes: list[dict[str, Any]] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self.counter)}"

    def add(self, node_type: str, config: dict[str, Any], prefix: str = "n") -> str:
        node_id = self.new_id(prefix)
        self.nodes.append({"id": node_id, "type": node_type, "config": config})
        self.types[node_id] = node_type
        return node_id

    def connect(self, source: str, target: str, **fields: Any) -> None:
        self.connections.append({"from": source, "to": target, **fields})

    def reference(self, available: list[str]) -> str:
        if not available or not self.draw(st.booleans()):
            return "{{ input.value }}"
        target = self.draw(st.sampled_from(available))
        name = _first_field(self.types[target])
        return "{{ " + target + (f".{name}" if name else "") + " }}"

    def task(self, available: list[str], in_loop: bool) -> Block:
        node_type = self.draw(st.sampled_from(["function", "function", "transform", *USABLE_TYPES]))
        if node_type == "function":
            config: dict[str, Any] = {"function_id": "fn", "input": self.reference(available)}
            if in_loop and self.draw(st.booleans()):
                config["input"] = "{{ [item, index] }}"
        elif node_type == "transform":
            config = {"output": {"value": self.reference(available), "n": 1}}
        else:
            config = dict(NODE_TYPES[node_type].example)
        node_id = self.add(node_type, config)
        return Block(node_id, node_id, [node_id])

    def block(self, depth: int, available: list[str], in_loop: bool = False) -> Block:
        shapes = ["task"] if depth <= 0 else ["task", "sequence", "fanout", "condition", "switch", "loop"]
        shape = self.draw(st.sampled_from(shapes))
        if shape == "task":
            return self.task(available, in_loop)
        if shape == "sequence":
            first = self.block(depth - 1, available, in_loop)
            second = self.block(depth - 1, available + first.certain, in_loop)
            conditional = self.draw(st.booleans())
            condition = {"condition": "{{ " + first.exit + " != null }}"} if conditional else {}
            self.connect(first.exit, second.entry, **condition)
            return Block(first.entry, second.exit, first.certain + ([] if conditional else second.certain))
        if shape == "fanout":
            fork = self.task(available, in_loop)
            branches = [
                self.block(depth - 1, available + fork.certain, in_loop)
                for _ in range(self.draw(st.integers(2, 3)))
            ]
            join = self.add("merge", {"mode": self.draw(st.sampled_from(["by_node", "combine", "append"]))})
            certain = list(fork.certain)
            for branch in branches:
                self.connect(fork.exit, branch.entry)
                self.connect(branch.exit, join)
                certain += branch.certain
            return Block(fork.entry, join, [*certain, join])
        if shape == "condition":
            check = self.add("condition", {"condition": "{{ input.value > 3 }}"})
            yes = self.block(depth - 1, [*available, check], in_loop)
            no = self.block(depth - 1, [*available, check], in_loop)
            join = self.add("noop", {})
            self.connect(check, yes.entry, label="true")
            self.connect(check, no.entry, label="false")
            self.connect(yes.exit, join)
            self.connect(no.exit, join)
            return Block(check, join, [check, join])
        if shape == "switch":
            cases = [
                {"name": "small", "condition": "{{ input.value < 3 }}"},
                {"name": "large", "condition": "{{ input.value > 10 }}"},
            ]
            router = self.add("switch", {"cases": cases})
            join = self.add("noop", {})
            for label in ("small", "large", "default"):
                branch = self.block(depth - 1, [*available, router], in_loop)
                self.connect(router, branch.entry, label=label)
                self.connect(branch.exit, join)
            return Block(router, join, [router, join])
        loop = self.add(
            "loop",
            {"items": "{{ input.items }}", "max_concurrency": self.draw(st.sampled_from([None, 2, 100]))},
        )
        body = self.block(depth - 1, list(available), in_loop=True)
        self.connect(loop, body.entry, label="body")
        self.connect(body.exit, loop)
        return Block(loop, loop, [loop])


@st.composite
def valid_flows(draw: Any, max_depth: int = 3) -> dict[str, Any]:
    """A random valid flow document."""
    builder = Builder(draw)
    roots = draw(st.integers(1, 2))
    blocks = [builder.block(draw(st.integers(0, max_depth)), []) for _ in range(roots)]
    if len(blocks) > 1:
        join = builder.add("merge", {"mode": "by_node"})
        for block in blocks:
            builder.connect(block.exit, join)
    strategy = draw(st.sampled_from(["stop_on_error", "continue_on_error"]))
    return {
        "id": "generated",
        "name": "Generated flow",
        "nodes": builder.nodes,
        "connections": builder.connections,
        "settings": {"timeout": 600, "error_strategy": strategy, "parallelism": 3},
    }


MUTATIONS = ("unknown_type", "bad_config", "dangling_edge", "cycle", "bad_template", "unknown_reference")


def mutate(document: dict[str, Any], mutation: str, index: int) -> dict[str, Any]:
    """A copy of a valid flow broken in one way."""
    nodes = [dict(n, config=dict(n["config"])) for n in document["nodes"]]
    connections = list(document["connections"])
    target = nodes[index % len(nodes)]
    if mutation == "unknown_type":
        target["type"] = "no_such_type"
    elif mutation == "bad_config":
        target["config"]["no_such_field"] = 1
    elif mutation == "dangling_edge":
        connections.append({"from": target["id"], "to": "ghost"})
    elif mutation == "cycle":
        a, b = f"{target['id']}-x", f"{target['id']}-y"
        nodes += [{"id": a, "type": "noop", "config": {}}, {"id": b, "type": "noop", "config": {}}]
        connections += [{"from": target["id"], "to": a}, {"from": a, "to": b}, {"from": b, "to": a}]
    elif mutation == "bad_template":
        nodes.append(
            {"id": "broken", "type": "function", "config": {"function_id": "f", "input": "{{ input.x + }}"}}
        )
    else:
        nodes.append(
            {"id": "lost", "type": "function", "config": {"function_id": "f", "input": "{{ ghost.result }}"}}
        )
    return {**document, "nodes": nodes, "connections": connections}


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.text(max_size=12)
    | st.sampled_from(["{{ input.x }}", "{{", "}}", "{{ a.b + }}", "n-1", "body", "true", "{% x %}"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["id", "type", "config", "from", "to", "label", "condition", "items", "cases", "on_error"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)
"""Small JSON values, biased towards flow keys and template-like strings."""


def json_paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path to a value inside a JSON document (the root excluded)."""
    found: list[tuple[str | int, ...]] = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += json_paths(item, (*path, index))
    return found


def replaced(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy of a document with the value at `path` replaced."""
    copy: dict[str, Any] = json.loads(json.dumps(document))
    current: Any = copy
    for key in path[:-1]:
        current = current[key]
    current[path[-1]] = value
    return copy


@st.composite
def random_dags(draw: Any) -> dict[str, Any]:
    """Arbitrary DAGs (not only series-parallel) of functions, conditions, noops and merges."""
    count = draw(st.integers(2, 9))
    kinds = [
        draw(st.sampled_from(["function", "function", "function", "condition", "switch", "noop", "merge"]))
        for _ in range(count)
    ]
    nodes: list[dict[str, Any]] = []
    for index, node_type in enumerate(kinds):
        config: dict[str, Any] = {}
        if node_type == "function":
            config = {"function_id": "f", "input": "{{ input.x }}"}
        elif node_type == "condition":
            config = {"condition": "{{ input.x > " + str(index) + " }}"}
        elif node_type == "switch":
            config = {
                "cases": [
                    {"name": "one", "condition": "{{ input.x = 1 }}"},
                    {"name": "big", "condition": "{{ input.y > 5 }}"},
                ]
            }
        nodes.append({"id": f"n{index}", "type": node_type, "config": config})
    connections: list[dict[str, Any]] = []
    for source in range(count):
        for target in range(source + 1, count):
            if draw(st.integers(0, 3)) != 0:
                continue
            connection: dict[str, Any] = {"from": f"n{source}", "to": f"n{target}"}
            if kinds[source] == "condition":
                connection["label"] = draw(st.sampled_from(["true", "false"]))
            elif kinds[source] == "switch":
                connection["label"] = draw(st.sampled_from(["one", "big", "default"]))
            elif draw(st.integers(0, 4)) == 0:
                connection["condition"] = "{{ input.y = " + str(target) + " }}"
            connections.append(connection)
    return {"id": "dag", "name": "Random DAG", "nodes": nodes, "connections": connections}
