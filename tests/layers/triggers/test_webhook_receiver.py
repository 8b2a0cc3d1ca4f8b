"""The webhook receiver: signatures, idempotency, limits and response modes, with no execution on refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from deca.stores import memory_stores
from deca.triggers.webhook_receiver import (
    StartedExecution,
    WebhookReceiver,
    WebhookRequest,
    WebhookRoute,
    WebhookStart,
    webhook_routes,
)
from deca.triggers.webhook_signatures import sign_github, sign_standard
from tests.fakes.clock import FakeClock
from tests.layers.triggers.flows import flow_with

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OLD_SECRET = "whsec_c2VjcmV0LW9uZQ=="
BODY = b'{"order": 42}'


class Engine:
    """Records the executions it was asked to start."""

    def __init__(self, status: str = "running", output: Any = None) -> None:
        self.starts: list[WebhookStart] = []
        self._status, self._output = status, output

    def __call__(self, start: WebhookStart) -> StartedExecution:
        self.starts.append(start)
        return StartedExecution(
            execution_id=f"exec-{len(self.starts)}", status=self._status, output=self._output
        )


def _route(**trigger: Any) -> WebhookRoute:
    (route,) = webhook_routes(
        "ws", "orders", flow_with({"type": "webhook", "path": "/orders/new", **trigger})
    )
    return route


def _receiver(engine: Engine, clock: FakeClock, **kwargs: Any) -> WebhookReceiver:
    return WebhookReceiver(engine, memory_stores(clock=clock).idempotency, clock, **kwargs)


def _standard_headers(
    body: bytes = BODY, *, msg_id: str = "msg_1", at: datetime = NOW, secret: str = SECRET
) -> dict[str, str]:
    stamp = int(at.timestamp())
    return {
        "Content-Type": "application/json",
        "Webhook-Id": msg_id,
        "Webhook-Timestamp": str(stamp),
        "Webhook-Signature": sign_standard(secret, msg_id, stamp, body),
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def test_valid_standard_signature_starts_one_execution(clock: FakeClock) -> None:
    # Given a signed trigger and a correctly signed request
    engine = Engine()
    request = WebhookRequest("POST", _standard_headers(), BODY, {"src": "shop"})
    # When
    response = _receiver(engine, clock).receive(_route(signature="standard"), request, secrets=[SECRET])
    # Then 202 with the execution id, and the flow input carries the parsed and the raw body
    assert (response.status_code, response.body) == (202, {"execution_id": "exec-1", "status": "running"})
    (start,) = engine.starts
    assert (start.input["body"], start.input["raw_body"], start.input["query"]) == (
        {"order": 42},
        BODY.decode(),
        {"src": "shop"},
    )


def test_any_rotated_secret_verifies(clock: FakeClock) -> None:
    engine = Engine()
    request = WebhookRequest("POST", _standard_headers(secret=OLD_SECRET), BODY)
    response = _receiver(engine, clock).receive(
        _route(signature="standard"), request, secrets=[SECRET, OLD_SECRET]
    )
    assert (response.status_code, len(engine.starts)) == (202, 1)


def test_several_offered_signatures_one_valid_is_accepted(clock: FakeClock) -> None:
    engine = Engine()
    headers = _standard_headers()
    headers["Webhook-Signature"] = "v1,AAAA " + headers["Webhook-Signature"]
    response = _receiver(engine, clock).receive(
        _route(signature="standard"), WebhookRequest("POST", headers, BODY), secrets=[SECRET]
    )
    assert response.status_code == 202


REFUSED = [
    ("missing signature", lambda h: {k: v for k, v in h.items() if k != "Webhook-Signature"}, BODY, 401),
    ("wrong signature", lambda h: {**h, "Webhook-Signature": "v1,bm9wZQ=="}, BODY, 401),
    ("tampered body", lambda h: h, b'{"order": 43}', 401),
    ("stale timestamp", lambda h: _standard_headers(at=NOW.replace(hour=11, minute=54)), BODY, 401),
    ("future timestamp", lambda h: _standard_headers(at=NOW.replace(minute=6)), BODY, 401),
    ("malformed timestamp", lambda h: {**h, "Webhook-Timestamp": "yesterday"}, BODY, 401),
]


@pytest.mark.parametrize(("change", "body", "status"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_bad_standard_signature_is_refused_without_execution(
    clock: FakeClock, change: Any, body: bytes, status: int
) -> None:
    engine = Engine()
    request = WebhookRequest("POST", change(_standard_headers()), body)
    response = _receiver(engine, clock).receive(_route(signature="standard"), request, secrets=[SECRET])
    assert (response.status_code, response.body["code"], engine.starts) == (status, "invalid_signature", [])


def test_timestamp_within_tolerance_is_accepted(clock: FakeClock) -> None:
    engine = Engine()
    request = WebhookRequest("POST", _standard_headers(at=NOW.replace(hour=11, minute=56)), BODY)
    assert (
        _receiver(engine, clock).receive(_route(signature="standard"), request, secrets=[SECRET]).status_code
        == 202
    )


def test_secret_configured_fails_closed_without_secret_value(clock: FakeClock) -> None:
    # Given a trigger naming a secret credential whose value could not be loaded
    engine = Engine()
    route = _route(secret_credential="orders-hook")
    # When a request arrives unsigned
    response = _receiver(engine, clock).receive(route, WebhookRequest("POST", {}, BODY), secrets=[])
    # Then it is refused
    assert (response.status_code, engine.starts) == (401, [])


def test_github_signature_starts_execution(clock: FakeClock) -> None:
    engine = Engine()
    headers = {
        "X-Hub-Signature-256": sign_github("gh-secret", BODY),
        "X-GitHub-Delivery": "d-1",
        "Content-Type": "application/json",
    }
    response = _receiver(engine, clock).receive(
        _route(signature="github"), WebhookRequest("POST", headers, BODY), secrets=["gh-secret"]
    )
    assert (response.status_code, engine.starts[0].idempotency_key) == (202, "d-1")


def test_github_wrong_signature_is_refused(clock: FakeClock) -> None:
    engine = Engine()
    headers = {"X-Hub-Signature-256": sign_github("other", BODY)}
    response = _receiver(engine, clock).receive(
        _route(signature="github"), WebhookRequest("POST", headers, BODY), secrets=["gh-secret"]
    )
    assert (response.status_code, engine.starts) == (401, [])


def test_replayed_webhook_id_returns_the_first_execution(clock: FakeClock) -> None:
    # Given one delivered message
    engine = Engine()
    receiver = _receiver(engine, clock)
    first = receiver.receive(
        _route(signature="standard"), WebhookRequest("POST", _standard_headers(), BODY), secrets=[SECRET]
    )
    # When the sender retries it a minute later
    clock.advance(60)
    again = receiver.receive(
        _route(signature="standard"), WebhookRequest("POST", _standard_headers(), BODY), secrets=[SECRET]
    )
    # Then the same answer, one execution
    assert (again.body, again.headers.get("Idempotent-Replay"), len(engine.starts)) == (first.body, "true", 1)


def test_idempotency_key_with_another_body_is_refused(clock: FakeClock) -> None:
    engine = Engine()
    receiver = _receiver(engine, clock)
    receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k1"}, b"one"))
    response = receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k1"}, b"two"))
    assert (response.status_code, len(engine.starts)) == (422, 1)


def test_key_in_flight_is_conflict(clock: FakeClock) -> None:
    # Given a start that re-enters the receiver with the same key before it returns
    responses = []

    def start(request: WebhookStart) -> StartedExecution:
        responses.append(receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k"}, b"x")))
        return StartedExecution(execution_id="exec-1")

    receiver = WebhookReceiver(start, memory_stores(clock=clock).idempotency, clock)
    receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k"}, b"x"))
    assert responses[0].status_code == 409


def test_key_is_free_again_after_the_window(clock: FakeClock) -> None:
    engine = Engine()
    receiver = _receiver(engine, clock)
    receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k1"}, b"one"))
    clock.advance(25 * 3600)
    receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k1"}, b"one"))
    assert len(engine.starts) == 2


def test_failed_start_releases_the_key(clock: FakeClock) -> None:
    calls = []

    def flaky(request: WebhookStart) -> StartedExecution:
        calls.append(request)
        if len(calls) == 1:
            raise RuntimeError("engine unavailable")
        return StartedExecution(execution_id="exec-2")

    receiver = WebhookReceiver(flaky, memory_stores(clock=clock).idempotency, clock)
    with pytest.raises(RuntimeError):
        receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k"}, b"x"))
    assert (
        receiver.receive(_route(), WebhookRequest("POST", {"Idempotency-Key": "k"}, b"x")).status_code == 202
    )


def test_oversized_body_is_413_without_execution(clock: FakeClock) -> None:
    engine = Engine()
    response = _receiver(engine, clock, max_body_bytes=10).receive(
        _route(), WebhookRequest("POST", {}, b"x" * 11)
    )
    assert (response.status_code, engine.starts) == (413, [])


def test_undeclared_method_is_405(clock: FakeClock) -> None:
    engine = Engine()
    response = _receiver(engine, clock).receive(
        _route(methods=["PUT", "PATCH"]), WebhookRequest("POST", {}, b"")
    )
    assert (response.status_code, response.headers["Allow"], engine.starts) == (405, "PUT, PATCH", [])


def test_any_declared_method_is_accepted(clock: FakeClock) -> None:
    engine = Engine()
    response = _receiver(engine, clock).receive(
        _route(methods=["GET", "PUT"]), WebhookRequest("get", {}, b"")
    )
    assert (response.status_code, engine.starts[0].input["method"]) == (202, "GET")


def test_unknown_path_is_404(clock: FakeClock) -> None:
    assert _receiver(Engine(), clock).receive(None, WebhookRequest("POST", {}, b"")).status_code == 404


def test_invalid_json_body_is_400(clock: FakeClock) -> None:
    engine = Engine()
    response = _receiver(engine, clock).receive(
        _route(), WebhookRequest("POST", {"content-type": "application/json"}, b"{")
    )
    assert (response.status_code, engine.starts) == (400, [])


def test_form_body_is_parsed_and_binary_body_kept_as_base64(clock: FakeClock) -> None:
    engine = Engine()
    receiver = _receiver(engine, clock)
    receiver.receive(
        _route(),
        WebhookRequest("POST", {"content-type": "application/x-www-form-urlencoded"}, b"a=1&b=2&b=3"),
    )
    receiver.receive(
        _route(), WebhookRequest("POST", {"content-type": "application/octet-stream"}, b"\xff\x00")
    )
    assert engine.starts[0].input["body"] == {"a": "1", "b": ["2", "3"]}
    assert (engine.starts[1].input["raw_body"], engine.starts[1].input["raw_body_encoding"]) == (
        "/wA=",
        "base64",
    )


def test_sync_mode_answers_with_the_output(clock: FakeClock) -> None:
    engine = Engine(status="succeeded", output={"ok": True})
    response = _receiver(engine, clock).receive(_route(response_mode="sync"), WebhookRequest("POST", {}, b""))
    assert (response.status_code, response.body["output"], engine.starts[0].response_mode) == (
        200,
        {"ok": True},
        "sync",
    )


def test_sync_mode_still_running_is_202(clock: FakeClock) -> None:
    response = _receiver(Engine(status="running"), clock).receive(
        _route(response_mode="sync"), WebhookRequest("POST", {}, b"")
    )
    assert response.status_code == 202


def test_response_serialises_to_json(clock: FakeClock) -> None:
    response = _receiver(Engine(), clock).receive(_route(), WebhookRequest("POST", {}, b""))
    assert json.loads(response.model_dump_json())["status_code"] == 202


def test_route_url_is_under_webhooks_of_the_workspace() -> None:
    assert _route().url("https://api.example.com/") == "https://api.example.com/webhooks/ws/orders/new"


def test_credentials_in_headers_are_not_copied_into_the_input(clock: FakeClock) -> None:
    engine = Engine()
    headers = {"Authorization": "Bearer t0ken", "Cookie": "s=1", "X-Trace": "abc"}
    _receiver(engine, clock).receive(_route(), WebhookRequest("POST", headers, b""))
    assert engine.starts[0].input["headers"] == {"x-trace": "abc"}
