"""ASL emitters: one per node kind (keyed like `NodeSpec.kind`), with per-type overrides by node type.

An emitter builds the state named after the node (plus `<node-id>.<suffix>` helpers) from the node
and an `EmitContext` that renders templates in the node's scope. Routing (Choice, Parallel fan-out)
is graph semantics and belongs to the compiler; a new task-kind node type needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from deca.flow.models import NodeBase

__all__ = [
    "EMITTERS",
    "LAMBDA_SERVICE_ERRORS",
    "TYPE_EMITTERS",
    "EmitContext",
    "Emitter",
    "States",
    "jsonata",
    "node_type",
]

States = dict[str, dict[str, Any]]

LAMBDA_SERVICE_ERRORS = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)


def jsonata(expression: str) -> str:
    """Wrap a JSONata expression as an ASL JSONata string."""
    return "{% " + expression + " %}"


class EmitContext(Protocol):
    """What an emitter may ask the compiler for, in the scope of the node being emitted."""

    @property
    def flow_id(self) -> str: ...

    @property
    def function_prefix(self) -> str: ...

    @property
    def output_ref_threshold(self) -> int: ...

    @property
    def workspace_id(self) -> str | None: ...

    @property
    def state_machine_arn_prefix(self) -> str: ...

    @property
    def parallelism(self) -> int: ...

    def sub_flow_arn(self, node: NodeBase, flow_id: str, version: int | None) -> str:
        """The state machine ARN a `sub_flow` node starts (CompileErrors if the child cannot run)."""

    def config(self, node: NodeBase) -> dict[str, Any]:
        """The node's config as JSON (only the keys the author wrote)."""

    def full_config(self, node: NodeBase) -> dict[str, Any]:
        """The node's config as JSON with every default filled in."""

    def incoming(self, node_id: str) -> list[str]:
        """Sources of the node's incoming connections (loop back edges excluded), in order."""

    def item_condition(self, node: NodeBase, text: str, item: str, index: str) -> str:
        """A JSONata boolean for a per-item condition where `item`/`index` are the given variables."""

    def value(self, node: NodeBase, value: Any, path: str) -> Any:
        """ASL JSON for a config value: template strings become `{% %}` JSONata."""

    def expression(self, node: NodeBase, value: Any, path: str) -> str:
        """A JSONata expression (no `{% %}`) giving a config value."""

    def condition(self, node: NodeBase, text: str) -> str:
        """A JSONata boolean expression for a condition string."""

    def var(self, node_id: str) -> str:
        """`$name` of a node's output variable as seen from the current scope."""

    def assign_name(self, node_id: str) -> str:
        """The variable name this node's output is assigned to in the current scope."""

    def iteration_expression(self) -> str | None:
        """The enclosing loops' item indices as a JSONata array, or None outside loops."""

    def input_expression(self) -> str:
        """JSONata for the execution input, valid in the current scope."""

    def retry(self, node: NodeBase, *, lambda_task: bool) -> list[dict[str, Any]]:
        """Retriers: the standard Lambda service-error one (for Lambda tasks), then the node's own."""

    def catch(self, node: NodeBase, next_state: str) -> list[dict[str, Any]]:
        """Catchers from on_error / settings.error_strategy (empty when errors stop the flow)."""

    def loop_body(self, node: NodeBase) -> tuple[dict[str, Any], dict[str, Any]]:
        """The Map `ItemProcessor` of a loop node and the extra `ItemSelector` entries it needs."""


Emitter = Callable[[EmitContext, NodeBase, str], States]


def node_type(node: NodeBase) -> str:
    """The `type` of a node (each registered node class adds it to NodeBase)."""
    return str(getattr(node, "type"))  # noqa: B009


def _with_next(state: dict[str, Any], next_state: str) -> dict[str, Any]:
    state["Next"] = next_state
    return state


def _described(node: NodeBase, state: dict[str, Any]) -> dict[str, Any]:
    if node.name:
        return {"Comment": node.name, **state}
    return state


def task_payload(ctx: EmitContext, node: NodeBase) -> dict[str, Any]:
    """The node task event (see `deca.nodes.task.NodeTask`) with the config's templates resolved."""
    payload: dict[str, Any] = {
        "execution": {
            "id": jsonata("$states.context.Execution.Id"),
            "name": jsonata("$states.context.Execution.Name"),
            "start_time": jsonata("$states.context.Execution.StartTime"),
        },
        "flow_id": ctx.flow_id,
        "node_id": node.id,
        "node_type": node_type(node),
        "config": ctx.value(node, ctx.config(node), "config"),
        "input": jsonata(ctx.input_expression()),
        "output_ref_threshold": ctx.output_ref_threshold,
    }
    if ctx.workspace_id is not None:
        payload["workspace_id"] = ctx.workspace_id
    iteration = ctx.iteration_expression()
    if iteration is not None:
        payload["iteration"] = jsonata(iteration)
    return payload


def _lambda_task(ctx: EmitContext, node: NodeBase, next_state: str, *, callback: bool) -> States:
    payload = task_payload(ctx, node)
    resource = "arn:aws:states:::lambda:invoke"
    result = "$states.result.Payload"
    if callback:
        resource += ".waitForTaskToken"
        payload["task_token"] = jsonata("$states.context.Task.Token")
        result = "$states.result"
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": resource,
        "Arguments": {"FunctionName": f"{ctx.function_prefix}{node_type(node)}", "Payload": payload},
    }
    timeout = ctx.full_config(node).get("timeout_seconds") if callback else None
    if isinstance(timeout, int) and timeout > 0:
        state["TimeoutSeconds"] = timeout
    state["Retry"] = ctx.retry(node, lambda_task=True)
    state["Assign"] = {ctx.assign_name(node.id): jsonata(result)}
    catch = ctx.catch(node, next_state)
    if catch:
        state["Catch"] = catch
    return {node.id: _described(node, _with_next(state, next_state))}


def emit_task(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Task on `lambda:invoke` of `<prefix><type>` with the node task event as payload."""
    return _lambda_task(ctx, node, next_state, callback=False)


def emit_callback(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Task `lambda:invoke.waitForTaskToken`: the handler stores the token, a person answers later."""
    return _lambda_task(ctx, node, next_state, callback=True)


def _pass(ctx: EmitContext, node: NodeBase, next_state: str, value: str) -> States:
    state = {"Type": "Pass", "Assign": {ctx.assign_name(node.id): jsonata(value)}, "Next": next_state}
    return {node.id: _described(node, state)}


def emit_condition(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass recording `{"result": <bool>}`; the compiler's Choice `<id>.route` follows."""
    condition = ctx.condition(node, str(ctx.config(node).get("condition", "false")))
    return _pass(ctx, node, next_state, '{"result": ' + condition + " ? true : false}")


def emit_switch(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass recording the case taken (`{"case": name}`), or `{}` for a branch node."""
    cases = ctx.config(node).get("cases") or []
    if not cases:
        return _pass(ctx, node, next_state, "{}")
    expression = '"default"'
    for case in reversed(cases):
        condition = ctx.condition(node, str(case["condition"]))
        name = ctx.expression(node, str(case["name"]), "config.cases.name")
        expression = f"{condition} ? {name} : {expression}"
    return _pass(ctx, node, next_state, '{"case": ' + expression + "}")


def emit_transform(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass assigning the value built from the config (`output` when present, else the whole config)."""
    config = ctx.config(node)
    if "output" in config:
        expression = ctx.expression(node, config["output"], "config.output")
        if isinstance(config["output"], str):  # a lone template may give nothing: keep null instead
            expression = f"($v := {expression}; $exists($v) ? $v : null)"
        return _pass(ctx, node, next_state, expression)
    return _pass(ctx, node, next_state, ctx.expression(node, config, "config"))


def emit_trigger(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass assigning the trigger data (the execution input)."""
    return _pass(ctx, node, next_state, ctx.input_expression())


def emit_noop(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass assigning an empty object (a placeholder or an explicit join point)."""
    return _pass(ctx, node, next_state, "{}")


def emit_wait(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Wait for `seconds` or `until` (a timestamp), then record what was waited for."""
    config = ctx.full_config(node)
    state: dict[str, Any] = {"Type": "Wait"}
    if config.get("until") is not None:
        state["Timestamp"] = ctx.value(node, config["until"], "config.until")
        waited = '{"waited_until": ' + ctx.expression(node, config["until"], "config.until") + "}"
    else:
        seconds = config.get("seconds") or 0
        state["Seconds"] = ctx.value(node, seconds, "config.seconds")
        waited = '{"waited_seconds": ' + ctx.expression(node, seconds, "config.seconds") + "}"
    state["Assign"] = {ctx.assign_name(node.id): jsonata(waited)}
    state["Next"] = next_state
    return {node.id: _described(node, state)}


def emit_sub_flow(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Task `states:startExecution.sync:2` (or a plain start) of the other flow's state machine."""
    config = ctx.full_config(node)
    arn = ctx.sub_flow_arn(node, str(config.get("flow_id", "")), config.get("version") or None)
    wait = config.get("wait_for_completion", True)
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution" + (".sync:2" if wait else ""),
        "Arguments": {
            "StateMachineArn": arn,
            "Input": ctx.value(node, config.get("input") or {}, "config.input"),
        },
    }
    retry = ctx.retry(node, lambda_task=False)
    if retry:
        state["Retry"] = retry
    output = (
        '{"execution_id": $states.result.ExecutionArn, "status": $states.result.Status, "output": $states.result.Output}'
        if wait
        else '{"execution_id": $states.result.ExecutionArn, "status": "RUNNING", "output": null}'
    )
    state["Assign"] = {ctx.assign_name(node.id): jsonata(output)}
    catch = ctx.catch(node, next_state)
    if catch:
        state["Catch"] = catch
    return {node.id: _described(node, _with_next(state, next_state))}


def emit_respond(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Pass recording the webhook response (status code, headers, body); the flow goes on."""
    config = ctx.full_config(node)
    response = {
        "status_code": config.get("status_code", 200),
        "headers": config.get("headers") or {},
        "body": config.get("body"),
        "content_type": config.get("content_type", "application/json"),
    }
    return _pass(ctx, node, next_state, ctx.expression(node, response, "config"))


def emit_fail(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Fail state: ends the execution with the configured error name and cause."""
    config = ctx.full_config(node)
    error = config.get("error") or "FlowError"
    cause = config.get("message")
    state: dict[str, Any] = {"Type": "Fail", "Error": ctx.value(node, error, "config.error")}
    if cause is not None:
        state["Cause"] = ctx.value(node, cause, "config.message")
    return {node.id: _described(node, state)}


def emit_loop(ctx: EmitContext, node: NodeBase, next_state: str) -> States:
    """Map over `items` (inline, or distributed above the size hint); assigns `{results, count}`."""
    config = ctx.full_config(node)
    processor, selector = ctx.loop_body(node)
    items = config.get("items", [])
    state: dict[str, Any] = {
        "Type": "Map",
        "Items": ctx.value(node, items, "config.items"),
        "ItemSelector": {
            "item": jsonata("$states.context.Map.Item.Value"),
            "index": jsonata("$states.context.Map.Item.Index"),
            **selector,
        },
        "ItemProcessor": processor,
    }
    concurrency = config.get("max_concurrency")
    state["MaxConcurrency"] = concurrency if isinstance(concurrency, int) else ctx.parallelism
    tolerated = config.get("tolerated_failure_percentage")
    if processor["ProcessorConfig"]["Mode"] == "DISTRIBUTED" and tolerated:
        state["ToleratedFailurePercentage"] = tolerated
    retry = ctx.retry(node, lambda_task=False)
    if retry:
        state["Retry"] = retry
    state["Assign"] = {
        ctx.assign_name(node.id): jsonata('{"results": $states.result, "count": $count($states.result)}')
    }
    catch = ctx.catch(node, next_state)
    if catch:
        state["Catch"] = catch
    return {node.id: _described(node, _with_next(state, next_state))}


EMITTERS: dict[str, Emitter] = {
    "task": emit_task,
    "callback": emit_callback,
    "condition": emit_condition,
    "switch": emit_switch,
    "loop": emit_loop,
    "wait": emit_wait,
    "transform": emit_transform,
    "set": emit_transform,
    "merge": emit_transform,
    "filter": emit_transform,
    "sub_flow": emit_sub_flow,
    "respond": emit_respond,
    "fail": emit_fail,
    "trigger": emit_trigger,
    "noop": emit_noop,
}
"""Emitter per node kind; a node type listed in TYPE_EMITTERS uses its own instead."""

TYPE_EMITTERS: dict[str, Emitter] = {}
"""Per-type overrides (a pure-data node whose config needs a custom JSONata translation)."""
