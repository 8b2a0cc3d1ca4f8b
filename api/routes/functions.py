"""Functions: registered code (Python or JavaScript defining `main(input)`) with JSON Schemas and versions.

Python source is checked on arrival with the sandbox's own static guard (syntax, imports, dunder
walks...), so a function that can never run is a 422 naming the line. `test` runs a version through the
sandbox runner: a fresh locked-down child process (the code-runner Lambda on AWS), never this process.
"""

from __future__ import annotations

import ast
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import ID_PATTERN, ApiServices, Principal, ResourceId, ServicesDep, audit, require
from api.errors import ApiError, ErrorDetail, error_responses
from api.node_context import workspace_context
from api.routes.flow_versions import Version
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit, RequestModel
from deca.nodes.code import code_runner
from deca.sandbox import CodeRequest, CodeRunError
from deca.sandbox.child.guard import GuardViolation, check_source
from deca.sandbox.errors import CodeError, CodeValidationError
from deca.sandbox.schemas import check_schema
from deca.stores import Page
from deca.stores.models import FunctionLanguage, FunctionRecord, FunctionVersion

__all__ = ["FunctionDetail", "FunctionTestResult", "router"]

router = APIRouter(prefix="/functions", tags=["functions"], responses=COMMON_ERRORS)


class FunctionVersionCreate(RequestModel):
    """A version's code and the JSON Schemas of its input and result."""

    source: str = Field(min_length=1, max_length=100_000, description="Code defining `main(input)`")
    input_schema: dict[str, Any] = Field(default_factory=dict, description="JSON Schema of the input")
    output_schema: dict[str, Any] = Field(default_factory=dict, description="JSON Schema of the result")
    comment: str = Field(default="", max_length=500, description="Why this version was made")


class FunctionCreate(FunctionVersionCreate):
    """A function and its first version."""

    function_id: str | None = Field(default=None, pattern=ID_PATTERN, description="Id (generated when unset)")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    language: FunctionLanguage = "python"


class FunctionTest(RequestModel):
    """An input to run a version with (default: the latest)."""

    input: Any = None
    version: int | None = Field(default=None, ge=1)
    timeout: float = Field(default=10, gt=0, le=60, description="Seconds before the run is stopped")


class FunctionDetail(BaseModel):
    """A function and one of its versions (the latest)."""

    function: FunctionRecord
    version: FunctionVersion


class FunctionRunError(BaseModel):
    """Why a test run failed: the error's code, message and the line of the user's code when known."""

    code: str
    message: str
    line: int | None = None


class FunctionTestResult(BaseModel):
    """The outcome of a test run: the result, or the error the code met; logs either way."""

    ok: bool
    version: int
    result: Any = None
    error: FunctionRunError | None = None
    logs: str = ""
    duration_ms: int | None = None


def _invalid(path: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", message, [ErrorDetail(path=path, message=message)])


def _check_python(source: str) -> None:
    """The sandbox's static guard over the source, and a top-level `main`; 422 at the line otherwise."""
    try:
        tree = check_source(source)
    except SyntaxError as exc:
        raise _invalid("body.source", f"line {exc.lineno}: syntax error: {exc.msg}") from None
    except GuardViolation as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise _invalid("body.source", f"{where}{exc.message}") from None
    if not any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "main" for node in tree.body
    ):
        raise _invalid("body.source", "the source must define a top-level function main(input)")


def _check(body: FunctionVersionCreate, language: FunctionLanguage) -> None:
    if language == "python":
        _check_python(body.source)
    for field in ("input_schema", "output_schema"):
        schema: dict[str, Any] = getattr(body, field)
        if schema:
            try:
                check_schema(schema, stage=field.removesuffix("_schema"))
            except CodeValidationError as exc:
                raise _invalid(f"body.{field}", exc.message) from None


def _version(
    services: ApiServices, principal: Principal, function_id: str, number: int, body: FunctionVersionCreate
) -> FunctionVersion:
    return FunctionVersion(
        workspace_id=principal.workspace_id,
        function_id=function_id,
        version=number,
        source=body.source,
        input_schema=body.input_schema,
        output_schema=body.output_schema,
        created_at=services.clock.now(),
        created_by=principal.user_id,
        comment=body.comment,
    )


def _add_version(
    services: ApiServices, principal: Principal, function_id: str, number: int, body: FunctionVersionCreate
) -> FunctionVersion:
    version = _version(services, principal, function_id, number, body)
    return services.stores.functions.add_version(principal.workspace_id, version)


@router.post("", response_model=FunctionDetail, status_code=201, responses=error_responses(409))
def create_function(
    body: FunctionCreate, services: ServicesDep, principal: Annotated[Principal, require("write:flows")]
) -> FunctionDetail:
    """Register a function; its code becomes version 1 (409 if the id is taken, 422 for code that cannot run)."""
    _check(body, body.language)
    function_id = body.function_id or "fn_" + uuid.uuid4().hex
    now = services.clock.now()
    record = FunctionRecord(
        workspace_id=principal.workspace_id,
        function_id=function_id,
        name=body.name,
        description=body.description,
        language=body.language,
        created_at=now,
        updated_at=now,
        created_by=principal.user_id,
    )
    created, version = services.stores.functions.create_with_version(  # both stored, or neither
        principal.workspace_id, record, _version(services, principal, function_id, 1, body)
    )
    audit(services, principal, "function.create", function_id, details={"name": body.name})
    return FunctionDetail(function=created, version=version)


@router.get("", response_model=Page[FunctionRecord])
def list_functions(
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
    language: FunctionLanguage | None = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[FunctionRecord]:
    """Functions of the workspace by name, optionally of one language."""
    return services.stores.functions.list(
        principal.workspace_id, language=language, limit=limit, cursor=cursor
    )


@router.get("/{function_id}", response_model=FunctionDetail, responses=error_responses(404))
def get_function(
    function_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("read:flows")]
) -> FunctionDetail:
    """A function and its latest version."""
    functions = services.stores.functions
    record = functions.get(principal.workspace_id, function_id)
    latest = functions.get_version(principal.workspace_id, function_id, record.latest_version)
    return FunctionDetail(function=record, version=latest)


@router.delete("/{function_id}", status_code=204, responses=error_responses(404))
def delete_function(
    function_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("delete:flows")]
) -> Response:
    """Delete a function and all its versions."""
    services.stores.functions.delete(principal.workspace_id, function_id)
    audit(services, principal, "function.delete", function_id)
    return Response(status_code=204)


@router.post(
    "/{function_id}/versions",
    response_model=FunctionVersion,
    status_code=201,
    responses=error_responses(404, 409),
)
def add_function_version(
    function_id: ResourceId,
    body: FunctionVersionCreate,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:flows")],
) -> FunctionVersion:
    """Save new code as the function's next version (checked like on create)."""
    functions = services.stores.functions
    record = functions.get(principal.workspace_id, function_id)
    _check(body, record.language)
    version = _add_version(services, principal, function_id, record.latest_version + 1, body)
    functions.update(principal.workspace_id, record.model_copy(update={"updated_at": services.clock.now()}))
    audit(services, principal, "function.version", function_id, details={"version": version.version})
    return version


@router.get("/{function_id}/versions", response_model=Page[FunctionVersion], responses=error_responses(404))
def list_function_versions(
    function_id: ResourceId,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[FunctionVersion]:
    """The function's versions, newest first."""
    return services.stores.functions.list_versions(
        principal.workspace_id, function_id, limit=limit, cursor=cursor
    )


@router.get(
    "/{function_id}/versions/{version}", response_model=FunctionVersion, responses=error_responses(404)
)
def get_function_version(
    function_id: ResourceId,
    version: Version,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:flows")],
) -> FunctionVersion:
    """One version of the function."""
    return services.stores.functions.get_version(principal.workspace_id, function_id, version)


@router.post("/{function_id}/test", response_model=FunctionTestResult, responses=error_responses(404))
def test_function(
    function_id: ResourceId,
    body: FunctionTest,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:flows")],
) -> FunctionTestResult:
    """Run a version with an input in the sandbox; the code's failure is `ok: false` with its error."""
    functions = services.stores.functions
    record = functions.get(principal.workspace_id, function_id)
    number = body.version or record.latest_version
    stored = functions.get_version(principal.workspace_id, function_id, number)
    request = CodeRequest(
        language=record.language,
        source=stored.source,
        input=body.input,
        timeout=body.timeout,
        input_schema=stored.input_schema or None,
        output_schema=stored.output_schema or None,
    )
    run = code_runner(workspace_context(services, principal.workspace_id))
    try:
        result = run(request, None)
    except CodeRunError as exc:
        outcome = FunctionTestResult(
            ok=False,
            version=number,
            error=FunctionRunError(
                code=exc.code, message=exc.message, line=exc.line if isinstance(exc, CodeError) else None
            ),
            logs=exc.logs,
        )
    else:
        outcome = FunctionTestResult(
            ok=True, version=number, result=result.result, logs=result.logs, duration_ms=result.duration_ms
        )
    audit(services, principal, "function.test", function_id, details={"version": number, "ok": outcome.ok})
    return outcome
