"""One test per class of compile error: each names the node and the position, all are reported at once."""

from __future__ import annotations

from typing import Any

import pytest

from deca.errors import CompileError, CompileErrors
from statemachines.compiler import validate_document
from tests.statemachines.compiler._flows import chain, edge, flow, node


def _errors(document: dict[str, Any]) -> list[CompileError]:
    with pytest.raises(CompileErrors) as caught:
        validate_document(document)
    return caught.value.errors


def _only(document: dict[str, Any]) -> CompileError:
    errors = _errors(document)
    assert len(errors) == 1, [e.render() for e in errors]
    return errors[0]


def test_unknown_node_type_names_node_and_type_position() -> None:
    error = _only(flow([node("a"), node("b"), node("c"), {"id": "x", "type": "foo", "config": {}}]))
    assert error.render() == "node 'x' at nodes[3].type: unknown node type 'foo' (see `deca nodes`)"


def test_bad_config_names_the_missing_field() -> None:
    error = _only(
        flow([node("a"), node("b"), {"id": "fetch", "type": "http_request", "config": {"method": "GET"}}])
    )
    assert error.render() == "node 'fetch' at nodes[2].config.url: Field required"


def test_unknown_config_field_is_reported_by_name() -> None:
    error = _only(flow([node("a", config={"function_id": "f", "functon": 1})]))
    assert error.render() == "node 'a' at nodes[0].config.functon: unknown field 'functon'"


def test_duplicate_ids_are_reported_with_position() -> None:
    error = _only(flow([node("a"), node("a")]))
    assert (error.node_id, error.position) == ("a", "nodes[1].id")
    assert "duplicate node id 'a'" in error.message


def test_dangling_connection_is_reported_with_position() -> None:
    error = _only(flow([node("a")], [edge("a", "ghost")]))
    assert error.position == "connections[0].to"
    assert error.message == "unknown node 'ghost'"


def test_config_error_and_dangling_connection_are_reported_together() -> None:
    errors = _errors(flow([node("a", config={})], [edge("a", "ghost")]))
    assert {e.position for e in errors} == {"nodes[0].config.function_id", "connections[0].to"}


def test_cycle_outside_a_loop_is_a_compile_error() -> None:
    document = flow(
        [node("start"), node("a"), node("b")], [edge("start", "a"), edge("a", "b"), edge("b", "a")]
    )
    error = _only(document)
    assert error.node_id == "a"
    assert "cycle not through a loop node" in error.message and "a -> b -> a" in error.message


def test_template_referencing_a_downstream_node_is_a_compile_error() -> None:
    document = chain("a", "b")
    document["nodes"][0]["config"]["input"] = "{{ b.result }}"
    error = _only(document)
    assert error.render() == (
        "node 'a' at nodes[0].config.input: 'b.result' refers to node 'b', which runs after this node (downstream)"
    )


def test_template_referencing_an_unknown_name_is_a_compile_error() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "{{ nobody.result }}"
    error = _only(document)
    assert error.position == "nodes[0].config.input"
    assert error.message.startswith("unknown reference 'nobody'")


def test_template_referencing_a_field_not_in_the_output_schema_is_a_compile_error() -> None:
    document = chain("a", "b")
    document["nodes"][1]["config"]["input"] = "{{ a.succes }}"
    error = _only(document)
    assert error.render().startswith(
        "node 'b' at nodes[1].config.input: 'a.succes': the output of node 'a' (function) has no field "
        "'succes' (fields: "
    )
    assert "success" in error.message.split("(fields: ")[1]


def test_open_output_fields_allow_deeper_paths() -> None:
    document = chain("a", "b")
    document["nodes"][1]["config"]["input"] = "{{ a.result.any.depth }}"
    assert validate_document(document).flow.nodes


def test_template_referencing_a_node_on_a_conditional_path_is_a_compile_error() -> None:
    document = flow(
        [node("check", "condition", config={"condition": "{{ input.ok }}"}), node("maybe"), node("after")],
        [edge("check", "maybe", label="true"), edge("check", "after", label="false"), edge("maybe", "after")],
    )
    document["nodes"][2]["config"]["input"] = "{{ maybe.result }}"
    error = _only(document)
    assert "which may not have run before this node" in error.message


def test_outputs_of_every_fan_out_branch_are_visible_after_the_join() -> None:
    document = flow(
        [node("a"), node("b"), node("c"), node("join", "merge", config={})],
        [edge("a", "b"), edge("a", "c"), edge("b", "join"), edge("c", "join")],
    )
    document["nodes"].append(
        node("after", config={"function_id": "f", "input": "{{ [b.result, c.result] }}"})
    )
    document["connections"].append(edge("join", "after"))
    assert validate_document(document).flow.nodes


def test_unreachable_node_is_a_compile_error() -> None:
    document = flow(
        [node("a"), node("stop", "stop_and_error", config={"message": "no"}), node("never")],
        [edge("a", "stop"), edge("stop", "never")],
    )
    error = _only(document)
    assert (error.node_id, error.position) == ("never", "nodes[2]")
    assert error.message.startswith("unreachable")


def test_template_syntax_error_gives_the_position_inside_the_string() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "total: {{ input.x + }}"
    error = _only(document)
    assert error.position == "nodes[0].config.input"
    assert error.message.startswith("template syntax error:") and "(at character" in error.message


def test_unclosed_template_is_a_syntax_error() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "{{ input.x"
    assert "'{{' without a closing '}}'" in _only(document).message


def test_condition_edge_with_a_bad_label_is_a_compile_error() -> None:
    document = flow(
        [node("check", "condition", config={"condition": "{{ input.ok }}"}), node("a")],
        [edge("check", "a", label="yes")],
    )
    error = _only(document)
    assert error.position == "connections[0]"
    assert "'true' or 'false'" in error.message


def test_switch_edge_naming_an_unknown_case_is_a_compile_error() -> None:
    cases = {"cases": [{"name": "gold", "condition": "{{ input.tier = 'gold' }}"}]}
    document = flow([node("tier", "switch", config=cases), node("a")], [edge("tier", "a", label="silver")])
    assert "switch has no case 'silver'" in _only(document).message


def test_loop_without_a_back_edge_is_a_compile_error() -> None:
    document = flow(
        [node("each", "loop", config={"items": "{{ input.rows }}"}), node("body")],
        [edge("each", "body", label="body")],
    )
    assert "never connects back to the loop" in _only(document).message


def test_loop_without_a_body_edge_is_a_compile_error() -> None:
    document = flow([node("each", "loop", config={"items": [1, 2]}), node("after")], [edge("each", "after")])
    assert "no out-edge labelled 'body'" in _only(document).message


def test_item_outside_a_loop_body_is_a_compile_error() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "{{ item.name }}"
    assert "only available inside a loop body" in _only(document).message


def test_route_to_an_unknown_node_is_a_compile_error() -> None:
    document = chain("a")
    document["nodes"][0]["on_error"] = {"action": "route", "route_to": "nowhere"}
    error = _only(document)
    assert (error.node_id, error.position, error.message) == (
        "a",
        "nodes[0].on_error.route_to",
        "unknown node 'nowhere'",
    )


def test_error_root_outside_an_error_path_is_a_compile_error() -> None:
    document = chain("a")
    document["nodes"][0]["config"]["input"] = "{{ error.cause }}"
    assert "only available in an error path" in _only(document).message


def test_ids_colliding_as_variable_names_are_a_compile_error() -> None:
    error = _only(chain("fetch-data", "fetch_data"))
    assert error.node_id == "fetch_data" and "n_fetch_data" in error.message


def test_every_problem_is_reported_at_once() -> None:
    document = flow(
        [
            node("a", config={"function_id": "f", "input": "{{ b.nope }}"}),
            node("b"),
            node("c", config={"function_id": "f", "input": "{{ }}"}),
        ],
        [edge("a", "b"), edge("b", "a")],
    )
    assert len(_errors(document)) >= 3


def test_reference_into_a_loop_body_from_after_the_loop_points_to_the_loop_results() -> None:
    document = flow(
        [
            node("each", "loop", config={"items": [1, 2]}),
            node("work"),
            node("after", config={"function_id": "f", "input": "{{ work.result }}"}),
        ],
        [edge("each", "work", label="body"), edge("work", "each"), edge("each", "after", label="done")],
    )
    assert "read its outputs from 'each.results'" in _only(document).message


def test_states_all_with_other_errors_is_a_compile_error() -> None:
    document = chain("a")
    document["nodes"][0]["retry"] = {"errors": ["CodeError", "States.ALL"]}
    error = _only(document)
    assert (error.position, error.message) == (
        "nodes[0].retry.errors",
        "'States.ALL' matches every error and must be listed alone",
    )


def test_crossing_branches_with_an_error_route_are_a_compile_error() -> None:
    document = flow(
        [
            node("f"),
            node("a", on_error={"action": "route", "route_to": "fix"}),
            node("b"),
            node("shared"),
            node("x"),
            node("fix"),
            node("j", "merge", config={}),
        ],
        [
            edge("f", "a"),
            edge("f", "b"),
            edge("a", "shared"),
            edge("b", "shared"),
            edge("a", "x"),
            edge("shared", "j"),
            edge("x", "j"),
        ],
    )
    error = _only(document)
    assert error.node_id == "shared"
    assert "share node 'shared' before they join, and error routes cannot be interleaved" in error.message


def test_crossing_paths_in_a_flow_with_an_error_path_are_a_compile_error() -> None:
    document = flow(
        [
            node("check", "condition", config={"condition": "{{ input.x }}"}),
            node("f"),
            node("a"),
            node("b"),
            node("j"),
            node("oops"),
        ],
        [
            edge("check", "f", label="true"),
            edge("check", "b", label="false"),
            edge("f", "a"),
            edge("f", "b"),
            edge("a", "j"),
            edge("b", "j"),
        ],
        settings={"error_strategy": "route_to_error_path", "error_path": "oops"},
    )
    error = _only(document)
    assert "fan-out branch of 'f' but is also reached from outside" in error.message
