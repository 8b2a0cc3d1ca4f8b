"""The graph of a flow: edges by kind, loop bodies, topological order, ancestors and graph checks.

Every algorithm here is linear in nodes + edges (ancestor sets are bitsets), so a 1,000-node flow
is analysed in a few milliseconds.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from deca.errors import CompileError
from deca.flow.models import Connection, Flow, NodeBase
from deca.nodes.base import NodeSpec
from deca.nodes.registry import NODE_TYPES
from statemachines.compiler.dominance import EXIT, always_run, certainly_run, postdominators

__all__ = ["EXIT", "Edge", "FlowGraph", "postdominators", "variable_name"]

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9_]")


@functools.lru_cache(maxsize=65_536)
def variable_name(node_id: str, depth: int = 0) -> str:
    """The ASL variable holding a node's output in a scope `depth` levels deep (`n_`, `n1_`, ...)."""
    return f"n{depth or ''}_{_NOT_ALNUM.sub('_', node_id)}"


@dataclass(frozen=True)
class Edge:
    """A connection of the flow with its index in `connections`."""

    index: int
    source: str
    target: str
    condition: str | None
    label: str | None


@dataclass(frozen=True)
class Route:
    """One rule of a node's routing: `when` is `result` (condition node), `case` or `edge`."""

    when: str
    key: str  # the case name, or the edge condition text
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Routing:
    """Where a node goes next: Choice rules tested in order, then the default targets."""

    rules: tuple[Route, ...]
    default: tuple[str, ...]


@dataclass
class FlowGraph:
    """Nodes, edges and derived structure of a validated flow."""

    flow: Flow
    nodes: dict[str, NodeBase] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    out_edges: dict[str, list[Edge]] = field(default_factory=dict)
    in_edges: dict[str, list[Edge]] = field(default_factory=dict)
    error_targets: dict[str, str] = field(default_factory=dict)  # node -> its on_error.route_to
    loop_body: dict[str, set[str]] = field(default_factory=dict)  # loop -> body nodes
    loop_entry: dict[str, str] = field(default_factory=dict)
    loop_last: dict[str, list[str]] = field(default_factory=dict)  # loop -> sources of back edges
    region: dict[str, str | None] = field(default_factory=dict)  # node -> innermost loop (None: top)
    order: list[str] = field(default_factory=list)  # topological, document order among equals
    topo_index: dict[str, int] = field(default_factory=dict)
    ancestors: dict[str, int] = field(default_factory=dict)  # bitset over `position`
    certain: dict[str, int] = field(default_factory=dict)  # nodes that have surely run before
    always: set[str] = field(default_factory=set)  # nodes that run whenever their region runs
    roots: list[str] = field(default_factory=list)
    error_path_nodes: set[str] = field(default_factory=set)
    problems: list[CompileError] = field(default_factory=list)
    _specs: dict[str, NodeSpec] = field(default_factory=dict)
    _routings: dict[str, Routing] = field(default_factory=dict)
    _configs: dict[tuple[str, bool], dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def build(cls, flow: Flow) -> FlowGraph:
        """Analyse a flow; structural problems are collected in `problems`, never raised."""
        graph = cls(flow)
        for index, node in enumerate(flow.nodes):
            graph.nodes[node.id] = node
            graph._specs[node.id] = NODE_TYPES[str(getattr(node, "type"))]  # noqa: B009
            graph.position[node.id] = index
            graph.out_edges[node.id] = []
            graph.in_edges[node.id] = []
        for index, conn in enumerate(flow.connections):
            graph._add_edge(index, conn)
        for node in flow.nodes:
            if node.on_error is not None and node.on_error.route_to:
                if node.on_error.route_to in graph.nodes:
                    graph.error_targets[node.id] = node.on_error.route_to
                else:
                    graph._problem(node.id, "on_error.route_to", f"unknown node '{node.on_error.route_to}'")
        graph._find_loops()
        graph._order_and_ancestors()
        graph.certain = certainly_run(graph)
        graph.always = always_run(graph)
        graph._check_reachability()
        graph._check_labels()
        graph._check_variable_names()
        graph._check_error_names()
        return graph

    # --- helpers -------------------------------------------------------------------------------

    def spec(self, node_id: str) -> NodeSpec:
        """The registry entry of a node's type."""
        return self._specs[node_id]

    def kind(self, node_id: str) -> str:
        """The node kind (task, condition, loop, ...) of a node."""
        return self._specs[node_id].kind

    def config_json(self, node_id: str, *, full: bool = False) -> dict[str, Any]:
        """A node's config as JSON: the keys the author wrote, or (full) with every default filled in."""
        key = (node_id, full)
        cached = self._configs.get(key)
        if cached is None:
            config = getattr(self.nodes[node_id], "config", None)
            cached = (
                {}
                if config is None
                else config.model_dump(mode="json", by_alias=True, exclude_unset=not full)
            )
            self._configs[key] = cached
        return cached

    def where(self, node_id: str, suffix: str = "") -> str:
        """The document position of a node, e.g. `nodes[3].config.url`."""
        base = f"nodes[{self.position[node_id]}]"
        return f"{base}.{suffix}" if suffix else base

    def is_upstream(self, node_id: str, of: str) -> bool:
        """True when `node_id` has certainly finished before `of` starts."""
        return bool(self.ancestors.get(of, 0) >> self.position[node_id] & 1)

    def has_certainly_run(self, node_id: str, of: str) -> bool:
        """True when `node_id` has run on every path that reaches `of` (not skipped by a condition)."""
        if self.certain.get(of, 0) >> self.position[node_id] & 1:
            return True
        return node_id in self.always and self.is_upstream(node_id, of)

    def routing(self, node_id: str) -> Routing:
        """The out-edges of a node grouped as Choice rules and default targets (body/back edges excluded)."""
        cached = self._routings.get(node_id)
        if cached is None:
            cached = self._routings[node_id] = self._routing(node_id)
        return cached

    def _routing(self, node_id: str) -> Routing:
        kind = self.kind(node_id)
        edges = [e for e in self.out_edges[node_id] if not self.is_back_edge(e) and not self.is_body_edge(e)]
        if kind == "fail":
            return Routing((), ())
        if kind == "condition":
            true = tuple(e.target for e in edges if e.label in (None, "true"))
            false = tuple(e.target for e in edges if e.label == "false")
            return Routing((Route("result", "true", true),), false)
        cases = [c.name for c in getattr(getattr(self.nodes[node_id], "config", None), "cases", None) or []]
        if kind == "switch" and cases:
            rules = [Route("case", name, tuple(e.target for e in edges if e.label == name)) for name in cases]
            default = tuple(e.target for e in edges if e.label in (None, "default"))
            return Routing(tuple(rules), default)  # a matched case without edges ends the path
        rules = [Route("edge", e.condition, (e.target,)) for e in edges if e.condition is not None]
        return Routing(tuple(rules), tuple(e.target for e in edges if e.condition is None))

    def forward_successors(self, node_id: str) -> Iterable[str]:
        """Targets of out-edges that are not loop back edges (the body edge included)."""
        for edge in self.out_edges[node_id]:
            if not self.is_back_edge(edge):
                yield edge.target

    def is_back_edge(self, edge: Edge) -> bool:
        """True for the edge from the last body node back to its loop node."""
        body = self.loop_body.get(edge.target)
        return body is not None and edge.source in body

    def is_body_edge(self, edge: Edge) -> bool:
        """True for the loop node's out-edge labelled `body`."""
        return edge.label == "body" and self.kind(edge.source) == "loop"

    def _add_edge(self, index: int, conn: Connection) -> None:
        edge = Edge(index, conn.source, conn.target, conn.condition, conn.label)
        if conn.source in self.out_edges and conn.target in self.in_edges:
            self.out_edges[conn.source].append(edge)
            self.in_edges[conn.target].append(edge)

    def _problem(self, node_id: str, suffix: str, message: str) -> None:
        """Record a problem of a node at `nodes[i]` or `nodes[i].<suffix>`."""
        self.problems.append(CompileError(message, node_id=node_id, position=self.where(node_id, suffix)))

    # --- loops ---------------------------------------------------------------------------------

    def _find_loops(self) -> None:
        for node_id in self.nodes:
            if self.kind(node_id) != "loop":
                continue
            body_edges = [e for e in self.out_edges[node_id] if e.label == "body"]
            if not body_edges:
                self._problem(node_id, "", "loop has no out-edge labelled 'body'")
                continue
            if len(body_edges) > 1:
                self._problem(node_id, "", "loop has several out-edges labelled 'body' (one body path only)")
            entry = body_edges[0].target
            body = self._reach([entry], stop=node_id)
            self.loop_body[node_id] = body
            self.loop_entry[node_id] = entry
            self.loop_last[node_id] = [e.source for e in self.in_edges[node_id] if e.source in body]
            if not self.loop_last[node_id]:
                self._problem(node_id, "", f"loop body starting at '{entry}' never connects back to the loop")
        for loop, body in self.loop_body.items():
            for member in sorted(body, key=self.position.__getitem__):
                for edge in self.in_edges[member]:
                    if edge.source not in body and not (edge.source == loop and edge.label == "body"):
                        self._problem(
                            member,
                            "",
                            f"node is in the body of loop '{loop}' but is also reached from '{edge.source}'"
                            f" outside it (connections[{edge.index}])",
                        )
        for node_id in self.nodes:
            owners = [loop for loop, body in self.loop_body.items() if node_id in body]
            self.region[node_id] = min(owners, key=lambda lp: len(self.loop_body[lp])) if owners else None

    def _reach(self, starts: Iterable[str], *, stop: str | None = None) -> set[str]:
        seen: set[str] = set()
        stack = [s for s in starts if s != stop]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            for edge in self.out_edges[current]:
                if edge.target != stop and edge.target not in seen:
                    stack.append(edge.target)
            target = self.error_targets.get(current)
            if target is not None and target != stop and target not in seen:
                stack.append(target)
        return seen

    # --- order, cycles, ancestors --------------------------------------------------------------

    def dag_predecessors(self) -> dict[str, list[tuple[str, str]]]:
        """Predecessors over forward + error edges: (source, how) with how in normal|body|error."""
        preds: dict[str, list[tuple[str, str]]] = {n: [] for n in self.nodes}
        for node_id in self.nodes:
            for edge in self.out_edges[node_id]:
                if self.is_back_edge(edge):
                    continue
                preds[edge.target].append((node_id, "body" if self.is_body_edge(edge) else "normal"))
            target = self.error_targets.get(node_id)
            if target is not None:
                preds[target].append((node_id, "error"))
        return preds

    def _order_and_ancestors(self) -> None:
        preds = self.dag_predecessors()
        succs: dict[str, list[str]] = {n: [] for n in self.nodes}
        indegree = {n: len(p) for n, p in preds.items()}
        for target, sources in preds.items():
            for source, _how in sources:
                succs[source].append(target)
        heap = [(self.position[n], n) for n, d in indegree.items() if d == 0]
        heapq.heapify(heap)
        while heap:
            _, current = heapq.heappop(heap)
            self.topo_index[current] = len(self.order)
            self.order.append(current)
            for target in succs[current]:
                indegree[target] -= 1
                if indegree[target] == 0:
                    heapq.heappush(heap, (self.position[target], target))
        if len(self.order) < len(self.nodes):
            stuck = [n for n in self.nodes if n not in self.topo_index]
            self._problem(
                stuck[0],
                "",
                "cycle not through a loop node (only a loop body may connect back to its loop): "
                + " -> ".join(self._cycle(stuck, succs)),
            )
            for node_id in stuck:  # keep going with an arbitrary order so other checks still run
                self.topo_index[node_id] = len(self.order)
                self.order.append(node_id)
        for node_id in self.order:
            bits = 0
            for source, how in preds[node_id]:
                if self.topo_index[source] >= self.topo_index[node_id]:
                    continue
                bits |= self.ancestors.get(source, 0)
                if how != "body":  # inside its body the loop's own output does not exist yet
                    bits |= 1 << self.position[source]
            self.ancestors[node_id] = bits
        is_handler = set(self.error_targets.values())
        if self.flow.settings.error_path:
            is_handler.add(self.flow.settings.error_path)
        self.roots = [n for n in self.nodes if not preds[n] and n not in is_handler]
        self.error_path_nodes = self._reach(is_handler) if is_handler else set()

    def _cycle(self, stuck: list[str], succs: dict[str, list[str]]) -> list[str]:
        members = set(stuck)
        path: list[str] = []
        index: dict[str, int] = {}
        current = stuck[0]
        while current not in index:
            index[current] = len(path)
            path.append(current)
            current = next(t for t in succs[current] if t in members)
        return [*path[index[current] :], current]

    # --- reachability, labels, names -----------------------------------------------------------

    def _check_reachability(self) -> None:
        if not self.roots:
            self.problems.append(
                CompileError("the flow has no start node: every node has an incoming connection")
            )
            return
        starts = list(self.roots)
        starts.extend(self.error_targets.values())
        if self.flow.settings.error_path:
            starts.append(self.flow.settings.error_path)
        seen: set[str] = set()
        stack = list(starts)
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if self.kind(current) == "fail":
                continue
            stack.extend(t for t in self.forward_successors(current) if t not in seen)
            target = self.error_targets.get(current)
            if target is not None:
                stack.append(target)
        for node_id in self.nodes:
            if node_id not in seen:
                sources = sorted({e.source for e in self.in_edges[node_id]}, key=self.position.__getitem__)
                reason = f"its only incoming edges come from nodes that never run ({', '.join(sources)})"
                self._problem(node_id, "", f"unreachable: {reason}")

    def _check_labels(self) -> None:
        for node_id in self.nodes:
            kind = self.kind(node_id)
            config = getattr(self.nodes[node_id], "config", None)
            cases = [c.name for c in getattr(config, "cases", None) or []]
            for edge in self.out_edges[node_id]:
                where = f"connections[{edge.index}]"
                if kind == "condition" and edge.label not in (None, "true", "false"):
                    self._edge_problem(
                        node_id, where, f"condition edges are labelled 'true' or 'false', not '{edge.label}'"
                    )
                elif kind == "switch" and cases and edge.label not in (None, "default", *cases):
                    self._edge_problem(
                        node_id,
                        where,
                        f"switch has no case '{edge.label}' (cases: {', '.join(cases)}, default)",
                    )
                elif kind == "loop" and edge.label not in (None, "body", "done"):
                    self._edge_problem(
                        node_id, where, f"loop edges are labelled 'body' or 'done', not '{edge.label}'"
                    )
                if edge.condition is not None and (kind == "condition" or (kind == "switch" and cases)):
                    self._edge_problem(
                        node_id, where, f"a {kind} node routes by labels; remove the edge condition"
                    )
                if kind == "loop" and edge.label == "body" and edge.condition is not None:
                    self._edge_problem(node_id, where, "the loop body edge cannot have a condition")

    def _edge_problem(self, node_id: str, where: str, message: str) -> None:
        self.problems.append(CompileError(message, node_id=node_id, position=where))

    def _check_error_names(self) -> None:
        """ASL: `States.ALL` must be alone in its Retry/Catch `ErrorEquals`."""
        for node_id, node in self.nodes.items():
            for where, policy in (("retry.errors", node.retry), ("on_error.errors", node.on_error)):
                errors = list(getattr(policy, "errors", None) or [])
                if "States.ALL" in errors and len(errors) > 1:
                    self._problem(node_id, where, "'States.ALL' matches every error and must be listed alone")

    def _check_variable_names(self) -> None:
        seen: dict[str, str] = {}
        for node_id in self.nodes:
            name = variable_name(node_id)
            if name in seen:
                self._problem(
                    node_id,
                    "id",
                    f"id collides with '{seen[name]}' as ASL variable '{name}' ('-' and '_' are the same there)",
                )
            else:
                seen[name] = node_id
