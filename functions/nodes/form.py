"""Lambda handler of the `form` node: open the request of the paused step and return at once.

The state is a `lambda:invoke.waitForTaskToken` task: the step stays paused until a person answers
and the API completes the task token (see docs/human-in-the-loop.md).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca import wiring
from deca.nodes.handlers import run_node
from deca.nodes.task import NodeTask

logger, tracer, metrics = Logger(), Tracer(), Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    """Run one `form` node task."""
    task = NodeTask.model_validate(event)
    logger.append_keys(
        workspace_id=task.workspace_id,
        flow_id=task.flow_id,
        execution_id=task.execution_id,
        node_id=task.node_id,
    )
    return run_node(task, wiring.node_context(task))
