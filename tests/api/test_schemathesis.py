"""Schemathesis fuzzes every operation of the app's own OpenAPI document with its default checks.

The app runs in-process (ASGI) on memory stores with a seeded workspace and an owner's token. The
Schemathesis engine runs its examples, coverage and fuzzing phases with positive and negative data and
every check it enables by default: no server errors; status codes, content types, headers, `Allow`
and bodies as documented; negative data rejected; positive data accepted; missing required headers
rejected; auth not ignored (each request is replayed without and with a broken token). The run is
deterministic and bounded; new routes are covered without touching this file, and the operations are
split into shards so pytest-xdist spreads them over the workers.

Two checks take statuses beyond Schemathesis' defaults, because the API validates more than a JSON
Schema can say: a schema-valid request may still get 400 (an opaque cursor that is not one of ours) or
422 (cross-field rules, a flow that does not compile), always with the documented error body; and
invalid data may be refused with 413 when it is larger than the body limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import Status, events, from_schema

from tests.api.conftest import Caller, sample_flow

SHARDS = 3
MAX_EXAMPLES = 4
"""Fuzzed examples per operation and generation mode: small, the coverage phase does the rest."""

FLOW_DOCUMENT_REF = "#/components/schemas/Flow"
"""Bodies holding a whole flow document get no coverage phase: its node union alone makes thousands of
boundary cases (minutes of CPU). They are fuzzed here, and mutated flows are fuzzed in test_fuzz.py."""

KNOWN_FINDINGS: dict[tuple[str, str], str] = {
    ("POST /flows/import", "negative_data_rejection"): "node configs coerce (lax pydantic: `public: 0`)",
}
"""(operation, check) -> why it is accepted for now; every entry is a bug to fix, not a rule."""


@dataclass(frozen=True)
class Finding:
    """One failed check on one operation, with the request and answer that show it."""

    operation: str
    check: str
    title: str
    request: str
    answer: str

    def __str__(self) -> str:
        return f"{self.operation} [{self.check}] {self.title}\n  {self.request}\n  -> {self.answer}"


def _seed(client: TestClient, headers: dict[str, str]) -> None:
    """A workspace with a published flow and a credential, so reads of real ids reach their handlers."""
    assert client.post("/flows", json=sample_flow(), headers=headers).status_code == 201
    assert client.post("/flows/onboarding/publish", headers=headers).status_code == 200
    response = client.post(
        "/credentials", json={"name": "seeded", "type": "api_key", "value": "seeded-value"}, headers=headers
    )
    assert response.status_code == 201, response.text


def _holds_flow_document(node: Any) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == FLOW_DOCUMENT_REF or any(_holds_flow_document(v) for v in node.values())
    if isinstance(node, list):
        return any(_holds_flow_document(v) for v in node)
    return False


def _operation_settings(document: dict[str, Any], shard: int) -> list[dict[str, Any]]:
    """Per-operation settings: other shards' operations off; no coverage phase for flow documents."""
    settings: list[dict[str, Any]] = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            selector = {"include-name": label}
            if _shard_of(label) != shard:
                settings.append({**selector, "enabled": False})
            elif _holds_flow_document(operation.get("requestBody")):
                settings.append({**selector, "phases": {"coverage": {"enabled": False}}})
    return settings


def _shard_of(label: str) -> int:
    return zlib.crc32(label.encode()) % SHARDS


def _findings(event: events.ScenarioFinished | events.FuzzScenarioFinished) -> Iterator[Finding]:
    recorder = event.recorder
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            if node.failure_info is None:
                continue
            case = recorder.cases[case_id].value
            interaction = recorder.interactions.get(case_id)
            answer = "no answer"
            if interaction is not None and interaction.response is not None:
                answer = f"{interaction.response.status_code} {interaction.response.content[:300]!r}"
            body = "" if case.body is None or type(case.body).__name__ == "NotSet" else repr(case.body)[:300]
            yield Finding(
                operation=recorder.label,
                check=node.name,
                title=f"{node.failure_info.failure.title}: {node.failure_info.failure.message}".replace(
                    "\n", " "
                ),
                request=f"{case.method} {case.formatted_path} query={case.query} body={body}",
                answer=answer,
            )


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda shard: f"shard{shard}")
def test_every_operation_passes_schemathesis_checks(
    shard: int, app: FastAPI, client: TestClient, caller: Caller
) -> None:
    # Given the app with a seeded workspace and an owner's token
    headers = caller.headers("owner")
    _seed(client, headers)
    config = schemathesis.Config.from_dict(
        {
            "headers": headers,
            "seed": 20260101,
            "workers": 1,
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
            "phases": {"stateful": {"enabled": False}},
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", 400, 401, 403, 404, 409, 422, 429]
                },
                "negative_data_rejection": {
                    "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
                },
            },
            "operations": _operation_settings(app.openapi(), shard),
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)

    # When Schemathesis runs every operation of this shard
    findings: dict[tuple[str, str], Finding] = {}
    tested: set[str] = set()
    errors: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            if event.status != Status.SKIP and event.recorder.cases:
                tested.add(event.recorder.label)
            for finding in _findings(event):
                findings.setdefault((finding.operation, finding.check), finding)
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")

    # Then every operation was tested and none failed a check (known findings aside)
    assert not errors, "\n".join(errors)
    documented = {
        f"{method.upper()} {path}" for path, item in app.openapi()["paths"].items() for method in item
    }
    assert tested == {label for label in documented if _shard_of(label) == shard}
    unknown = [str(f) for key, f in sorted(findings.items()) if key not in KNOWN_FINDINGS]
    assert not unknown, f"{len(unknown)} Schemathesis finding(s):\n" + "\n".join(unknown)
