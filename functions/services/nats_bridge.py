"""The NATS bridge: a Lambda publishing execution status changes, and the ECS consumer starting executions.

`lambda_handler` receives EventBridge "Step Functions Execution Status Change" events and publishes
`flow.state` / `flow.complete`. `main()` (the ECS task's command, `python -m functions.services.nats_bridge`)
consumes `flow.execute` into executions and forwards dead letters until SIGTERM.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca.bus import from_stepfunctions_event, publish_status
from deca.bus import wiring as bus_wiring
from deca.bus.consumers import run_flow_starter
from deca.engines.naming import StateMachineTags
from deca.triggers import wiring as triggers

logger, tracer, metrics = Logger(), Tracer(), Metrics()


@functools.cache
def flow_of_state_machine() -> StateMachineTags:
    """The workspace and flow of a state machine, from the tags the Step Functions engine put on it."""
    import boto3

    return StateMachineTags(boto3.client("stepfunctions"))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Publish one execution status change as `flow.state` (and `flow.complete` when it ended)."""
    change = from_stepfunctions_event(event, flow_of_state_machine())
    logger.append_keys(
        workspace_id=change.workspace_id, flow_id=change.flow_id, execution_id=change.execution_id
    )
    messages = bus_wiring.run(publish_status(bus_wiring.bus(), change))
    metrics.add_metric(name="StatusMessagesPublished", unit=MetricUnit.Count, value=len(messages))
    return {"published": [m.type for m in messages]}


def main() -> None:
    """The consume side (ECS): start executions from `flow.execute` until SIGTERM."""
    bus_wiring.run(run_flow_starter(bus_wiring.bus(), triggers.flow_execute_starter()))


if __name__ == "__main__":
    main()
