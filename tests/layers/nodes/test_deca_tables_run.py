"""deca_tables node run in-process: create_table, insert, query, update, upsert, delete and named errors."""

from __future__ import annotations

import pytest

from deca.deca_data.errors import RowNotFound, TableError, TableNotFound
from deca.nodes.context import NodeContext
from deca.nodes.handlers import InvalidNodeConfig
from tests.fakes.node_runs import data_context, run

COLUMNS = [{"name": "sku", "type": "string", "required": True}, {"name": "qty", "type": "integer"}]


@pytest.fixture
def ctx() -> NodeContext:
    """A context with a table `stock` holding rows A (qty 1) and B (qty 5)."""
    context = data_context()
    run(
        context,
        "deca_tables",
        {"operation": "create_table", "table_id": "stock", "columns": COLUMNS},
        node_id="t",
    )
    rows = [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 5}]
    run(context, "deca_tables", {"operation": "insert", "table_id": "stock", "rows": rows}, node_id="i")
    return context


def query(ctx: NodeContext, **config: object) -> dict[str, object]:
    return run(ctx, "deca_tables", {"operation": "query", "table_id": "stock", **config})


def test_insert_returns_rows_with_ids(ctx: NodeContext) -> None:
    out = run(
        ctx, "deca_tables", {"operation": "insert", "table_id": "stock", "rows": [{"sku": "C"}]}, node_id="x"
    )
    assert (out["affected"], out["rows"][0]["sku"], out["rows"][0]["_id"]) == (1, "C", "row_0003")


def test_query_with_where_order_and_limit(ctx: NodeContext) -> None:
    out = query(ctx, where={"qty": {"$gte": 1}}, order_by=["-qty"], limit=1)
    assert (out["count"], out["rows"][0]["sku"]) == (1, "B")


def test_update_where_then_get(ctx: NodeContext) -> None:
    out = run(
        ctx,
        "deca_tables",
        {"operation": "update", "table_id": "stock", "where": {"sku": "A"}, "data": {"qty": 9}},
        node_id="u",
    )
    row_id = out["rows"][0]["_id"]
    got = run(ctx, "deca_tables", {"operation": "get", "table_id": "stock", "row_id": row_id})
    assert (out["affected"], got["row"]["qty"]) == (1, 9)


def test_upsert_by_key_columns(ctx: NodeContext) -> None:
    rows = [{"sku": "B", "qty": 6}, {"sku": "C", "qty": 7}]
    out = run(
        ctx,
        "deca_tables",
        {"operation": "upsert", "table_id": "stock", "rows": rows, "key_columns": ["sku"]},
        node_id="s",
    )
    assert out["affected"] == 2
    assert [r["qty"] for r in query(ctx, order_by=["sku"])["rows"]] == [1, 6, 7]


def test_delete_where_counts_affected(ctx: NodeContext) -> None:
    out = run(
        ctx,
        "deca_tables",
        {"operation": "delete", "table_id": "stock", "where": {"qty": {"$lt": 3}}},
        node_id="d",
    )
    assert (out["affected"], query(ctx)["count"]) == (1, 1)


def test_bad_filter_names_the_column(ctx: NodeContext) -> None:
    with pytest.raises(TableError, match=r"where\.size: unknown column 'size' \(columns: qty, sku\)"):
        query(ctx, where={"size": 3})


def test_bad_row_names_the_value(ctx: NodeContext) -> None:
    with pytest.raises(TableError, match=r"rows\[0\]\.qty: expects an integer value"):
        run(
            ctx,
            "deca_tables",
            {"operation": "insert", "table_id": "stock", "rows": [{"sku": "Z", "qty": "many"}]},
            node_id="b",
        )


def test_unknown_table_is_table_not_found(ctx: NodeContext) -> None:
    with pytest.raises(TableNotFound):
        run(ctx, "deca_tables", {"operation": "query", "table_id": "nope"})


def test_missing_row_is_row_not_found(ctx: NodeContext) -> None:
    with pytest.raises(RowNotFound):
        run(ctx, "deca_tables", {"operation": "get", "table_id": "stock", "row_id": "row_9"})


def test_update_with_both_row_id_and_where_is_invalid_config(ctx: NodeContext) -> None:
    config = {
        "operation": "update",
        "table_id": "stock",
        "row_id": "r",
        "where": {"sku": "A"},
        "data": {"qty": 1},
    }
    with pytest.raises(InvalidNodeConfig, match="exactly one of `row_id` or `where`"):
        run(ctx, "deca_tables", config)


def test_bad_column_type_is_invalid_config(ctx: NodeContext) -> None:
    config = {"operation": "create_table", "table_id": "t2", "columns": [{"name": "x", "type": "money"}]}
    with pytest.raises(InvalidNodeConfig, match=r"config\.columns\.0\.type"):
        run(ctx, "deca_tables", config)
