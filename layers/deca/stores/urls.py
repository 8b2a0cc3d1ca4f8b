"""Opens the stores named by one URL: `memory://`, `sqlite:///<path>` or `mongodb[+srv]://...`."""

from __future__ import annotations

from urllib.parse import urlsplit

import pymongo

from deca.clock import Clock
from deca.errors import InputError
from deca.stores.base import Stores
from deca.stores.local import sqlite_stores
from deca.stores.memory import memory_stores
from deca.stores.mongo import mongo_stores
from deca.stores.tables import Doc

__all__ = ["DEFAULT_DATABASE", "stores_from_url"]

DEFAULT_DATABASE = "deca"


def stores_from_url(url: str, *, clock: Clock | None = None) -> Stores:
    """The stores a URL names.

    `memory://` keeps everything in the process; `sqlite:///data/deca.sqlite3` (relative) or
    `sqlite:////var/lib/deca.sqlite3` (absolute) is one local file; `mongodb://host/db` or
    `mongodb+srv://...` is MongoDB, database from the URL path (default `deca`); the Mongo client
    is created here, connects lazily, and is closed by `Stores.close()`.

    Raises:
        InputError: the scheme is not one of these, or a SQLite URL has no path.
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme == "memory":
        return memory_stores(clock=clock)
    if scheme == "sqlite":
        path = url.split(":", 1)[1].removeprefix("//").removeprefix("/")
        if not path:
            raise InputError(f"SQLite store URL needs a file path: {url!r}")
        return sqlite_stores(path, clock=clock)
    if scheme in {"mongodb", "mongodb+srv"}:
        database = urlsplit(url).path.strip("/") or DEFAULT_DATABASE
        client: pymongo.MongoClient[Doc] = pymongo.MongoClient(url)
        stores = mongo_stores(client, database, clock=clock)
        stores.close = client.close
        return stores
    raise InputError(f"unknown store URL scheme {scheme!r}: use memory://, sqlite:///<path> or mongodb://")
