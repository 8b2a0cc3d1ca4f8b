"""Emitters of pure-data node types (set, filter, sort, aggregate, merge): a Pass with JSONata, no Lambda.

These translate a type's config into one JSONata expression assigned to the node's variable; they
are registered by node type in `TYPE_EMITTERS` (the kind alone does not say how to build the value).
"""

from __future__ import annotations

import json
from typing import Any

from deca.flow.models import NodeBase
from statemachines.compiler.emitters import TYPE_EMITTERS, EmitContext, States, jsonata

__all__ = ["emit_aggregate", "emit_filter", "emit_merge", "emit_set", "emit_sort"]

_AGGREGATES = {
    "count": "$count($g)",
    "sum": "$sum($g.{f})",
    "average": "$average($g.{f})",
    "min": "$min($g.{f})",
    "max": "$max($g.{f})",
    "first": "$g[0].{f}",
    "last": "$g[-1].{f}",
    "collect": "[$g.{f}]",
    "distinct": "[$distinct($g.{f})]",
}


def _pass(ctx: EmitContext, node: NodeBase, next_state: str, expression: str) -> States:
    state: dict[str, Any] = {"Type": "Pass", "Assign": {ctx.assign_name(node.id): jsonata(expression)}}
    if node.name:
        state = {"Comment": node.name, **state}
    state["Next"] = next_state
    return {node.id: state}


def _items(ctx: EmitContext, node: NodeBase, config: dict[str, Any]) -> str:
    return "[" + ctx.expression(node, config.get("items", []), "config.items") + "]"


def _limited(expression: str, limit: Any) -> str:
    if isinstance(limit, int):
        return f"[$filter({expression}, function($v, $i) {{ $i < {limit} }})]"
    return expression


def _with_count(ctx_items: str, result: str) -> str:
    return f'($items := {ctx_items}; $r := {result}; {{"items": $r, "count": $count($r)}})'


def emit_set(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass assigning the values that were set (`vars.<name>` reads them downstream)."""
    values = ctx.full_config(node).get("values", {})
    return _pass(ctx, node, next_state, ctx.expression(node, values, "config.values"))


def emit_filter(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass keeping the items for which the per-item condition (over `item`/`index`) is true."""
    config = ctx.full_config(node)
    condition = ctx.item_condition(node, str(config.get("condition", "true")), "$v", "$i")
    kept = f"[$filter($items, function($v, $i) {{ ({condition}) ? true : false }})]"
    return _pass(
        ctx, node, next_state, _with_count(_items(ctx, node, config), _limited(kept, config.get("limit")))
    )


def _comparator(keys: list[dict[str, Any]], order: str) -> str:
    if not keys:
        return "$a < $b" if order == "desc" else "$a > $b"
    expression = ""
    for key in reversed(keys):
        field = key["field"]
        after = f"$a.{field} < $b.{field}" if key.get("order") == "desc" else f"$a.{field} > $b.{field}"
        expression = after if not expression else f"($a.{field} != $b.{field}) ? ({after}) : ({expression})"
    return expression


def emit_sort(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass sorting the items by the configured keys (JSONata `$sort` with a comparator)."""
    config = ctx.full_config(node)
    comparator = _comparator(list(config.get("by") or []), str(config.get("order", "asc")))
    ordered = f"[$sort($items, function($a, $b) {{ {comparator} }})]"
    return _pass(
        ctx, node, next_state, _with_count(_items(ctx, node, config), _limited(ordered, config.get("limit")))
    )


def _aggregations(aggregations: list[dict[str, Any]]) -> str:
    pairs = []
    for aggregation in aggregations:
        template = _AGGREGATES[str(aggregation["function"])]
        pairs.append(
            f"{json.dumps(aggregation['name'])}: {template.format(f=aggregation.get('field') or '')}"
        )
    return ", ".join(pairs)


def emit_aggregate(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass computing the aggregations over all items, or per group of `group_by`."""
    config = ctx.full_config(node)
    items = _items(ctx, node, config)
    aggregations = _aggregations(list(config.get("aggregations") or []))
    group_by = config.get("group_by")
    if group_by:
        groups = (
            f"[$map([$distinct($items.{group_by})], function($k) {{ ($g := [$items[{group_by} = $k]]; "
            f'{{"key": $k, {aggregations}}}) }})]'
        )
        value = f'{{"result": {{}}, "groups": {groups}, "count": $count($items)}}'
    else:
        value = f'($g := $items; {{"result": {{{aggregations}}}, "groups": [], "count": $count($items)}})'
    return _pass(ctx, node, next_state, f"($items := {items}; {value})")


def emit_merge(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass combining upstream outputs: by node id, shallow-merged, or appended into `items`."""
    config = ctx.full_config(node)
    inputs = list(config.get("inputs") or ctx.incoming(node.id))
    mode = config.get("mode", "by_node")
    variables = [ctx.var(n) for n in inputs]
    if mode == "combine":
        value = "$merge([" + ", ".join(variables) + '][$type($) = "object"])'
    elif mode == "append":
        value = '{"items": [[' + ", ".join(variables) + "][$ != null]]}"
    else:
        value = "{" + ", ".join(f"{json.dumps(n)}: {v}" for n, v in zip(inputs, variables, strict=True)) + "}"
    return _pass(ctx, node, next_state, value)


TYPE_EMITTERS.update(
    {
        "set": emit_set,
        "filter": emit_filter,
        "sort": emit_sort,
        "aggregate": emit_aggregate,
        "merge": emit_merge,
    }
)
