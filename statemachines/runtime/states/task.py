"""The Task state: Lambda functions (bare ARN or `lambda:invoke`), other integrations, callbacks."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from statemachines.runtime.clock import WallClock
from statemachines.runtime.errors import (
    DefinitionError,
    PathNotFound,
    RuntimeFailure,
    StatesError,
    TaskTimeout,
)
from statemachines.runtime.nested import START_EXECUTION, start_execution
from statemachines.runtime.resources import LAMBDA_ARN, LAMBDA_INVOKE, TaskRegistry, classify_resource
from statemachines.runtime.states.base import ENTER, Frame, State, compile_optional_path
from statemachines.runtime.states.pass_state import MAX_PAYLOAD_BYTES, data_limit_error

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter

__all__ = ["TaskState", "lambda_response"]


def lambda_response(payload: Any, text: str, request_id: str) -> dict[str, Any]:
    """The `lambda:invoke` integration's output, shaped like AWS's Invoke response."""
    length = str(len(text.encode()))
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "X-Amz-Executed-Version": ["$LATEST"],
                "x-amzn-Remapped-Content-Length": ["0"],
                "Connection": ["keep-alive"],
                "x-amzn-RequestId": [request_id],
                "Content-Length": [length],
                "Date": ["Thu, 01 Jan 1970 00:00:00 GMT"],
                "X-Amzn-Trace-Id": ["root=1-00000000-000000000000000000000000;sampled=0"],
                "Content-Type": ["application/json"],
            },
            "HttpHeaders": {
                "Connection": "keep-alive",
                "Content-Length": length,
                "Content-Type": "application/json",
                "Date": "Thu, 01 Jan 1970 00:00:00 GMT",
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-Remapped-Content-Length": "0",
                "x-amzn-RequestId": request_id,
                "X-Amzn-Trace-Id": "root=1-00000000-000000000000000000000000;sampled=0",
            },
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }


class TaskState(State):
    """Runs a resource through the task registry, with timeouts, heartbeats and task tokens."""

    kind = "Task"
    can_retry = True

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        resource = spec.get("Resource")
        if not isinstance(resource, str):
            raise DefinitionError(
                f"State '{name}': Task needs a 'Resource' string", state=name, field="Resource"
            )
        try:
            self.resource = classify_resource(resource)
        except ValueError as exc:
            raise DefinitionError(f"State '{name}': {exc}", state=name, field="Resource") from None
        self.callback = self.resource.pattern == "waitForTaskToken"
        self.parameters = self._payload(spec["Parameters"], "Parameters") if "Parameters" in spec else None
        self.arguments = (
            self._jsonata(spec["Arguments"], "Arguments") if self.jsonata and "Arguments" in spec else None
        )
        self.timeout = self._limit(spec, "TimeoutSeconds")
        self.heartbeat = self._limit(spec, "HeartbeatSeconds")
        if self.callback:
            self.needs_context = True

    def _limit(self, spec: dict[str, Any], field: str) -> Any:
        if self.jsonata and isinstance(spec.get(field), str):
            return ("jsonata", self._jsonata(spec[field], field))
        if field + "Path" in spec:
            return ("path", compile_optional_path(spec, field + "Path", self.name))
        if field in spec:
            return ("value", spec[field])
        return None

    def _resolve_limit(
        self, ex: Interpreter, limit: Any, field: str, data: Any, bindings: Any
    ) -> float | None:
        if limit is None:
            return None
        kind, value = limit
        if kind == "jsonata":
            value = value(bindings)
        elif kind == "path":
            try:
                value = ex.resolve(value, data)
            except PathNotFound:
                raise RuntimeFailure(
                    f"The JSONPath '{value.text}' specified for the field '{field}Path' could not be found in the input"
                ) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise RuntimeFailure(f"The {field} value must be a positive integer, but was: {value!r}")
        return float(value)

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Call the resource (or resume after a callback, a timer or a pooled handler)."""
        phase = frame["phase"]
        if phase == ENTER:
            ex.enter(frame, self)
        elif phase == "token":
            return self._token_timer(ex, frame)
        elif phase == "callback":
            return self._callback(ex, frame)
        elif phase == "task_done":
            ctx = frame["ctx"]
            return self._settle(ex, frame, ex.outcomes.pop(frame["id"]), ctx["timeout"], ctx["heartbeat"])
        raw = frame["input"]
        bindings: Any = None
        frame["ctx"] = {"token": ex.ids()} if self.callback else {}
        if self.jsonata:
            bindings = ex.bindings(frame, raw, context=self.needs_context)
            payload = self.arguments(bindings) if self.arguments is not None else raw
            data = raw
        else:
            data = self.effective_input(ex, raw)
            payload = self.parameters(data, ex) if self.parameters is not None else data
        timeout = self._resolve_limit(ex, self.timeout, "TimeoutSeconds", data, bindings)
        heartbeat = self._resolve_limit(ex, self.heartbeat, "HeartbeatSeconds", data, bindings)
        call = self._schedule(ex, frame, payload, timeout, heartbeat)
        if ex.can_run_in_pool(frame):
            # other branches or iterations are runnable: run this handler on the thread pool
            frame["ctx"].update(timeout=timeout, heartbeat=heartbeat)
            frame["phase"] = "task_running"
            ex.submit(frame, call, timeout)
            return None
        try:
            outcome: tuple[bool, Any] = (True, self._call(ex, call, timeout))
        except StatesError as exc:
            outcome = (False, exc)
        return self._settle(ex, frame, outcome, timeout, heartbeat)

    # ---- resources -----------------------------------------------------------------------------

    def _call(self, ex: Interpreter, fn: Callable[[], Any], timeout: float | None) -> Any:
        """Call a handler, failing with States.Timeout when it outlives TimeoutSeconds."""
        start = ex.clock.now()
        if timeout is not None and isinstance(ex.clock, WallClock):
            import concurrent.futures

            pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
            future = pool.submit(fn)
            try:
                return future.result(timeout=timeout)
            except concurrent.futures.TimeoutError:
                raise TaskTimeout() from None
            finally:
                pool.shutdown(wait=False)
        result = fn()
        if timeout is not None and ex.clock.now() - start > timeout:
            raise TaskTimeout()
        return result

    def _schedule(
        self, ex: Interpreter, frame: Frame, payload: Any, timeout: float | None, heartbeat: float | None
    ) -> Callable[[], Any]:
        """Record the Scheduled/Started events and return the call that runs the handler."""
        tasks = ex.tasks
        request_id = ex.ids()
        if self.resource.kind == LAMBDA_ARN:
            arn = self.resource.resource
            details: dict[str, Any] = {"resource": arn, "input": payload}
            if timeout is not None:
                details["timeoutInSeconds"] = int(timeout)
            ex.event(frame, "LambdaFunctionScheduled", details)
            ex.event(frame, "LambdaFunctionStarted", None)
            event = json.loads(json.dumps(payload))
            return lambda: tasks.invoke_lambda(arn, event, request_id)
        scheduled = self._task_details(region=tasks.region, parameters=payload)
        if timeout is not None:
            scheduled["timeoutInSeconds"] = int(timeout)
        if heartbeat is not None:
            scheduled["heartbeatInSeconds"] = int(heartbeat)
        ex.event(frame, "TaskScheduled", scheduled)
        ex.event(frame, "TaskStarted", self._task_details())
        if self.resource.kind == LAMBDA_INVOKE:
            return lambda: self._invoke(tasks, payload, request_id)
        event = json.loads(json.dumps(payload))
        kind = self.resource
        if kind.resource == START_EXECUTION and not tasks.has_service(kind.resource):
            return lambda: start_execution(ex, event, kind.pattern, kind.sync_v2)
        return lambda: tasks.call_service(kind, event)

    def _settle(
        self,
        ex: Interpreter,
        frame: Frame,
        outcome: tuple[bool, Any],
        timeout: float | None,
        heartbeat: float | None,
    ) -> str | None:
        """Record how the handler ended and continue with its result (or raise its error)."""
        ok, value = outcome
        arn_task = self.resource.kind == LAMBDA_ARN
        if ok and arn_task:
            try:
                text = json.dumps(value)
            except (TypeError, ValueError) as exc:
                ok, value = (
                    False,
                    StatesError("Lambda.Unknown", f"The function returned a value that is not JSON: {exc}"),
                )
            else:
                if len(text.encode()) > MAX_PAYLOAD_BYTES:
                    ok, value = False, data_limit_error(self.resource.resource)
                else:
                    value = json.loads(text)
        if not ok:
            err: StatesError = value
            if isinstance(err, TaskTimeout):
                timed_out = {"error": err.error, "cause": err.cause or None}
                if arn_task:
                    ex.event(frame, "LambdaFunctionTimedOut", timed_out)
                else:
                    ex.event(frame, "TaskTimedOut", self._task_details(**timed_out))
            elif arn_task:
                ex.event(frame, "LambdaFunctionFailed", {"error": err.error, "cause": err.cause})
            else:
                ex.event(frame, "TaskFailed", self._task_details(error=err.error, cause=err.cause))
            frame["phase"] = "retry"
            raise err
        if arn_task:
            ex.event(frame, "LambdaFunctionSucceeded", {"output": value})
        elif self.callback:
            ex.event(frame, "TaskSubmitted", self._task_details(output=value))
            self._block(ex, frame, timeout, heartbeat)
            return None
        else:
            ex.event(frame, "TaskSucceeded", self._task_details(output=value))
        return self.leave(ex, frame, self.complete(ex, frame, frame["input"], value))

    def _task_details(self, **extra: Any) -> dict[str, Any]:
        details = {"resourceType": self.resource.resource_type, "resource": self.resource.resource_name}
        details.update(extra)
        return details

    def _invoke(self, tasks: TaskRegistry, parameters: Any, request_id: str) -> Any:
        if not isinstance(parameters, dict) or not isinstance(parameters.get("FunctionName"), str):
            raise StatesError(
                "States.Runtime", "The lambda:invoke integration needs a 'FunctionName' string parameter"
            )
        event = parameters.get("Payload")
        if isinstance(event, str):
            with contextlib.suppress(ValueError):
                event = json.loads(event)
        elif event is None:
            event = {}
        else:
            event = json.loads(json.dumps(event))
        result = tasks.invoke_lambda(parameters["FunctionName"], event, request_id)
        try:
            text = json.dumps(result)
        except (TypeError, ValueError) as exc:
            raise StatesError(
                "Lambda.Unknown", f"The function returned a value that is not JSON: {exc}"
            ) from None
        if len(text.encode()) > MAX_PAYLOAD_BYTES:
            raise data_limit_error(self.resource.resource_type)
        return lambda_response(json.loads(text), text, request_id)

    # ---- callbacks -----------------------------------------------------------------------------

    def _block(self, ex: Interpreter, frame: Frame, timeout: float | None, heartbeat: float | None) -> None:
        ctx = frame["ctx"]
        now = ex.clock.now()
        ctx["deadline"] = now + timeout if timeout is not None else None
        ctx["heartbeat"] = heartbeat
        ctx["hb_deadline"] = now + heartbeat if heartbeat is not None else None
        ex.tokens[ctx["token"]] = frame["id"]
        frame["phase"] = "token"
        self.rearm(ex, frame)

    def rearm(self, ex: Interpreter, frame: Frame) -> None:
        """(Re)start the timer of a task waiting for its token."""
        ctx = frame["ctx"]
        deadlines = [d for d in (ctx.get("deadline"), ctx.get("hb_deadline")) if d is not None]
        if deadlines:
            ex.sleep(frame, min(deadlines))

    def _token_timer(self, ex: Interpreter, frame: Frame) -> str | None:
        ctx = frame["ctx"]
        now = ex.clock.now()
        error = None
        if ctx.get("deadline") is not None and now >= ctx["deadline"]:
            error = "States.Timeout"
        elif ctx.get("hb_deadline") is not None and now >= ctx["hb_deadline"]:
            error = "States.HeartbeatTimeout"
        if error is None:
            self.rearm(ex, frame)
            return None
        ex.tokens.pop(ctx["token"], None)
        frame["phase"] = "retry"
        ex.event(frame, "TaskTimedOut", self._task_details(error=error))
        raise TaskTimeout(error)

    def _callback(self, ex: Interpreter, frame: Frame) -> str | None:
        outcome = frame["ctx"]["outcome"]
        frame["phase"] = "retry"
        if "error" in outcome:
            ex.event(
                frame, "TaskFailed", self._task_details(error=outcome["error"], cause=outcome.get("cause"))
            )
            raise StatesError(outcome["error"], outcome.get("cause"))
        result = outcome["output"]
        ex.event(frame, "TaskSucceeded", self._task_details(output=result))
        return self.leave(ex, frame, self.complete(ex, frame, frame["input"], result))
