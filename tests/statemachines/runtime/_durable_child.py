"""Child process of the kill-and-resume test: starts or resumes an execution on a SQLite store.

Usage: python -m tests.statemachines.runtime._durable_child (start|resume) DB_PATH
`start` prints READY once the execution is checkpointed while blocked, then keeps running it (and
is killed meanwhile); `resume` continues it from the store and prints the result as JSON.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from statemachines.runtime import Runtime, SqliteCheckpointStore, TaskRegistry, WallClock

WAIT_SECONDS = 2
DEFINITION: dict[str, Any] = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {
            "Type": "Pass",
            "Assign": {"greeting": "hello"},
            "Result": {"n": 1},
            "ResultPath": "$.prep",
            "Next": "Pause",
        },
        "Pause": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "Ask"},
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token"}},
            "ResultPath": "$.answer",
            "Next": "Finish",
        },
        "Finish": {"Type": "Pass", "Parameters": {"greeting.$": "$greeting", "all.$": "$"}, "End": True},
    },
}
NAME = "durable-run"


def registry() -> TaskRegistry:
    """The `notify` function only acknowledges; the token is read back from the store."""
    tasks = TaskRegistry()
    tasks.register_lambda("notify", lambda event: {"sent": True})
    return tasks


def main(mode: str, db: str) -> None:
    runtime = Runtime(tasks=registry(), clock=WallClock(), store=SqliteCheckpointStore(db))
    if mode == "start":
        result = runtime.start(DEFINITION, {"input": 1}, name=NAME, wait=False)
        print("READY", flush=True)
        runtime.run(result.execution_arn)  # sleeps in the Wait: the parent kills us here
        print("NOT KILLED", flush=True)
        return
    arn = f"arn:aws:states:us-east-1:111111111111:execution:TestStateMachine:{NAME}"
    result = runtime.resume(arn)  # finishes the Wait, then blocks on the task token
    token = runtime.tokens(arn)[0]
    result = runtime.send_task_success(token, {"approved": True})
    print(json.dumps({"result": result.to_dict(), "types": result.history_types()}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
