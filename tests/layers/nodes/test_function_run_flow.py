"""The architecture's onboarding flow compiled to ASL and run on the local runtime: its function node, sandboxed."""

from __future__ import annotations

import json
from pathlib import Path

from deca.stores.models import FunctionRecord, FunctionVersion
from tests.fakes.node_runs import data_context, run_flow

ONBOARDING = Path(__file__).resolve().parents[3] / "examples" / "customer-onboarding.json"
VALIDATOR = """
def main(input):
    data = input["customer_data"]
    if "@" not in data.get("email", ""):
        raise ValueError("customer_data.email is not an email address")
    return {"email": data["email"].lower(), "name": data.get("name", "")}
"""


def test_customer_onboarding_example_runs_the_registered_validator() -> None:
    # Given the workspace has the example's `data-validator` function and the persona agent is pinned
    ctx = data_context("local")
    ctx.stores.functions.create(
        "local", FunctionRecord(workspace_id="local", function_id="data-validator", name="v")
    )
    ctx.stores.functions.add_version(
        "local",
        FunctionVersion(workspace_id="local", function_id="data-validator", version=1, source=VALIDATOR),
    )
    persona = {"text": "A busy founder.", "data": None}

    # When the architecture's example flow runs
    result = run_flow(
        json.loads(ONBOARDING.read_text(encoding="utf-8")),
        ctx,
        {"customer_data": {"email": "Ada@Example.com", "name": "Ada"}},
        mocks={"create-persona": persona},
    )

    # Then the validator ran in the sandbox on the execution input and the flow went on
    assert result["status"] == "SUCCEEDED", result
    assert result["output"]["validate-input"]["result"] == {"email": "ada@example.com", "name": "Ada"}
    assert result["output"]["validate-input"]["success"] is True
