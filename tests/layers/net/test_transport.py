"""The guarded transport: resolves once, checks every address and redirect hop, honours the allow-list."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from deca.net import GuardedTransport, OutboundPolicy, OutboundRequestBlocked, guarded_client
from tests.fakes.http_server import FakeHttpServer, FakeResponse


@pytest.fixture
def server() -> Iterator[FakeHttpServer]:
    fake = FakeHttpServer()
    fake.route("GET", "/ok", lambda _r, _m: FakeResponse(200, {"ok": True}))
    fake.route(
        "GET",
        "/to-metadata",
        lambda _r, _m: FakeResponse(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
    )
    fake.route("GET", "/to-ok", lambda _r, _m: FakeResponse(302, headers={"Location": "/ok"}))
    yield from fake.served()


class CountingResolver:
    """Answers from a table and counts lookups; a rebinding DNS answers differently the second time."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        sequence = self.answers[host]
        return sequence[min(len(self.calls) - 1, len(sequence) - 1)]


def _never_resolve(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} must be refused without a DNS lookup")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://10.0.0.1/",
        "http://0.0.0.0/",
    ],
)
def test_internal_literals_are_refused(url: str) -> None:
    with (
        guarded_client(OutboundPolicy(resolver=_never_resolve)) as client,
        pytest.raises(OutboundRequestBlocked),
    ):
        client.get(url)


@pytest.mark.parametrize(
    "host",
    ["localhost", "metadata.google.internal", "metadata", "instance-data", "db.internal", "printer.local"],
)
def test_internal_names_are_refused_without_a_lookup(host: str) -> None:
    with (
        guarded_client(OutboundPolicy(resolver=_never_resolve)) as client,
        pytest.raises(OutboundRequestBlocked),
    ):
        client.get(f"http://{host}/")


def test_octal_literal_is_refused_by_the_policy() -> None:
    with pytest.raises(OutboundRequestBlocked, match="loopback"):
        OutboundPolicy(resolver=_never_resolve).resolve("0177.0.0.1", 80)


def test_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = CountingResolver({"intranet.example.com": [["10.20.30.40"]]})
    client = guarded_client(OutboundPolicy(resolver=resolver))
    with client, pytest.raises(OutboundRequestBlocked, match=r"10\.20\.30\.40"):
        client.get("http://intranet.example.com/")


def test_name_with_one_private_address_among_public_ones_is_refused() -> None:
    resolver = CountingResolver({"mixed.example.com": [["93.184.215.14", "127.0.0.1"]]})
    with pytest.raises(OutboundRequestBlocked):
        OutboundPolicy(resolver=resolver).resolve("mixed.example.com", 443)


def test_loopback_server_is_refused_without_an_allow_list_entry(server: FakeHttpServer) -> None:
    with guarded_client(OutboundPolicy()) as client, pytest.raises(OutboundRequestBlocked):
        client.get(f"{server.base_url}/ok")
    assert server.requests == []


@pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.0/8"], ids=["host", "cidr"])
def test_allow_list_entry_lets_a_loopback_server_through(server: FakeHttpServer, entry: str) -> None:
    with guarded_client(OutboundPolicy(allow=(entry,))) as client:
        response = client.get(f"{server.base_url}/ok")
    assert response.json() == {"ok": True}


def test_policy_from_setting_splits_entries() -> None:
    policy = OutboundPolicy.from_setting(" git.acme.lan , 10.0.0.0/8,,")
    assert policy.allow == ("git.acme.lan", "10.0.0.0/8")


def test_redirect_to_the_metadata_address_is_refused(server: FakeHttpServer) -> None:
    client = guarded_client(OutboundPolicy(allow=("127.0.0.1",)), follow_redirects=True)
    with client, pytest.raises(OutboundRequestBlocked, match=r"169\.254\.169\.254"):
        client.get(f"{server.base_url}/to-metadata")


def test_redirect_within_an_allowed_host_is_followed(server: FakeHttpServer) -> None:
    with guarded_client(OutboundPolicy(allow=("127.0.0.1",)), follow_redirects=True) as client:
        response = client.get(f"{server.base_url}/to-ok")
    assert response.json() == {"ok": True}


def test_host_is_resolved_once_and_the_checked_address_is_used(server: FakeHttpServer) -> None:
    # Given a DNS that answers loopback (allow-listed) first and the metadata address afterwards
    port = server.base_url.rsplit(":", 1)[1]
    resolver = CountingResolver({"api.rebind.test": [["127.0.0.1"], ["169.254.169.254"]]})
    policy = OutboundPolicy(allow=("127.0.0.1",), resolver=resolver)
    # When a request is sent
    with guarded_client(policy) as client:
        response = client.get(f"http://api.rebind.test:{port}/ok")
    # Then it reached the checked address with the original Host, after a single lookup
    assert response.status_code == 200
    assert resolver.calls == ["api.rebind.test"]
    assert server.requests[-1].headers["host"] == f"api.rebind.test:{port}"
    assert response.url.host == "api.rebind.test"


def test_tls_request_keeps_the_host_name_for_sni_and_host_header() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    resolver = CountingResolver({"api.example.com": [["93.184.215.14"]]})
    transport = GuardedTransport(OutboundPolicy(resolver=resolver), inner=httpx.MockTransport(record))
    with httpx.Client(transport=transport) as client:
        client.get("https://api.example.com/v1")
    assert seen[0].url.host == "93.184.215.14"
    assert seen[0].extensions["sni_hostname"] == "api.example.com"
    assert seen[0].headers["host"] == "api.example.com"


def test_other_schemes_are_refused() -> None:
    transport = GuardedTransport(
        OutboundPolicy(resolver=_never_resolve), inner=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    with pytest.raises(OutboundRequestBlocked, match="scheme"):
        transport.handle_request(httpx.Request("GET", "ftp://example.com/file"))


def test_unresolvable_host_is_a_connection_error_not_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*_args: object, **_kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(httpx.ConnectError, match="cannot resolve"):
        OutboundPolicy().resolve("does-not-exist.example", 80)


def test_allow_listed_host_name_skips_the_address_check(server: FakeHttpServer) -> None:
    port = server.base_url.rsplit(":", 1)[1]
    resolver = CountingResolver({"git.acme.lan": [["127.0.0.1"]]})
    with guarded_client(OutboundPolicy(allow=("git.acme.lan",), resolver=resolver)) as client:
        assert client.get(f"http://git.acme.lan:{port}/ok").status_code == 200
