"""Rendering node configs in a scope: templates to JSONata, variables, retriers (the EmitContext base)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deca.errors import CompileError, CompileErrors
from deca.flow.models import NodeBase
from statemachines.compiler.emitters import LAMBDA_SERVICE_ERRORS, jsonata
from statemachines.compiler.graph import FlowGraph, variable_name
from statemachines.compiler.references import FlowTemplates
from statemachines.compiler.retryable import retryable_errors
from statemachines.compiler.scopes import Scope, Unstructured, literal, null_if_missing
from statemachines.compiler.templates import RootRef, Template, TemplateSyntaxError

__all__ = ["BuildSettings", "Rendering", "SubFlowResolver"]

SubFlowResolver = Callable[[str, int | None], str | None]
"""`(flow_id, pinned version or None) -> state machine ARN` of a sub-flow's child; None: it cannot run."""


@dataclass(frozen=True)
class BuildSettings:
    """The compile options the builder needs."""

    function_prefix: str
    output_ref_threshold: int
    workspace_id: str | None
    state_machine_arn_prefix: str
    sub_flow_arn: SubFlowResolver | None
    distributed_threshold: int
    inline_max_concurrency: int
    lambda_retry_interval: int
    lambda_retry_attempts: int
    lambda_retry_backoff: float


class Rendering:
    """Renders templates and values for the node being emitted, in the current scope."""

    def __init__(self, graph: FlowGraph, templates: FlowTemplates, settings: BuildSettings) -> None:
        self.graph = graph
        self.templates = templates
        self.settings = settings
        self.flow = graph.flow
        self._scope = Scope(0, None)
        self._item_override: tuple[str, str] | None = None
        self.emitting: str | None = None  # the node whose states are being built

    # --- EmitContext ---------------------------------------------------------------------------

    @property
    def flow_id(self) -> str:
        """The flow id (part of every task event)."""
        return self.flow.id

    @property
    def function_prefix(self) -> str:
        """Prefix of node Lambda function names."""
        return self.settings.function_prefix

    @property
    def workspace_id(self) -> str | None:
        """The workspace set in task events, if any."""
        return self.settings.workspace_id

    @property
    def output_ref_threshold(self) -> int:
        """Outputs above this many bytes go by reference."""
        return self.settings.output_ref_threshold

    @property
    def state_machine_arn_prefix(self) -> str:
        """Prefix of sub-flow state machine ARNs."""
        return self.settings.state_machine_arn_prefix

    def sub_flow_arn(self, node: NodeBase, flow_id: str, version: int | None) -> str:
        """The child state machine of a `sub_flow` node: the engine's resolver, else prefix + flow id[:version].

        Raises:
            CompileErrors: the resolver knows no runnable version of the child flow.
        """
        resolve = self.settings.sub_flow_arn
        if resolve is None:
            return f"{self.settings.state_machine_arn_prefix}{flow_id}" + (f":{version}" if version else "")
        arn = resolve(flow_id, version)
        if arn is None:
            wanted = f"version {version} of flow {flow_id!r}" if version else f"flow {flow_id!r}"
            hint = "it does not exist" if version else "it is not published (publish it or pin a version)"
            raise CompileErrors(
                [
                    CompileError(
                        f"the sub-flow cannot run {wanted}: {hint}",
                        node_id=node.id,
                        position=self.graph.where(node.id, "config.flow_id"),
                    )
                ]
            )
        return arn

    @property
    def parallelism(self) -> int:
        """settings.parallelism of the flow."""
        return self.flow.settings.parallelism

    def config(self, node: NodeBase) -> dict[str, Any]:
        """The node's config as JSON (only the keys the author wrote)."""
        return self.graph.config_json(node.id)

    def full_config(self, node: NodeBase) -> dict[str, Any]:
        """The node's config as JSON with every default filled in."""
        return self.graph.config_json(node.id, full=True)

    def incoming(self, node_id: str) -> list[str]:
        """Sources of the node's incoming connections (loop back edges excluded), in order."""
        sources: list[str] = []
        for edge in self.graph.in_edges[node_id]:
            if not self.graph.is_back_edge(edge) and edge.source not in sources:
                sources.append(edge.source)
        return sources

    def item_condition(self, node: NodeBase, text: str, item: str, index: str) -> str:
        """A JSONata boolean for a per-item condition where `item`/`index` are the given variables."""
        self._item_override = (item, index)
        try:
            return self.condition(node, text)
        finally:
            self._item_override = None

    def _resolve(self, node: NodeBase) -> Any:
        scope = self._scope
        override = self._item_override

        def resolve(ref: RootRef) -> str:
            root = ref.root
            if root in self.graph.nodes:
                return "$" + self._visible(scope, node.id, root)
            if root == "input":
                return scope.input_expression()
            if root == "execution":
                return (
                    '({"id": $states.context.Execution.Id, "name": $states.context.Execution.Name, '
                    '"start_time": $states.context.Execution.StartTime, "flow_id": '
                    + literal(self.flow.id)
                    + "})"
                )
            if root in ("item", "index") and override is not None:
                return override[0] if root == "item" else override[1]
            if root in ("item", "index"):
                item = scope.lookup("item")
                return f"${root}{item}" if item is not None else "null"
            if root == "error":
                error = scope.lookup("error")
                return "$" + error if error is not None else "null"
            if root == "vars":
                sets = self.templates.set_nodes_upstream(node.id)
                listed = ", ".join("$" + self._visible(scope, node.id, s) for s in sets)
                return f'$merge([{listed}][$type($) = "object"])'
            return root

        return resolve

    def _visible(self, scope: Scope, node_id: str | None, target: str) -> str:
        """The variable of `target` seen from `node_id` (the checks guarantee it exists; say so if not)."""
        try:
            return scope.var(target)
        except KeyError:
            message = (
                f"'{target}' is not visible from this node (it runs in another parallel branch or loop body)"
            )
            position = self.graph.where(node_id) if node_id is not None else None
            raise Unstructured([CompileError(message, node_id=node_id, position=position)]) from None

    def _render(self, node: NodeBase, template: Template) -> str:
        return template.render(self._resolve(node))

    def value(self, node: NodeBase, value: Any, path: str) -> Any:
        """ASL JSON for a config value: template strings become `{% %}` JSONata, the rest stays."""
        if isinstance(value, str):
            template = self._template(node, value, path)
            if template is not None:
                rendered = self._render(node, template)
                return jsonata(null_if_missing(rendered) if template.single else rendered)
            if value.startswith("{%") and value.endswith("%}"):
                return jsonata(literal(value))  # a literal that would otherwise read as JSONata
            return value
        if isinstance(value, dict):
            return {k: self.value(node, v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(node, v, f"{path}[{i}]") for i, v in enumerate(value)]
        return value

    def expression(self, node: NodeBase, value: Any, path: str) -> str:
        """A JSONata expression giving a config value (objects and lists built with constructors)."""
        if isinstance(value, str):
            template = self._template(node, value, path)
            return literal(value) if template is None else "(" + self._render(node, template) + ")"
        if isinstance(value, dict):
            pairs = ", ".join(
                f"{literal(k)}: {self.expression(node, v, f'{path}.{k}')}" for k, v in value.items()
            )
            return "{" + pairs + "}"
        if isinstance(value, list):
            items = ", ".join(self.expression(node, v, f"{path}[{i}]") for i, v in enumerate(value))
            return "[" + items + "]"
        return literal(value)

    def condition(self, node: NodeBase, text: str) -> str:
        """A JSONata boolean expression for a condition string."""
        try:
            expr = self.templates.condition(text)
        except TemplateSyntaxError as exc:  # checked before building; kept for direct callers
            raise CompileErrors(
                [CompileError(f"template syntax error: {exc.message}", node_id=node.id)]
            ) from exc
        return "(" + expr.render(self._resolve(node)) + ")"

    def _template(self, node: NodeBase, text: str, path: str) -> Template | None:
        try:
            return self.templates.string(text)
        except TemplateSyntaxError as exc:
            raise CompileErrors(
                [CompileError(f"template syntax error: {exc.message}", node_id=node.id, position=path)]
            ) from exc

    def var(self, node_id: str) -> str:
        """`$name` of a node's output variable as seen from the current scope."""
        return "$" + self._visible(self._scope, self.emitting, node_id)

    def assign_name(self, node_id: str) -> str:
        """The variable this node's output is assigned to (the current scope)."""
        self._scope.assigned.add(node_id)
        return variable_name(node_id, self._scope.depth)

    def iteration_expression(self) -> str | None:
        """The enclosing loops' item indices as a JSONata array, or None outside loops."""
        return self._scope.iteration_expression()

    def input_expression(self) -> str:
        """JSONata for the execution input in the current scope."""
        return self._scope.input_expression()

    def retry(self, node: NodeBase, *, lambda_task: bool) -> list[dict[str, Any]]:
        """Retriers: Lambda service errors, the type's retryable errors (Lambda tasks), the node's `retry`."""
        retriers: list[dict[str, Any]] = []
        if lambda_task:
            retriers.append(
                {
                    "ErrorEquals": list(LAMBDA_SERVICE_ERRORS),
                    "IntervalSeconds": self.settings.lambda_retry_interval,
                    "MaxAttempts": self.settings.lambda_retry_attempts,
                    "BackoffRate": self.settings.lambda_retry_backoff,
                }
            )
        policy = node.retry
        own = set(policy.errors) if policy is not None else set()
        retryable = [e for e in self.graph.spec(node.id).errors if e in retryable_errors() and e not in own]
        if lambda_task and retryable:  # the node type's retryable errors (rate limits, timeouts, ...)
            retriers.append(
                {
                    "ErrorEquals": retryable,
                    "IntervalSeconds": self.settings.lambda_retry_interval * 2,
                    "MaxAttempts": self.settings.lambda_retry_attempts,
                    "BackoffRate": self.settings.lambda_retry_backoff,
                    "JitterStrategy": "FULL",
                }
            )
        if policy is not None:
            retrier: dict[str, Any] = {
                "ErrorEquals": list(policy.errors),
                "IntervalSeconds": policy.interval_seconds,
                "MaxAttempts": policy.max_attempts,
                "BackoffRate": policy.backoff_rate,
            }
            if policy.max_delay_seconds is not None:
                retrier["MaxDelaySeconds"] = policy.max_delay_seconds
            if policy.jitter != "NONE":
                retrier["JitterStrategy"] = policy.jitter
            retriers.append(retrier)
        return retriers
