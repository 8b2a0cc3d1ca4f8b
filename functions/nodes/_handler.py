"""The one Lambda handler shape every node type uses: parse the task, run the node's logic, return its output.

Each `functions/nodes/<type>.py` is `lambda_handler = node_lambda_handler("<type>")`, so the Powertools
setup (correlation keys, tracing, a `NodeCompleted` metric with a `node_type` dimension) lives once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.nodes.handlers import run_node
from deca.nodes.task import NodeTask

__all__ = ["node_lambda_handler"]

Handler = Callable[[dict[str, Any], LambdaContext], Any]


def node_lambda_handler(node_type: str) -> Handler:
    """The Lambda handler of one node type (service name from `POWERTOOLS_SERVICE_NAME`, set by the CDK)."""
    logger, tracer = Logger(), Tracer()
    # The namespace is fixed so metrics of every environment line up; the dimension says which node type.
    metrics = Metrics(namespace="Deca")
    metrics.set_default_dimensions(node_type=node_type)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
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

    lambda_handler.__doc__ = f"Run one `{node_type}` node task."
    return lambda_handler
