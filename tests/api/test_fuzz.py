"""Whatever JSON a client sends, the answer is a success or a 4xx with the error body, never a 500."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import sample_flow

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
_json = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_KEYS = [
    "id",
    "name",
    "nodes",
    "connections",
    "settings",
    "triggers",
    "type",
    "config",
    "from",
    "to",
    "version",
]


@st.composite
def mutated_flows(draw: st.DrawFn) -> Any:
    """The sample flow with one value somewhere replaced by arbitrary JSON."""
    flow: Any = sample_flow()
    target = flow
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target)))
            if not isinstance(target[key], dict | list):
                break
            target = target[key]
        elif isinstance(target, list) and target:
            index = draw(st.integers(min_value=0, max_value=len(target) - 1))
            if not isinstance(target[index], dict | list):
                break
            target = target[index]
    if isinstance(target, dict):
        target[draw(st.sampled_from(_KEYS) | st.text(max_size=8))] = draw(_json)
    elif isinstance(target, list):
        target.append(draw(_json))
    return flow


def _is_clean(response: Any) -> bool:
    if response.status_code < 400:
        return True
    body = response.json()
    return response.status_code < 500 and set(body["error"]) == {"code", "message", "details"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_json)
def test_any_json_to_create_a_flow_is_never_a_server_error(
    body: Any, client: TestClient, owner: dict[str, str]
) -> None:
    assert _is_clean(client.post("/flows/validate", json=body, headers=owner))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flow=mutated_flows())
def test_a_flow_changed_anywhere_is_never_a_server_error(
    flow: Any, client: TestClient, owner: dict[str, str]
) -> None:
    response = client.post("/flows/validate", json=flow, headers=owner)

    assert _is_clean(response), response.text
