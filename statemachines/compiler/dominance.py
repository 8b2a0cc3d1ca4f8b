"""Dominance on a flow's DAG: post-dominators (fan-out joins) and the nodes surely run before each node."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statemachines.compiler.graph import FlowGraph

__all__ = ["EXIT", "always_run", "certainly_run", "postdominators"]

EXIT = "\x00exit"  # the virtual exit of a region in post-dominator computations


def postdominators(
    nodes: list[str], successors: Callable[[str], list[str]], doomed: Callable[[str], bool]
) -> tuple[dict[str, str], Callable[[Iterable[str]], str]]:
    """Immediate post-dominators of a DAG region given in topological order, and an LCA function.

    Nodes without successors lead to `EXIT` unless `doomed` (a Fail: such paths never reach a join
    and are ignored, as are successors that are themselves doomed).
    """
    ipdom: dict[str, str] = {EXIT: EXIT}
    depth: dict[str, int] = {EXIT: 0}
    dead: set[str] = set()

    def meet(a: str, b: str) -> str:
        while a != b:
            if depth[a] >= depth[b]:
                a = ipdom[a]
            else:
                b = ipdom[b]
        return a

    def lca(targets: Iterable[str]) -> str:
        result: str | None = None
        for target in targets:
            if target in dead:
                continue
            point = target if target in depth else EXIT
            result = point if result is None else meet(result, point)
        return EXIT if result is None else result

    for node in reversed(nodes):
        succ = successors(node)
        live = [s for s in succ if s not in dead]
        if (not succ and doomed(node)) or (succ and not live):
            dead.add(node)
            continue
        parent = lca(live) if live else EXIT
        ipdom[node] = parent
        depth[node] = depth[parent] + 1
    return ipdom, lca


def certainly_run(graph: FlowGraph) -> dict[str, int]:
    """Bitsets of the nodes surely run before each node: dominators, plus whole fan-out branches.

    Alternative paths (conditions) intersect; the branches of a fan-out all run before their
    join, so the join gets the union of what surely ran in each branch.
    """
    certain: dict[str, int] = {}
    preds = graph.dag_predecessors()
    joins: dict[str, list[tuple[str, list[str]]]] = {}  # join -> [(fork, targets)]
    for region in dict.fromkeys(graph.region[n] for n in graph.order):  # deterministic order
        members = [n for n in graph.order if graph.region.get(n) == region]
        member_set = set(members)

        def successors(node_id: str) -> list[str]:
            return [t for r in _groups(graph, node_id) for t in r]

        _ipdom, lca = postdominators(members, successors, lambda n: graph.kind(n) == "fail")
        starts = [graph.loop_entry[region]] if region is not None else graph.roots
        forks = [("", starts)] if len(starts) > 1 else []
        forks += [(n, list(g)) for n in members for g in _groups(graph, n) if len(g) > 1]
        for fork, targets in forks:
            join = lca(targets)
            if join in member_set:
                joins.setdefault(join, []).append((fork, targets))
    ends = {n for n in graph.nodes if _may_end_here(graph, n)}
    for node_id in graph.order:
        bits: int | None = None
        for source, how in preds[node_id]:
            if graph.topo_index[source] >= graph.topo_index[node_id]:
                continue
            value = certain.get(source, 0) | (0 if how == "body" else 1 << graph.position[source])
            bits = value if bits is None else bits & value
        for _fork, targets in joins.get(node_id, []):
            union = 0
            for target in targets:
                branch = _branch(graph, target, node_id)
                branch_bits: int | None = None
                for member in branch:
                    exits = [s for s in graph.forward_successors(member) if s == node_id]
                    if exits or member in ends:
                        value = certain.get(member, 0) | 1 << graph.position[member]
                        branch_bits = value if branch_bits is None else branch_bits & value
                union |= branch_bits or 0
            bits = union if bits is None else bits | union
        certain[node_id] = bits or 0
    return certain


def _groups(graph: FlowGraph, node_id: str) -> list[tuple[str, ...]]:
    routing = graph.routing(node_id)
    groups = [r.targets for r in routing.rules]
    if routing.default:
        groups.append(routing.default)
    return groups


def _may_end_here(graph: FlowGraph, node_id: str) -> bool:
    """True when a path can end at this node (a rule set without default targets)."""
    routing = graph.routing(node_id)
    return bool(routing.rules) and not routing.default and graph.kind(node_id) != "fail"


def _branch(graph: FlowGraph, start: str, join: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        if current in seen or current == join or graph.region.get(current) != graph.region.get(join):
            continue
        seen.add(current)
        stack.extend(graph.forward_successors(current))
    return seen


def always_run(graph: FlowGraph) -> set[str]:
    """Nodes that run whenever their region (the flow, or one loop iteration) runs.

    A node qualifies when every edge into it (inside its region) is an unconditional edge from a
    node that itself always runs and routes without conditions; the region's start nodes qualify.
    Error paths and the targets of conditions never do.
    """
    preds = graph.dag_predecessors()
    result: set[str] = set()
    roots = set(graph.roots)
    for node_id in graph.order:
        region = graph.region.get(node_id)
        incoming = [(s, how) for s, how in preds[node_id] if graph.region.get(s) == region]
        if not incoming:
            entry = region is not None and graph.loop_entry.get(region) == node_id
            if node_id in roots or entry:
                result.add(node_id)
            continue
        if all(how == "normal" and s in result and not graph.routing(s).rules for s, how in incoming):
            result.add(node_id)
    return result
