"""A reference interpreter of flow semantics for the random DAGs of `_generate.random_dags`.

A node runs when it is a start node or one of its incoming edges is active: its source ran and
routes to it (a condition node by its result and the edge label, a switch by the first true case
and the edge label, other nodes by the first true edge condition, else their unconditional edges).
"""

from __future__ import annotations

import re
from typing import Any

_CONDITION = re.compile(r"\{\{ input\.(x|y) (>|=) (\d+) \}\}")


def _holds(text: str, flow_input: dict[str, int]) -> bool:
    match = _CONDITION.fullmatch(text)
    assert match is not None, text
    value, bound = flow_input[match.group(1)], int(match.group(3))
    return value > bound if match.group(2) == ">" else value == bound


def nodes_that_run(document: dict[str, Any], flow_input: dict[str, int]) -> list[str]:
    """Ids of the nodes that run, in document (= topological) order."""
    incoming: dict[str, list[dict[str, Any]]] = {n["id"]: [] for n in document["nodes"]}
    outgoing: dict[str, list[dict[str, Any]]] = {n["id"]: [] for n in document["nodes"]}
    for connection in document["connections"]:
        incoming[connection["to"]].append(connection)
        outgoing[connection["from"]].append(connection)
    ran: list[str] = []
    routes_to: dict[str, set[str]] = {}
    for node in document["nodes"]:
        node_id = node["id"]
        edges = incoming[node_id]
        if edges and not any(e["from"] in ran and node_id in routes_to[e["from"]] for e in edges):
            continue
        ran.append(node_id)
        if node["type"] == "condition":
            result = _holds(node["config"]["condition"], flow_input)
            routes_to[node_id] = {
                e["to"] for e in outgoing[node_id] if (e.get("label") in (None, "true")) == result
            }
            continue
        if node["type"] == "switch":
            case = next(
                (c["name"] for c in node["config"]["cases"] if _holds(c["condition"], flow_input)), "default"
            )
            routes_to[node_id] = {e["to"] for e in outgoing[node_id] if (e.get("label") or "default") == case}
            continue
        hit = next(
            (e for e in outgoing[node_id] if "condition" in e and _holds(e["condition"], flow_input)), None
        )
        if hit is not None:
            routes_to[node_id] = {hit["to"]}
        else:
            routes_to[node_id] = {e["to"] for e in outgoing[node_id] if "condition" not in e}
    return ran
