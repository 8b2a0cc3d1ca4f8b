"""Table filters pushed into MongoDB: what is pushed, and that MongoDB then returns only candidates."""

from __future__ import annotations

from typing import Any

import mongomock
import pytest

from deca.deca_data.columns import TableColumn
from deca.deca_data.records import random_id
from deca.deca_data.row_search import MongoRows, pushdown
from deca.deca_data.stores import mongo_deca_data


@pytest.mark.parametrize(
    ("where", "pushed"),
    [
        ({"sku": "A"}, {"values.sku": "A"}),
        ({"qty": {"$gte": 1, "$lt": 9}}, {"values.qty": {"$gte": 1, "$lt": 9}}),
        ({"sku": {"$in": ["A", "B"]}}, {"values.sku": {"$in": ["A", "B"]}}),
        ({"sku": "A", "qty": 2}, {"$and": [{"values.sku": "A"}, {"values.qty": 2}]}),
        ({"$or": [{"sku": "A"}, {"qty": 2}]}, {"$or": [{"values.sku": "A"}, {"values.qty": 2}]}),
        ({"sku": {"$ne": "A"}}, {}),
        ({"tags": {"$contains": "x"}}, {}),
        ({"$or": [{"sku": "A"}, {"tags": {"$contains": "x"}}]}, {}),
        ({"$and": [{"sku": "A"}, {"tags": {"$contains": "x"}}]}, {"values.sku": "A"}),
        ({"meta": {"a": 1}}, {}),
    ],
    ids=["eq", "range", "in", "fields", "or", "ne", "contains", "or-partial", "and-partial", "object"],
)
def test_pushdown(where: dict[str, Any], pushed: dict[str, Any]) -> None:
    assert pushdown(where) == pushed


def test_mongo_returns_only_candidate_rows() -> None:
    database = mongomock.MongoClient()["deca"]
    data = mongo_deca_data(database, vector_search="exact")
    data.tables.create_table("ws-1", "t", [TableColumn(name="n", type="integer")])
    data.tables.insert("ws-1", "t", [{"n": i} for i in range(50)])
    candidates = list(MongoRows(database["deca_table_rows"]).rows("ws-1", "t", {"n": {"$gte": 45}}))
    assert [row.values["n"] for row in candidates] == [45, 46, 47, 48, 49]


def test_generated_ids_sort_in_creation_order() -> None:
    ids = [random_id("row") for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
