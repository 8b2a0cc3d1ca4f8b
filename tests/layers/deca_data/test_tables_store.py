"""Typed tables contract: definitions, row checks, query with the filter language, update, upsert, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from deca.deca_data.columns import TableColumn
from deca.deca_data.errors import RowNotFound, TableError, TableNotFound
from deca.deca_data.stores import DecaDataStores, sqlite_deca_data

COLUMNS = [
    TableColumn(name="sku", type="string", required=True),
    TableColumn(name="qty", type="integer"),
    TableColumn(name="price", type="number"),
    TableColumn(name="active", type="boolean"),
    TableColumn(name="added", type="date"),
    TableColumn(name="tags", type="json"),
]


@pytest.fixture
def stock(data: DecaDataStores) -> DecaDataStores:
    """A table `stock` with four rows."""
    data.tables.create_table("ws-1", "stock", COLUMNS)
    data.tables.insert(
        "ws-1",
        "stock",
        [
            {"sku": "A", "qty": 5, "price": 9.5, "active": True, "added": "2024-01-02", "tags": ["new"]},
            {"sku": "B", "qty": 0, "price": 20, "active": False, "added": "2024-02-01", "tags": []},
            {
                "sku": "C",
                "qty": 12,
                "price": 3,
                "active": True,
                "added": "2023-12-31",
                "tags": ["sale", "new"],
            },
            {"sku": "D", "qty": 7, "active": True},
        ],
    )
    return data


def skus(data: DecaDataStores, **query: object) -> list[str]:
    return [r.values["sku"] for r in data.tables.query("ws-1", "stock", **query)]  # type: ignore[arg-type]


def test_create_table_twice_is_table_error(data: DecaDataStores) -> None:
    data.tables.create_table("ws-1", "t", COLUMNS)
    with pytest.raises(TableError, match="table_id: table 't' already exists"):
        data.tables.create_table("ws-1", "t", COLUMNS)


def test_repeated_column_is_table_error(data: DecaDataStores) -> None:
    with pytest.raises(TableError, match="columns: column 'a' appears twice"):
        data.tables.create_table("ws-1", "t", [TableColumn(name="a"), TableColumn(name="a")])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"qty": 1}, r"rows\[0\]\.sku: column is required"),
        ({"sku": "X", "qty": 1.5}, r"rows\[0\]\.qty: expects an integer value, got 1.5"),
        ({"sku": "X", "added": "yesterday"}, r"rows\[0\]\.added: expects a date value"),
        ({"sku": "X", "colour": "red"}, r"rows\[0\]\.colour: unknown column of table 'stock'"),
        ({"sku": "X", "active": "yes"}, r"rows\[0\]\.active: expects a boolean value"),
    ],
    ids=["required", "integer", "date", "unknown", "boolean"],
)
def test_bad_row_is_table_error_naming_value(
    stock: DecaDataStores, row: dict[str, object], message: str
) -> None:
    with pytest.raises(TableError, match=message):
        stock.tables.insert("ws-1", "stock", [row])


def test_insert_writes_nothing_when_one_row_is_bad(stock: DecaDataStores) -> None:
    with pytest.raises(TableError, match=r"rows\[1\]"):
        stock.tables.insert("ws-1", "stock", [{"sku": "E"}, {"sku": 1}])
    assert skus(stock) == ["A", "B", "C", "D"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"active": True}, ["A", "C", "D"]),
        ({"qty": {"$gt": 5}}, ["C", "D"]),
        ({"qty": {"$gte": 5, "$lt": 12}}, ["A", "D"]),
        ({"sku": {"$ne": "A"}}, ["B", "C", "D"]),
        ({"sku": {"$in": ["B", "D", "Z"]}}, ["B", "D"]),
        ({"tags": {"$contains": "new"}}, ["A", "C"]),
        ({"added": {"$lt": "2024-01-01"}}, ["C"]),
        ({"$or": [{"qty": 0}, {"price": {"$lte": 3}}]}, ["B", "C"]),
        ({"$and": [{"active": True}, {"price": {"$gt": 5}}]}, ["A"]),
    ],
    ids=["eq", "gt", "range", "ne", "in", "contains", "date", "or", "and"],
)
def test_query_filters(stock: DecaDataStores, where: dict[str, object], expected: list[str]) -> None:
    assert skus(stock, where=where) == expected


def test_query_orders_offsets_and_limits(stock: DecaDataStores) -> None:
    assert skus(stock, order=["-qty"]) == ["C", "D", "A", "B"]
    assert skus(stock, order=["price"]) == ["C", "A", "B", "D"]  # missing values last
    assert skus(stock, order=["-qty"], offset=1, limit=2) == ["D", "A"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ({"colour": "red"}, r"where\.colour: unknown column 'colour'"),
        ({"qty": {"$gt": "many"}}, r"where\.qty\.\$gt: expects an integer value"),
        ({"active": {"$lt": True}}, r"where\.active\.\$lt: \$lt cannot compare a boolean column"),
        ({"qty": {"$contains": 1}}, r"where\.qty\.\$contains: \$contains needs a string or json column"),
        ({"sku": {"$in": "A"}}, r"where\.sku\.\$in: \$in expects a list"),
        ({"$or": []}, r"where\.\$or: expects a non-empty list"),
        ({"$not": {"sku": "A"}}, r"where\.\$not: unknown operator"),
    ],
    ids=["column", "type", "ordered", "contains", "in", "or", "operator"],
)
def test_bad_filter_is_table_error_naming_place(
    stock: DecaDataStores, where: dict[str, object], message: str
) -> None:
    with pytest.raises(TableError, match=message):
        stock.tables.query("ws-1", "stock", where=where)


def test_order_by_unknown_column_is_table_error(stock: DecaDataStores) -> None:
    with pytest.raises(TableError, match=r"order_by\[0\]: unknown column 'size'"):
        stock.tables.query("ws-1", "stock", order=["-size"])


def test_update_where_changes_matching_rows(stock: DecaDataStores) -> None:
    changed = stock.tables.update("ws-1", "stock", {"active": False}, where={"qty": {"$gt": 6}})
    assert sorted(r.values["sku"] for r in changed) == ["C", "D"]
    assert skus(stock, where={"active": True}) == ["A"]


def test_update_with_bad_value_is_table_error(stock: DecaDataStores) -> None:
    with pytest.raises(TableError, match=r"data\.qty: expects an integer value"):
        stock.tables.update("ws-1", "stock", {"qty": "x"}, where={})


def test_upsert_updates_by_key_or_inserts(stock: DecaDataStores) -> None:
    written = stock.tables.upsert("ws-1", "stock", [{"sku": "A", "qty": 1}, {"sku": "E", "qty": 2}], ["sku"])
    assert [r.values["qty"] for r in written] == [1, 2]
    assert skus(stock) == ["A", "B", "C", "D", "E"]
    assert stock.tables.query("ws-1", "stock", where={"sku": "A"})[0].values["price"] == 9.5


def test_delete_by_id_and_where(stock: DecaDataStores) -> None:
    row = stock.tables.query("ws-1", "stock", where={"sku": "A"})[0]
    assert stock.tables.delete("ws-1", "stock", row_id=row.row_id) == 1
    assert stock.tables.delete("ws-1", "stock", where={"active": True}) == 2
    assert skus(stock) == ["B"]
    with pytest.raises(RowNotFound, match="row_id"):
        stock.tables.get("ws-1", "stock", row.row_id)


def test_unknown_table_is_table_not_found(data: DecaDataStores) -> None:
    with pytest.raises(TableNotFound, match="table_id: table 'nope' not found"):
        data.tables.query("ws-1", "nope")


@pytest.mark.usefixtures("stock")
def test_table_of_other_workspace_is_not_found(data: DecaDataStores) -> None:
    with pytest.raises(TableNotFound):
        data.tables.query("ws-2", "stock")


def test_drop_table_removes_rows(stock: DecaDataStores) -> None:
    stock.tables.drop_table("ws-1", "stock")
    stock.tables.create_table("ws-1", "stock", COLUMNS)
    assert skus(stock) == []


def test_sqlite_rows_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "data.sqlite3"
    first = sqlite_deca_data(path)
    first.tables.create_table("ws-1", "t", [TableColumn(name="n", type="integer")])
    first.tables.insert("ws-1", "t", [{"n": 7}])
    first.close()
    reopened = sqlite_deca_data(path)
    assert [r.values for r in reopened.tables.query("ws-1", "t")] == [{"n": 7}]
    reopened.close()
