"""The http_request node against a real loopback server: auth, bodies, retries, pagination, errors."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from deca.integrations.errors import (
    HttpConnectionError,
    HttpRequestFailed,
    HttpServerError,
    HttpTimeout,
    IntegrationAuthError,
    IntegrationConfigError,
    IntegrationRateLimited,
)
from deca.net import OutboundRequestBlocked
from deca.nodes.context import CredentialNotFound
from deca.nodes.handlers import InvalidNodeConfig, run_node
from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse
from tests.layers.integrations.conftest import MakeContext, node_task

ITEMS = [{"id": i} for i in range(1, 6)]


class Api:
    """Routes of the test API, with knobs the tests turn."""

    def __init__(self) -> None:
        self.failures: list[FakeResponse] = []
        self.authorizations: list[str | None] = []  # as received (the node's output has secrets redacted)
        self.release = threading.Event()

    def echo(self, request: FakeRequest, _m: Any) -> FakeResponse:
        if self.failures:
            return self.failures.pop(0)
        self.authorizations.append(request.headers.get("authorization"))
        return FakeResponse(
            200,
            {
                "method": request.method,
                "query": request.query,
                "authorization": request.headers.get("authorization"),
                "content_type": request.headers.get("content-type"),
                "body": request.body.decode("latin-1"),
            },
            {"X-Trace": "abc"},
        )

    def token(self, request: FakeRequest, _m: Any) -> FakeResponse:
        form = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token") == "r-1":
            return FakeResponse(200, {"access_token": "fresh-1", "token_type": "Bearer", "expires_in": 3600})
        return FakeResponse(400, {"error": "invalid_grant"})

    def slow(self, _r: FakeRequest, _m: Any) -> FakeResponse:
        self.release.wait(timeout=5)
        return FakeResponse(200, "late")

    def cursor(self, request: FakeRequest, _m: Any) -> FakeResponse:
        start = int(request.arg("cursor") or 0)
        page = ITEMS[start : start + 2]
        following = str(start + 2) if start + 2 < len(ITEMS) else None
        return FakeResponse(200, {"data": page, "meta": {"next": following}})

    def pages(self, request: FakeRequest, _m: Any) -> FakeResponse:
        page, size = int(request.arg("page") or 1), int(request.arg("per_page") or 2)
        return FakeResponse(200, {"results": ITEMS[(page - 1) * size : page * size]})

    def offset(self, request: FakeRequest, _m: Any) -> FakeResponse:
        offset = int(request.arg("offset") or 0)
        return FakeResponse(200, {"results": ITEMS[offset : offset + 2]})

    def linked(self, request: FakeRequest, _m: Any) -> FakeResponse:
        page = int(request.arg("p") or 1)
        headers = {"Link": f'</linked?p={page + 1}>; rel="next"'} if page < 3 else {}
        return FakeResponse(200, [ITEMS[page - 1]], headers)


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
def server(api: Api) -> Iterator[FakeHttpServer]:
    fake = FakeHttpServer()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        fake.route(method, "/echo", api.echo)
    fake.route("GET", "/slow", api.slow)
    fake.route("GET", "/cursor", api.cursor)
    fake.route("GET", "/pages", api.pages)
    fake.route("GET", "/offset", api.offset)
    fake.route("GET", "/linked", api.linked)
    fake.route("POST", "/token", api.token)
    fake.route(
        "GET", "/binary", lambda _r, _m: FakeResponse(200, b"\x00\x01\xff", {"Content-Type": "image/png"})
    )
    fake.route(
        "GET",
        "/to-metadata",
        lambda _r, _m: FakeResponse(302, headers={"Location": "http://169.254.169.254/"}),
    )
    with fake:
        yield fake
        api.release.set()


SECRETS = {
    "bearer": {"token": "tok-123"},
    "basic": {"username": "ada", "password": "s3cret"},
    "key": {"api_key": "k-9"},
    "partial": {"username": "ada"},
}


def _run(make_context: MakeContext, config: dict[str, Any], **ctx: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_node(node_task("http_request", config), make_context(secrets=SECRETS, **ctx))
    return result


def test_get_returns_parsed_json_and_lower_case_headers(
    server: FakeHttpServer, make_context: MakeContext
) -> None:
    out = _run(make_context, {"url": f"{server.base_url}/echo", "query": {"q": "x", "tag": ["a", "b"]}})
    assert out["status"] == 200
    assert out["body"]["query"] == {"q": ["x"], "tag": ["a", "b"]}
    assert out["headers"]["x-trace"] == "abc"
    assert out["url"] == f"{server.base_url}/echo?q=x&tag=a&tag=b"


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ({"type": "bearer", "credential_id": "bearer"}, "Bearer tok-123"),
        ({"type": "basic", "credential_id": "basic"}, "Basic " + base64.b64encode(b"ada:s3cret").decode()),
        ({"type": "api_key", "credential_id": "key", "name": "Authorization"}, "k-9"),
    ],
    ids=["bearer", "basic", "api-key-header"],
)
def test_auth_comes_from_the_credential(
    server: FakeHttpServer, api: Api, make_context: MakeContext, auth: dict[str, Any], expected: str
) -> None:
    _run(make_context, {"url": f"{server.base_url}/echo", "auth": auth})
    assert api.authorizations == [expected]


def test_a_credential_echoed_back_is_redacted_in_the_output(
    server: FakeHttpServer, make_context: MakeContext
) -> None:
    # The echo server returns the Authorization header it received: the token must not reach the output
    out = _run(
        make_context,
        {"url": f"{server.base_url}/echo", "auth": {"type": "bearer", "credential_id": "bearer"}},
    )
    assert out["body"]["authorization"] == "Bearer [redacted]"
    assert "tok-123" not in repr(out)


def test_oauth2_refresh_token_is_exchanged_first(server: FakeHttpServer, make_context: MakeContext) -> None:
    fields = {
        "refresh_token": "r-1",
        "client_id": "c",
        "client_secret": "s",
        "token_url": f"{server.base_url}/token",
    }
    ctx = make_context(secrets={"oauth": fields})
    config = {"url": f"{server.base_url}/echo", "auth": {"type": "oauth2", "credential_id": "oauth"}}
    out = run_node(node_task("http_request", config), ctx)
    assert out["body"]["authorization"] == "Bearer fresh-1"


def test_api_key_in_query(server: FakeHttpServer, make_context: MakeContext) -> None:
    auth = {"type": "api_key", "credential_id": "key", "name": "api_key", "location": "query"}
    out = _run(make_context, {"url": f"{server.base_url}/echo", "auth": auth})
    assert out["body"]["query"] == {"api_key": ["k-9"]}


def test_credential_without_the_needed_field_names_it(
    server: FakeHttpServer, make_context: MakeContext
) -> None:
    with pytest.raises(IntegrationAuthError, match="'password'"):
        _run(
            make_context,
            {"url": f"{server.base_url}/echo", "auth": {"type": "basic", "credential_id": "partial"}},
        )


def test_unknown_credential_is_credential_not_found(
    server: FakeHttpServer, make_context: MakeContext
) -> None:
    with pytest.raises(CredentialNotFound):
        _run(
            make_context,
            {"url": f"{server.base_url}/echo", "auth": {"type": "bearer", "credential_id": "nope"}},
        )


@pytest.mark.parametrize(
    ("body_type", "body", "content_type", "sent"),
    [
        ("json", {"a": 1}, "application/json", '{"a":1}'),
        ("form", {"a": "1", "b": 2}, "application/x-www-form-urlencoded", "a=1&b=2"),
        ("text", "hello", "text/plain; charset=utf-8", "hello"),
        ("binary", base64.b64encode(b"\x01\x02").decode(), "application/octet-stream", "\x01\x02"),
    ],
    ids=["json", "form", "text", "binary"],
)
def test_body_is_encoded_by_body_type(
    server: FakeHttpServer, make_context: MakeContext, body_type: str, body: Any, content_type: str, sent: str
) -> None:
    out = _run(
        make_context,
        {"method": "PUT", "url": f"{server.base_url}/echo", "body": body, "body_type": body_type},
    )
    assert out["body"]["content_type"] == content_type
    assert out["body"]["body"] == sent


def test_multipart_body_sends_fields_and_files(server: FakeHttpServer, make_context: MakeContext) -> None:
    body = {"note": "hi", "file": {"filename": "a.txt", "content": base64.b64encode(b"data").decode()}}
    _run(
        make_context,
        {"method": "PUT", "url": f"{server.base_url}/echo", "body": body, "body_type": "multipart"},
    )
    sent = server.requests[-1]
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="a.txt"' in sent.body and b"data" in sent.body and b"hi" in sent.body


def test_invalid_base64_body_names_the_field(server: FakeHttpServer, make_context: MakeContext) -> None:
    with pytest.raises(IntegrationConfigError, match=r"config\.body"):
        _run(
            make_context,
            {"method": "PUT", "url": f"{server.base_url}/echo", "body": "%%%", "body_type": "binary"},
        )


def test_retry_waits_the_backoff_then_succeeds(
    server: FakeHttpServer, api: Api, make_context: MakeContext, sleeps: list[float]
) -> None:
    api.failures = [FakeResponse(503, "down"), FakeResponse(502, "down")]
    out = _run(make_context, {"url": f"{server.base_url}/echo", "retry": {"backoff_seconds": 0.5}})
    assert out["status"] == 200
    assert sleeps == [0.5, 1.0]


def test_retry_after_header_is_honoured(
    server: FakeHttpServer, api: Api, make_context: MakeContext, sleeps: list[float]
) -> None:
    api.failures = [FakeResponse(429, "slow down", {"Retry-After": "7"})]
    _run(make_context, {"url": f"{server.base_url}/echo"})
    assert sleeps == [7.0]


def test_long_retry_after_is_a_retryable_rate_limit(
    server: FakeHttpServer, api: Api, make_context: MakeContext
) -> None:
    api.failures = [FakeResponse(429, "slow down", {"Retry-After": "3600"})]
    with pytest.raises(IntegrationRateLimited) as caught:
        _run(make_context, {"url": f"{server.base_url}/echo"})
    assert caught.value.retryable and caught.value.retry_after == 3600


def test_server_error_after_the_last_attempt_is_retryable_http_server_error(
    server: FakeHttpServer, api: Api, make_context: MakeContext
) -> None:
    api.failures = [FakeResponse(500, "boom")] * 3
    with pytest.raises(HttpServerError, match="500") as caught:
        _run(make_context, {"url": f"{server.base_url}/echo"})
    assert caught.value.status == 500 and caught.value.body == "boom" and caught.value.retryable


def test_client_error_is_http_request_failed(server: FakeHttpServer, make_context: MakeContext) -> None:
    with pytest.raises(HttpRequestFailed, match="404") as caught:
        _run(make_context, {"url": f"{server.base_url}/missing"})
    assert type(caught.value) is HttpRequestFailed and not caught.value.retryable


def test_error_status_is_output_when_fail_on_status_is_off(
    server: FakeHttpServer, make_context: MakeContext
) -> None:
    out = _run(make_context, {"url": f"{server.base_url}/missing", "fail_on_status": False})
    assert out["status"] == 404


def test_slow_server_is_http_timeout(server: FakeHttpServer, make_context: MakeContext) -> None:
    config = {"url": f"{server.base_url}/slow", "timeout": 0.2, "retry": {"max_attempts": 1}}
    with pytest.raises(HttpTimeout):
        _run(make_context, config)


def test_closed_port_is_http_connection_error(make_context: MakeContext) -> None:
    with pytest.raises(HttpConnectionError):
        _run(make_context, {"url": "http://127.0.0.1:9/", "retry": {"max_attempts": 1}})


def test_templated_timeout_that_is_not_a_number_names_the_field(
    server: FakeHttpServer, make_context: MakeContext
) -> None:
    with pytest.raises(IntegrationConfigError, match=r"config\.timeout"):
        _run(make_context, {"url": f"{server.base_url}/echo", "timeout": "{{ 'soon' }}"})


def test_bad_url_is_invalid_node_config_naming_the_field(make_context: MakeContext) -> None:
    with pytest.raises(InvalidNodeConfig, match=r"config\.url"):
        _run(make_context, {"url": "ftp://example.com/x"})


def test_metadata_address_is_blocked(make_context: MakeContext) -> None:
    with pytest.raises(OutboundRequestBlocked):
        _run(make_context, {"url": "http://169.254.169.254/latest/meta-data/"})


def test_redirect_to_metadata_is_blocked(server: FakeHttpServer, make_context: MakeContext) -> None:
    with pytest.raises(OutboundRequestBlocked):
        _run(make_context, {"url": f"{server.base_url}/to-metadata"})


def test_binary_response_is_base64(server: FakeHttpServer, make_context: MakeContext) -> None:
    out = _run(make_context, {"url": f"{server.base_url}/binary", "response_format": "binary"})
    assert base64.b64decode(out["body"]) == b"\x00\x01\xff"


@pytest.mark.parametrize(
    ("path", "pagination"),
    [
        (
            "/cursor",
            {"mode": "cursor", "items_path": "data", "param": "cursor", "next_cursor_path": "meta.next"},
        ),
        (
            "/pages",
            {
                "mode": "page",
                "items_path": "results",
                "param": "page",
                "page_size": 2,
                "page_size_param": "per_page",
            },
        ),
        ("/offset", {"mode": "offset", "items_path": "results", "param": "offset", "page_size": 2}),
        ("/linked", {"mode": "link_header", "items_path": "$"}),
    ],
    ids=["cursor", "page", "offset", "link-header"],
)
def test_pagination_collects_every_page(
    server: FakeHttpServer, make_context: MakeContext, path: str, pagination: dict[str, Any]
) -> None:
    out = _run(make_context, {"url": f"{server.base_url}{path}", "pagination": pagination})
    expected = ITEMS if path != "/linked" else ITEMS[:3]
    assert out["items"] == expected
    assert out["pages"] == {"/cursor": 3, "/pages": 3, "/offset": 3, "/linked": 3}[path]


def test_pagination_stops_at_max_pages(server: FakeHttpServer, make_context: MakeContext) -> None:
    pagination = {
        "mode": "cursor",
        "items_path": "data",
        "param": "cursor",
        "next_cursor_path": "meta.next",
        "max_pages": 2,
    }
    out = _run(make_context, {"url": f"{server.base_url}/cursor", "pagination": pagination})
    assert out["items"] == ITEMS[:4] and out["pages"] == 2


def test_post_runs_once_per_execution_and_node(server: FakeHttpServer, make_context: MakeContext) -> None:
    ctx = make_context(secrets=SECRETS)
    task = node_task("http_request", {"method": "POST", "url": f"{server.base_url}/echo", "body": {"a": 1}})
    first = run_node(task, ctx)
    second = run_node(task, ctx)
    assert first == second
    assert [r.method for r in server.requests] == ["POST"]


def test_post_of_another_execution_sends_again(server: FakeHttpServer, make_context: MakeContext) -> None:
    ctx = make_context(secrets=SECRETS)
    config = {"method": "POST", "url": f"{server.base_url}/echo"}
    run_node(node_task("http_request", config, execution="exec-1"), ctx)
    run_node(node_task("http_request", config, execution="exec-2"), ctx)
    assert len(server.requests) == 2
