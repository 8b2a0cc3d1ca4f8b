"""Opening the stores from a URL."""

from __future__ import annotations

from pathlib import Path

import mongomock
import pymongo
import pytest

from deca.errors import InputError
from deca.stores import stores_from_url
from tests.fakes import records


def test_memory_url_opens_empty_stores() -> None:
    stores = stores_from_url("memory://")

    assert stores.flows.list("ws-1").items == []


def test_sqlite_url_with_three_slashes_is_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    stores_from_url("sqlite:///data/deca.sqlite3").close()

    assert (tmp_path / "data" / "deca.sqlite3").is_file()


def test_sqlite_url_with_four_slashes_is_absolute(tmp_path: Path) -> None:
    stores = stores_from_url(f"sqlite:///{tmp_path}/deca.sqlite3")
    stores.flows.create("ws-1", records.flow())
    stores.close()

    reopened = stores_from_url(f"sqlite:///{tmp_path}/deca.sqlite3")

    assert reopened.flows.get("ws-1", "flow-1").flow_id == "flow-1"
    reopened.close()


def test_mongodb_url_names_the_database() -> None:
    with mongomock.patch(servers=(("db.example", 27017),)):
        stores = stores_from_url("mongodb://db.example:27017/tenant")
        stores.flows.create("ws-1", records.flow())

        assert pymongo.MongoClient("mongodb://db.example:27017")["tenant"]["flows"].count_documents({}) == 1
        stores.close()


@pytest.mark.parametrize(
    "url", ["postgres://x/y", "sqlite://", "nonsense"], ids=["scheme", "no-path", "no-scheme"]
)
def test_unusable_url_is_an_input_error(url: str) -> None:
    with pytest.raises(InputError):
        stores_from_url(url)
