"""How flow constructs map to ASL states (JSONata mode), checked on small flows."""

from __future__ import annotations

from typing import Any

from statemachines.compiler import CompileOptions, compile_flow, parse_flow
from tests.statemachines.compiler._flows import chain, edge, flow, node


def _asl(document: dict[str, Any], options: CompileOptions | None = None) -> dict[str, Any]:
    return compile_flow(parse_flow(document), options or CompileOptions())


def test_document_header_uses_jsonata_and_the_flow_timeout() -> None:
    asl = _asl({**chain("a"), "version": 4, "settings": {"timeout": 42}})
    assert (asl["QueryLanguage"], asl["TimeoutSeconds"], asl["StartAt"]) == ("JSONata", 42, "_start")
    assert asl["Comment"] == "Test Flow (flow test-flow, version 4)"


def test_every_node_is_a_state_named_by_its_id() -> None:
    asl = _asl(chain("first", "second-step"))
    assert list(asl["States"]) == ["_start", "first", "second-step", "_end"]


def test_task_invokes_the_node_type_lambda_with_the_prefix_option() -> None:
    state = _asl(chain("a"), CompileOptions(function_prefix="deca-prod-node-"))["States"]["a"]
    assert state["Resource"] == "arn:aws:states:::lambda:invoke"
    assert state["Arguments"]["FunctionName"] == "deca-prod-node-function"
    assert state["Assign"] == {"n_a": "{% $states.result.Payload %}"}


def test_standard_lambda_retry_comes_first_and_the_node_retry_last() -> None:
    document = chain("a")
    document["nodes"][0]["retry"] = {"errors": ["CodeError"], "max_attempts": 5, "interval_seconds": 2}
    retry = _asl(document)["States"]["a"]["Retry"]
    assert retry[0]["ErrorEquals"] == [
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ]
    assert (retry[0]["IntervalSeconds"], retry[0]["MaxAttempts"], retry[0]["BackoffRate"]) == (1, 3, 2.0)
    assert retry[-1] == {
        "ErrorEquals": ["CodeError"],
        "IntervalSeconds": 2,
        "MaxAttempts": 5,
        "BackoffRate": 2.0,
    }


def test_single_template_keeps_its_type_and_gives_null_when_missing() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "{{ input.amount }}"
    config = _asl(document)["States"]["a"]["Arguments"]["Payload"]["config"]
    assert config["input"] == "{% ($v := $states.context.Execution.Input.amount; $exists($v) ? $v : null) %}"


def test_mixed_text_and_template_is_a_string_concatenation() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "Hello {{ input.name }}"
    config = _asl(document)["States"]["a"]["Arguments"]["Payload"]["config"]
    assert config["input"] == '{% "Hello " & ($states.context.Execution.Input.name) %}'


def test_literal_string_that_looks_like_jsonata_is_escaped() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "{% not an expression %}"
    config = _asl(document)["States"]["a"]["Arguments"]["Payload"]["config"]
    assert config["input"] == '{% "{% not an expression %}" %}'


def test_fan_out_becomes_a_parallel_that_reassigns_branch_outputs() -> None:
    document = flow(
        [node("a"), node("b"), node("c"), node("join", "merge", config={})],
        [edge("a", "b"), edge("a", "c"), edge("b", "join"), edge("c", "join")],
    )
    states = _asl(document)["States"]
    fork = states["a.fork"]
    assert states["a"]["Next"] == "a.fork" and fork["Next"] == "join"
    assert fork["Assign"] == {"n_b": "{% $states.result[0].b %}", "n_c": "{% $states.result[1].c %}"}
    branch = fork["Branches"][0]["States"]
    assert branch["a.fork.branch1"]["Assign"] == {"n1_b": None}
    assert branch["b"]["Assign"] == {"n1_b": "{% $states.result.Payload %}"}
    assert branch["a.fork.branch1.end"]["Output"] == '{% {"b": $n1_b} %}'


def test_several_roots_start_in_parallel() -> None:
    states = _asl(flow([node("a"), node("b")]))["States"]
    assert states["_start"]["Next"] == "_roots"
    assert [b["StartAt"] for b in states["_roots"]["Branches"]] == ["_roots.branch1", "_roots.branch2"]


def test_condition_node_is_a_pass_then_a_choice_on_its_result() -> None:
    document = flow(
        [
            node("check", "condition", config={"condition": "{{ input.amount > 100 }}"}),
            node("big"),
            node("small"),
        ],
        [edge("check", "big", label="true"), edge("check", "small", label="false")],
    )
    states = _asl(document)["States"]
    assert states["check"]["Assign"] == {
        "n_check": '{% {"result": ($states.context.Execution.Input.amount > 100) ? true : false} %}'
    }
    assert states["check.route"] == {
        "Type": "Choice",
        "Choices": [{"Condition": "{% $n_check.result %}", "Next": "big"}],
        "Default": "small",
    }


def test_edge_conditions_are_tested_in_order_with_unconditional_edges_as_default() -> None:
    document = flow(
        [node("a"), node("b"), node("c"), node("d")],
        [
            edge("a", "b", condition="{{ a.success }}"),
            edge("a", "c", condition="{{ !a.success }}"),
            edge("a", "d"),
        ],
    )
    route = _asl(document)["States"]["a.route"]
    assert [c["Next"] for c in route["Choices"]] == ["b", "c"]
    assert route["Choices"][1]["Condition"] == "{% ($not($n_a.success)) ? true : false %}"
    assert route["Default"] == "d"


def test_loop_is_an_inline_map_with_item_and_index_variables() -> None:
    document = flow(
        [
            node("each", "loop", config={"items": "{{ input.rows }}"}),
            node("work", config={"function_id": "f", "input": "{{ item }}"}),
        ],
        [edge("each", "work", label="body"), edge("work", "each")],
        settings={"parallelism": 7},
    )
    state = _asl(document)["States"]["each"]
    assert state["Type"] == "Map" and state["MaxConcurrency"] == 7
    assert state["ItemProcessor"]["ProcessorConfig"] == {"Mode": "INLINE"}
    init = state["ItemProcessor"]["States"]["each.item"]
    assert init["Assign"]["item1"] == "{% $states.input.item %}"
    assert state["ItemProcessor"]["States"]["each.body.end"]["Output"] == "{% $n1_work %}"
    assert state["Assign"] == {"n_each": '{% {"results": $states.result, "count": $count($states.result)} %}'}


def test_loop_with_high_concurrency_runs_distributed_and_carries_outer_variables_in() -> None:
    document = flow(
        [
            node("setup"),
            node("each", "loop", config={"items": "{{ input.rows }}", "max_concurrency": 500}),
            node("work", config={"function_id": "f", "input": "{{ setup.result }}"}),
        ],
        [edge("setup", "each"), edge("each", "work", label="body"), edge("work", "each")],
    )
    state = _asl(document)["States"]["each"]
    assert state["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    assert state["ItemSelector"]["vars"] == {
        "input1": "{% $states.context.Execution.Input %}",
        "n1_setup": "{% $n_setup %}",
    }


def test_on_error_continue_catches_into_the_next_state_with_the_error_as_output() -> None:
    document = chain("a", "b")
    document["nodes"][0]["on_error"] = {"action": "continue"}
    assert _asl(document)["States"]["a"]["Catch"] == [
        {
            "ErrorEquals": ["States.ALL"],
            "Next": "b",
            "Assign": {
                "n_a": '{% {"error": $states.errorOutput.Error, "cause": $states.errorOutput.Cause} %}'
            },
        }
    ]


def test_on_error_route_catches_into_the_handler_and_assigns_error() -> None:
    document = flow(
        [
            node("a", on_error={"action": "route", "route_to": "handler"}),
            node("handler", config={"function_id": "h", "input": "{{ error.cause }}"}),
        ],
    )
    catch = _asl(document)["States"]["a"]["Catch"][0]
    assert catch["Next"] == "handler"
    assert catch["Assign"]["error"].startswith('{% {"error": $states.errorOutput.Error')


def test_callback_node_waits_for_a_task_token() -> None:
    config = {"title": "Approve", "approvers": ["role:finance"], "timeout_seconds": 3600}
    state = _asl(flow([node("ok", "approval", config=config)]))["States"]["ok"]
    assert state["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert state["Arguments"]["Payload"]["task_token"] == "{% $states.context.Task.Token %}"
    assert state["TimeoutSeconds"] == 3600


def test_sub_flow_starts_the_other_state_machine_and_waits() -> None:
    document = flow(
        [
            node(
                "child",
                "sub_flow",
                config={"flow_id": "enrich", "version": 2, "input": {"id": "{{ input.id }}"}},
            )
        ]
    )
    state = _asl(
        document, CompileOptions(state_machine_arn_prefix="arn:aws:states:eu-west-1:1:stateMachine:dev-")
    )["States"]["child"]
    assert state["Resource"] == "arn:aws:states:::states:startExecution.sync:2"
    assert state["Arguments"]["StateMachineArn"] == "arn:aws:states:eu-west-1:1:stateMachine:dev-enrich:2"


def test_wait_and_stop_and_error_map_to_wait_and_fail() -> None:
    document = flow(
        [
            node("pause", "wait", config={"seconds": 60}),
            node("stop", "stop_and_error", config={"error": "Nope", "message": "no {{ input.id }}"}),
        ],
        [edge("pause", "stop")],
    )
    states = _asl(document)["States"]
    assert (states["pause"]["Type"], states["pause"]["Seconds"]) == ("Wait", 60)
    assert states["stop"] == {
        "Type": "Fail",
        "Error": "Nope",
        "Cause": '{% "no " & ($states.context.Execution.Input.id) %}',
    }
    assert "_end" not in states  # unreachable states are not emitted (AWS rejects them)


def test_set_node_values_are_read_through_vars() -> None:
    document = flow(
        [
            node("remember", "set", config={"values": {"tier": "gold"}}),
            node("use", config={"function_id": "f", "input": "{{ vars.tier }}"}),
        ],
        [edge("remember", "use")],
    )
    config = _asl(document)["States"]["use"]["Arguments"]["Payload"]["config"]
    assert (
        config["input"]
        == '{% ($v := $merge([$n_remember][$type($) = "object"]).tier; $exists($v) ? $v : null) %}'
    )


def test_workspace_option_is_set_in_task_events() -> None:
    payload = _asl(chain("a"), CompileOptions(workspace_id="ws-42"))["States"]["a"]["Arguments"]["Payload"]
    assert payload["workspace_id"] == "ws-42"
    assert "workspace_id" not in _asl(chain("a"))["States"]["a"]["Arguments"]["Payload"]


def test_retryable_errors_of_the_node_type_get_their_own_retrier() -> None:
    document = flow([node("ask", "agent", config={"agent_id": "helper", "prompt": "hi"})])
    retry = _asl(document)["States"]["ask"]["Retry"]
    assert retry[1]["ErrorEquals"] == ["ProviderRateLimited"]
    assert retry[1]["JitterStrategy"] == "FULL"


def test_node_retry_takes_over_the_errors_it_names() -> None:
    document = flow(
        [
            node(
                "ask",
                "agent",
                config={"agent_id": "helper", "prompt": "hi"},
                retry={"errors": ["ProviderRateLimited"], "max_attempts": 9},
            )
        ]
    )
    retry = _asl(document)["States"]["ask"]["Retry"]
    assert [r["ErrorEquals"] for r in retry[1:]] == [["ProviderRateLimited"]]
    assert retry[1]["MaxAttempts"] == 9


def test_fan_out_branches_sharing_nodes_run_in_topological_order_behind_guards() -> None:
    document = flow(
        [
            node("f"),
            node("a"),
            node("b"),
            node("shared"),
            node("x"),
            node("c"),
            node("j", "merge", config={}),
        ],
        [
            edge("f", "a"),
            edge("f", "b"),
            edge("f", "c"),
            edge("a", "shared"),
            edge("b", "shared"),
            edge("a", "x"),
            edge("shared", "j"),
            edge("x", "j"),
            edge("c", "j"),
        ],
    )
    fork = _asl(document)["States"]["f.fork"]
    assert len(fork["Branches"]) == 2
    grouped = fork["Branches"][0]["States"]
    order = [name for name in grouped if not name.startswith("f.fork")]
    assert order == ["a", "b", "shared.guard", "shared", "x.guard", "x"]
    assert [grouped[n]["Next"] for n in ("a", "b", "shared", "x")] == [
        "b",
        "shared.guard",
        "x.guard",
        "f.fork.branch1.end",
    ]
    assert (
        grouped["x.guard"]["Choices"][0]["Condition"] == "{% (($n1_a != null and ((true)))) ? true : false %}"
    )
    assert list(fork["Branches"][1]["States"]) == ["f.fork.branch2", "c", "f.fork.branch2.end"]
