"""Compiled flows RUN on the local ASL runtime with stub node Lambdas (skipped without the runtime)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deca.nodes.registry import NODE_TYPES
from deca.nodes.task import NodeTask
from statemachines.compiler import compile_checked, validate_document
from tests.statemachines.compiler.conftest import EXAMPLES_DIR, load

runtime = pytest.importorskip("statemachines.runtime")
if not hasattr(runtime, "run_definition"):
    pytest.skip("statemachines.runtime.run_definition is not available", allow_module_level=True)

Handler = Callable[[dict[str, Any]], Any]


class StubNodes:
    """Stub node Lambdas: record every task event, answer with canned outputs per node id or type."""

    def __init__(self, outputs: dict[str, Any] | None = None, failures: dict[str, str] | None = None) -> None:
        self.outputs = outputs or {}
        self.failures = failures or {}
        self.events: list[NodeTask] = []

    def handler(self, node_type: str) -> Handler:
        def handle(event: dict[str, Any]) -> Any:
            task = NodeTask.model_validate(event)
            self.events.append(task)
            if task.node_id in self.failures:
                raise _error(self.failures[task.node_id])
            return self.outputs.get(task.node_id, self.outputs.get(node_type, {"ok": True}))

        return handle

    def registry(self) -> Any:
        tasks = runtime.TaskRegistry()
        for node_type in NODE_TYPES:
            tasks.register_lambda(f"deca-node-{node_type}", self.handler(node_type))
        return tasks

    def config_of(self, node_id: str) -> dict[str, Any]:
        return next(e.config for e in self.events if e.node_id == node_id)

    def ran(self) -> list[str]:
        return [e.node_id for e in self.events]


def _error(name: str) -> Exception:
    return type(name, (Exception,), {})(f"{name} raised by a stub")


def _run(example: str, flow_input: Any, stubs: StubNodes) -> Any:
    asl = compile_checked(validate_document(load(EXAMPLES_DIR / f"{example}.json")))
    return runtime.run_definition(asl, flow_input, tasks=stubs.registry(), clock=runtime.FakeClock())


def test_seed_flow_runs_and_outputs_every_node() -> None:
    stubs = StubNodes(
        {"function": {"success": True, "result": {"ok": 1}}, "agent": {"text": "A curious buyer"}}
    )
    result = _run("customer-onboarding", {"customer_data": {"name": "Ann"}}, stubs)
    assert result.status == "SUCCEEDED"
    assert result.output == {
        "validate-input": {"success": True, "result": {"ok": 1}},
        "create-persona": {"text": "A curious buyer"},
    }
    assert stubs.config_of("create-persona")["prompt"] == 'Create a customer persona based on: {"name":"Ann"}'


def test_seed_flow_stops_when_the_condition_is_false() -> None:
    stubs = StubNodes({"function": {"success": False, "errors": ["customer_data missing"]}})
    result = _run("customer-onboarding", {}, stubs)
    assert result.status == "SUCCEEDED"
    assert stubs.ran() == ["validate-input"]
    assert set(result.output) == {"validate-input"}


def test_task_event_carries_execution_flow_and_input() -> None:
    stubs = StubNodes({"function": {"success": True}})
    _run("customer-onboarding", {"customer_data": {"x": 1}}, stubs)
    task = stubs.events[0]
    assert (task.flow_id, task.node_id, task.node_type) == ("flow-uuid", "validate-input", "function")
    assert task.input == {"customer_data": {"x": 1}}
    assert task.execution.id and task.output_ref_threshold == 262_144


@pytest.mark.parametrize(
    ("category", "expected"),
    [("outage", "page-on-call"), ("billing", "notify-billing"), ("other", None)],
    ids=["outage", "billing", "default"],
)
def test_switch_routes_to_the_case_taken(category: str, expected: str | None) -> None:
    stubs = StubNodes(
        {"agent": {"text": "", "data": {"category": category, "summary": "s"}}, "zendesk": {"ticket_id": 7}}
    )
    result = _run("support-ticket-triage", {"subject": "s", "email": "a@b.c", "body": "b"}, stubs)
    assert result.status == "SUCCEEDED"
    assert result.output["route"] == {"case": category if expected else "default"}
    routed = {"page-on-call", "notify-billing"} & set(stubs.ran())
    assert routed == ({expected} if expected else set())
    assert result.output["reply"]["body"] == {"accepted": True, "ticket": 7, "category": category}


def test_loop_collects_the_last_body_node_output_per_item() -> None:
    stubs = StubNodes({"http_request": {"status": 201}})
    orders = [{"order_id": f"o{i}", "sku": "s", "quantity": 1, "amount": i} for i in range(3)]
    result = _run("order-fulfilment", {"batch_id": "b", "orders": orders}, stubs)
    assert result.status == "SUCCEEDED"
    assert result.output["each-order"]["count"] == 3
    assert [r["order_id"] for r in result.output["each-order"]["results"]] == ["o0", "o1", "o2"]
    assert [stubs.events[i].config["body"]["line"] for i in range(3)] == [0, 1, 2]
    assert result.output["totals"]["groups"] == [{"key": True, "orders": 3, "amount": 3}]


def test_fan_out_branches_join_and_their_outputs_are_visible_after_the_join() -> None:
    stubs = StubNodes(
        {"fetch-pricing": {"body": "pricing"}, "search-news": {"body": "news"}, "agent": {"text": "digest"}}
    )
    result = _run("competitor-research", {"domain": "x.io", "company": "X"}, stubs)
    assert result.status == "SUCCEEDED"
    assert result.output["collect"]["fetch-pricing"] == {"body": "pricing"}
    assert "\nNews: news\n" in stubs.config_of("write-digest")["prompt"]


def test_continue_on_error_records_the_error_as_the_node_output() -> None:
    stubs = StubNodes({"agent": {"text": "digest"}}, failures={"search-news": "HttpServerError"})
    result = _run("competitor-research", {"domain": "x.io", "company": "X"}, stubs)
    assert result.status == "SUCCEEDED"
    assert result.output["search-news"]["error"] == "HttpServerError"


def test_on_error_route_runs_the_error_path_then_fails_with_its_error() -> None:
    stubs = StubNodes(failures={"push-invoice": "HttpServerError"})
    invoice = {"id": "i", "number": "INV-7", "customer_id": "c", "total": 1, "currency": "eur", "lines": []}
    result = _run("invoice-sync", {"invoice": invoice}, stubs)
    assert result.status == "FAILED"
    assert result.error == "InvoiceSyncFailed"
    assert "alert-finance" in stubs.ran() and "mark-synced" not in stubs.ran()
    assert stubs.config_of("alert-finance")["text"].startswith(
        "Invoice INV-7 could not be synced: HttpServerError"
    )


def test_wait_uses_the_injected_clock() -> None:
    stubs = StubNodes({"deca_tables": {"rows": [], "count": 0}})
    result = _run("trial-follow-up", {"detail": {"email": "a@b.c", "first_name": "A"}}, stubs)
    assert result.status == "SUCCEEDED"
    assert result.output["wait-3-days"] == {"waited_seconds": 259200}
    assert stubs.ran() == ["welcome", "check-usage", "nudge"]


def test_edge_condition_false_ends_the_path() -> None:
    stubs = StubNodes({"deca_tables": {"rows": [{"id": 1}], "count": 1}})
    result = _run("trial-follow-up", {"detail": {"email": "a@b.c", "first_name": "A"}}, stubs)
    assert result.status == "SUCCEEDED"
    assert "nudge" not in result.output


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("*.json")), ids=lambda p: Path(p).stem)
def test_every_example_runs_with_generic_stubs(path: Path) -> None:
    stubs = StubNodes()
    asl = compile_checked(validate_document(load(path)))
    result = runtime.run_definition(asl, {}, tasks=stubs.registry(), clock=runtime.FakeClock())
    assert result.status in ("SUCCEEDED", "FAILED")
    assert result.error != "States.Runtime"


def _run_document(document: dict[str, Any], flow_input: Any, stubs: StubNodes) -> Any:
    asl = compile_checked(validate_document(document))
    runtime.validate_definition(asl)
    return runtime.run_definition(asl, flow_input, tasks=stubs.registry(), clock=runtime.FakeClock())


@pytest.mark.parametrize(("x", "ran"), [(1, ["f", "a", "b", "j"]), (0, ["b", "j"])], ids=["true", "false"])
def test_paths_crossing_a_fan_out_run_as_a_guarded_sequence(x: int, ran: list[str]) -> None:
    document = {
        "id": "crossing",
        "name": "Crossing",
        "nodes": [
            {"id": "check", "type": "condition", "config": {"condition": "{{ input.x = 1 }}"}},
            *({"id": n, "type": "function", "config": {"function_id": n}} for n in ("f", "a", "b", "j")),
        ],
        "connections": [
            {"from": "check", "to": "f", "label": "true"},
            {"from": "check", "to": "b", "label": "false"},
            {"from": "f", "to": "a"},
            {"from": "f", "to": "b"},
            {"from": "a", "to": "j"},
            {"from": "b", "to": "j"},
        ],
    }
    stubs = StubNodes({"function": {"success": True}})
    result = _run_document(document, {"x": x}, stubs)
    assert result.status == "SUCCEEDED"
    assert stubs.ran() == ran
