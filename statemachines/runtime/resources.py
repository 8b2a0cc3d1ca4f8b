"""Task resources: Lambda functions (bare ARNs and `lambda:invoke`) and other integrations,
called in-process with AWS's payload and response shapes."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from statemachines.runtime.errors import StatesError

__all__ = [
    "LAMBDA_ARN",
    "LAMBDA_INVOKE",
    "SERVICE",
    "LambdaContext",
    "ResourceKind",
    "TaskRegistry",
    "classify_resource",
]

LAMBDA_ARN = "lambda_arn"
LAMBDA_INVOKE = "lambda_invoke"
SERVICE = "service"

Handler = Callable[..., Any]
ServiceHandler = Callable[[Any], Any]


@dataclass(frozen=True)
class ResourceKind:
    """How a Task's `Resource` is run and reported in the history."""

    kind: str  # LAMBDA_ARN | LAMBDA_INVOKE | SERVICE
    resource: str  # the Resource without the integration-pattern suffix
    pattern: str  # "" (request/response) | "waitForTaskToken" | "sync"
    resource_type: str  # history `resourceType`, e.g. "lambda"
    resource_name: str  # history `resource`, e.g. "invoke"
    sync_v2: bool = False  # `.sync:2`: results as JSON values rather than JSON text


def classify_resource(resource: str) -> ResourceKind:
    """Classify a Task `Resource` ARN; raises ValueError for an unsupported one."""
    if resource.startswith("arn:aws:lambda:") and ":function:" in resource:
        return ResourceKind(LAMBDA_ARN, resource, "", "lambda", resource)
    if resource.startswith("arn:aws:states:::"):
        rest = resource[len("arn:aws:states:::") :]
        pattern = ""
        sync_v2 = False
        for suffix in ("waitForTaskToken", "sync:2", "sync"):
            if rest.endswith("." + suffix):
                pattern = suffix.split(":")[0]
                sync_v2 = suffix == "sync:2"
                rest = rest[: -len(suffix) - 1]
                break
        service, _, action = rest.partition(":")
        if not service or not action:
            raise ValueError(f"unsupported Task resource '{resource}'")
        base = "arn:aws:states:::" + rest
        if service == "lambda" and action == "invoke":
            return ResourceKind(LAMBDA_INVOKE, base, pattern, "lambda", "invoke")
        return ResourceKind(SERVICE, base, pattern, service, action, sync_v2)
    raise ValueError(f"unsupported Task resource '{resource}'")


class LambdaContext:
    """The `context` argument given to two-argument Lambda handlers."""

    def __init__(self, function_name: str, arn: str, request_id: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = 128
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        """Lambda's API: time left before the function times out."""
        return 900_000


class TaskRegistry:
    """Maps Lambda function names and integration resources to Python callables."""

    def __init__(self, *, account: str = "111111111111", region: str = "us-east-1") -> None:
        self.account = account
        self.region = region
        self._lambdas: dict[str, tuple[Handler, bool]] = {}
        self._services: dict[str, ServiceHandler] = {}
        self._machines: dict[str, dict[str, Any] | str] = {}
        self._machine_resolver: Callable[[str], dict[str, Any] | str | None] | None = None
        self.around_calls: Callable[[Callable[[], Any]], Any] | None = None
        """Runs every handler call, and every wait of an execution for handlers running on its thread pool,
        when set (`around(call)` must return `call()`): an embedder's hook, e.g. to give up a scheduling
        slot while the execution waits on I/O."""

    def register_lambda(self, name_or_arn: str, handler: Handler) -> None:
        """Register a Lambda handler (`handler(event)` or `handler(event, context)`) by name or ARN."""
        self._lambdas[self.function_name(name_or_arn)] = (handler, _takes_context(handler))

    def register_service(self, resource: str, handler: ServiceHandler) -> None:
        """Register a handler for an integration such as `arn:aws:states:::sqs:sendMessage`."""
        self._services[classify_resource(resource).resource] = handler

    def register_state_machine(self, name_or_arn: str, definition: dict[str, Any] | str) -> None:
        """Register a definition that `states:startExecution` tasks can start (by name or ARN)."""
        self._machines[_machine_name(name_or_arn)] = definition

    def resolve_state_machines(self, resolver: Callable[[str], dict[str, Any] | str | None]) -> None:
        """Look up state machines that were not registered with `resolver(name)` (e.g. published flows)."""
        self._machine_resolver = resolver

    def state_machine(self, name_or_arn: str) -> dict[str, Any] | str | None:
        """The registered (or resolved) definition of a state machine name or ARN (a version suffix is ignored)."""
        name = _machine_name(name_or_arn)
        found = self._machines.get(name)
        if found is None and self._machine_resolver is not None:
            found = self._machine_resolver(name)
        return found

    def has_service(self, resource: str) -> bool:
        """True when a handler is registered for this integration resource."""
        return classify_resource(resource).resource in self._services

    def function_name(self, name_or_arn: str) -> str:
        """The bare function name of a name, a partial ARN or a full ARN (qualifier dropped)."""
        text = name_or_arn
        if text.startswith("arn:"):
            parts = text.split(":")
            # arn:aws:lambda:region:account:function:name[:qualifier]
            return parts[6] if len(parts) > 6 else parts[-1]
        parts = text.split(":")
        if "function" in parts:
            return parts[parts.index("function") + 1]
        return parts[0]

    def function_arn(self, name_or_arn: str) -> str:
        """The full ARN AWS reports for a function reference."""
        if name_or_arn.startswith("arn:"):
            return name_or_arn
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.function_name(name_or_arn)}"

    def has_lambda(self, name_or_arn: str) -> bool:
        """True when a handler is registered for this function."""
        return self.function_name(name_or_arn) in self._lambdas

    def invoke_lambda(self, name_or_arn: str, event: Any, request_id: str) -> Any:
        """Call the function's handler; raises StatesError shaped like AWS's Lambda errors."""
        name = self.function_name(name_or_arn)
        entry = self._lambdas.get(name)
        arn = self.function_arn(name_or_arn)
        if entry is None:
            raise StatesError(
                "Lambda.ResourceNotFoundException",
                f"Function not found: {_unqualified(arn)}:$LATEST (Service: AWSLambda; Status Code: 404; "
                f"Error Code: ResourceNotFoundException; Request ID: {request_id}; Proxy: null)",
            )
        handler, takes_context = entry

        def call() -> Any:
            if takes_context:
                return handler(event, LambdaContext(name, arn, request_id))
            return handler(event)

        try:
            return call() if self.around_calls is None else self.around_calls(call)
        except StatesError:
            raise
        except Exception as exc:
            raise lambda_error(exc, request_id) from None

    def call_service(self, kind: ResourceKind, parameters: Any) -> Any:
        """Call a registered integration; raises StatesError when none is registered."""
        handler = self._services.get(kind.resource)
        if handler is None:
            raise StatesError(
                "States.Runtime",
                f"No local handler is registered for the Task resource '{kind.resource}'",
            )
        try:
            if self.around_calls is None:
                return handler(parameters)
            return self.around_calls(lambda: handler(parameters))
        except StatesError:
            raise
        except Exception as exc:
            raise StatesError(type(exc).__name__, str(exc)) from None


def lambda_error(exc: BaseException, request_id: str) -> StatesError:
    """The error AWS reports for an exception raised by a Lambda handler."""
    name = type(exc).__name__
    cause = {
        "errorMessage": str(exc),
        "errorType": name,
        "requestId": request_id,
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }
    return StatesError(name, json.dumps(cause, separators=(",", ":")))


def _machine_name(name_or_arn: str) -> str:
    # arn:aws:states:region:account:stateMachine:name[:version or alias]
    if ":stateMachine:" in name_or_arn:
        return name_or_arn.split(":stateMachine:", 1)[1].split(":")[0]
    return name_or_arn


def _unqualified(arn: str) -> str:
    parts = arn.split(":")
    return ":".join(parts[:7])


def _takes_context(handler: Handler) -> bool:
    import inspect

    try:
        params = [
            p
            for p in inspect.signature(handler).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
    except (TypeError, ValueError):
        return True
    return len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)
