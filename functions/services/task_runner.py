"""The task runner: a Lambda running one `task.execute`, and the ECS consumer of `task.execute` messages."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from deca.bus import TaskExecute
from deca.bus import wiring as bus_wiring
from deca.bus.consumers import run_task_runner
from deca.tasks import task_execute_handler
from deca.tasks import wiring as tasks

logger, tracer, metrics = Logger(), Tracer(), Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Run one background task (e.g. the scheduled retention clean-up) and return its `task.result`."""
    task = TaskExecute.model_validate(event)
    logger.append_keys(workspace_id=task.workspace_id, task_id=task.task_id)
    result = tasks.task_runner().run(task)
    metrics.add_metric(
        name="TasksFailed" if result.status == "failed" else "TasksSucceeded", unit=MetricUnit.Count, value=1
    )
    return result.model_dump(mode="json")


def main() -> None:
    """The consume side (ECS): run `task.execute` messages until SIGTERM."""
    bus = bus_wiring.bus()
    bus_wiring.run(run_task_runner(bus, task_execute_handler(tasks.task_runner(), bus)))


if __name__ == "__main__":
    main()
