"""Lambda handler of the `mcp_tool` node: parse the task, run the node's logic, return its output."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.nodes.handlers import run_node
from deca.nodes.task import NodeTask

logger, tracer = Logger(), Tracer()
# The namespace is fixed so metrics of every environment line up; the dimension says which node type.
metrics = Metrics(namespace="Deca")
metrics.set_default_dimensions(node_type="mcp_tool")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    """Run one `mcp_tool` node task."""
    task = NodeTask.model_validate(event)
    logger.append_keys(
        workspace_id=task.workspace_id,
        flow_id=task.flow_id,
        execution_id=task.execution_id,
        node_id=task.node_id,
    )
    output = run_node(task, wiring.node_context(task))
    metrics.add_metric(name="NodeCompleted", unit=MetricUnit.Count, value=1)
    return output
