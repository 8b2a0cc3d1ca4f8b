"""Prompts: versioned templates with `{{ name }}` placeholders (agents and agent nodes use them by id).

Versions are immutable; a change is a new version. `render` previews a version with variables, and a
placeholder without a value is a 422 naming it (`body.variables.<name>`).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import ID_PATTERN, ApiServices, Principal, ResourceId, ServicesDep, audit, require
from api.errors import ApiError, ErrorDetail, error_responses
from api.routes.flow_versions import Version
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit, RequestModel
from deca.ai.errors import AgentError
from deca.ai.prompts import PromptTemplate, placeholders
from deca.stores import Page
from deca.stores.models import Prompt, PromptVersion

__all__ = ["PromptDetail", "router"]

router = APIRouter(prefix="/prompts", tags=["prompts"], responses=COMMON_ERRORS)

Template = Annotated[
    str, Field(min_length=1, max_length=100_000, description="Text with `{{ name }}` placeholders")
]
Variables = Annotated[
    list[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]] | None,
    Field(
        default=None, max_length=200, description="Variables the template takes (default: its placeholders)"
    ),
]
Comment = Annotated[str, Field(default="", max_length=500, description="Why this version was made")]


class PromptVersionCreate(RequestModel):
    """A new version's template."""

    template: Template
    variables: Variables = None
    comment: Comment = ""


class PromptCreate(PromptVersionCreate):
    """A prompt and its first version."""

    prompt_id: str | None = Field(default=None, pattern=ID_PATTERN, description="Id (generated when unset)")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)


class PromptRender(RequestModel):
    """Values of the placeholders, and the version to render (default: the latest)."""

    variables: dict[str, Any] = Field(default_factory=dict)
    version: int | None = Field(default=None, ge=1)


class PromptDetail(BaseModel):
    """A prompt and one of its versions (the latest unless asked otherwise)."""

    prompt: Prompt
    version: PromptVersion


class RenderedPrompt(BaseModel):
    """A rendered version."""

    prompt_id: str
    version: int
    text: str


def _variables(body: PromptVersionCreate) -> list[str]:
    """The declared variables (checked to cover every placeholder), else the placeholders' roots."""
    roots = list(dict.fromkeys(path.split(".")[0] for path in placeholders(body.template)))
    if body.variables is None:
        return roots
    missing = [root for root in roots if root not in body.variables]
    if missing:
        message = f"the template uses '{missing[0]}', which variables does not declare"
        raise ApiError(
            422, "validation_error", message, [ErrorDetail(path="body.variables", message=message)]
        )
    return list(body.variables)


def _version(
    services: ApiServices, principal: Principal, prompt_id: str, number: int, body: PromptVersionCreate
) -> PromptVersion:
    return PromptVersion(
        workspace_id=principal.workspace_id,
        prompt_id=prompt_id,
        version=number,
        template=body.template,
        variables=_variables(body),
        created_at=services.clock.now(),
        created_by=principal.user_id,
        comment=body.comment,
    )


def _add_version(
    services: ApiServices, principal: Principal, prompt_id: str, number: int, body: PromptVersionCreate
) -> PromptVersion:
    version = _version(services, principal, prompt_id, number, body)
    return services.stores.prompts.add_version(principal.workspace_id, version)


@router.post("", response_model=PromptDetail, status_code=201, responses=error_responses(409))
def create_prompt(
    body: PromptCreate, services: ServicesDep, principal: Annotated[Principal, require("write:agents")]
) -> PromptDetail:
    """Create a prompt; its template becomes version 1 (409 if the id is taken)."""
    _variables(body)  # checked before anything is stored
    prompt_id = body.prompt_id or "prm_" + uuid.uuid4().hex
    now = services.clock.now()
    record = Prompt(
        workspace_id=principal.workspace_id,
        prompt_id=prompt_id,
        name=body.name,
        description=body.description,
        created_at=now,
        updated_at=now,
        created_by=principal.user_id,
    )
    created, version = services.stores.prompts.create_with_version(  # both stored, or neither
        principal.workspace_id, record, _version(services, principal, prompt_id, 1, body)
    )
    audit(services, principal, "prompt.create", prompt_id, details={"name": body.name})
    return PromptDetail(prompt=created, version=version)


@router.get("", response_model=Page[Prompt])
def list_prompts(
    services: ServicesDep,
    principal: Annotated[Principal, require("read:agents")],
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[Prompt]:
    """Prompts of the workspace by name."""
    return services.stores.prompts.list(principal.workspace_id, limit=limit, cursor=cursor)


@router.get("/{prompt_id}", response_model=PromptDetail, responses=error_responses(404))
def get_prompt(
    prompt_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("read:agents")]
) -> PromptDetail:
    """A prompt and its latest version."""
    prompts = services.stores.prompts
    record = prompts.get(principal.workspace_id, prompt_id)
    return PromptDetail(
        prompt=record, version=prompts.get_version(principal.workspace_id, prompt_id, record.latest_version)
    )


@router.delete("/{prompt_id}", status_code=204, responses=error_responses(404))
def delete_prompt(
    prompt_id: ResourceId, services: ServicesDep, principal: Annotated[Principal, require("delete:agents")]
) -> Response:
    """Delete a prompt and all its versions."""
    services.stores.prompts.delete(principal.workspace_id, prompt_id)
    audit(services, principal, "prompt.delete", prompt_id)
    return Response(status_code=204)


@router.post(
    "/{prompt_id}/versions",
    response_model=PromptVersion,
    status_code=201,
    responses=error_responses(404, 409),
)
def add_prompt_version(
    prompt_id: ResourceId,
    body: PromptVersionCreate,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:agents")],
) -> PromptVersion:
    """Save a new template as the prompt's next version (409 if another writer took the number)."""
    prompts = services.stores.prompts
    record = prompts.get(principal.workspace_id, prompt_id)
    version = _add_version(services, principal, prompt_id, record.latest_version + 1, body)
    prompts.update(principal.workspace_id, record.model_copy(update={"updated_at": services.clock.now()}))
    audit(services, principal, "prompt.version", prompt_id, details={"version": version.version})
    return version


@router.get("/{prompt_id}/versions", response_model=Page[PromptVersion], responses=error_responses(404))
def list_prompt_versions(
    prompt_id: ResourceId,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:agents")],
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[PromptVersion]:
    """The prompt's versions, newest first."""
    return services.stores.prompts.list_versions(
        principal.workspace_id, prompt_id, limit=limit, cursor=cursor
    )


@router.get("/{prompt_id}/versions/{version}", response_model=PromptVersion, responses=error_responses(404))
def get_prompt_version(
    prompt_id: ResourceId,
    version: Version,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:agents")],
) -> PromptVersion:
    """One version of the prompt."""
    return services.stores.prompts.get_version(principal.workspace_id, prompt_id, version)


@router.post("/{prompt_id}/render", response_model=RenderedPrompt, responses=error_responses(404))
def render_prompt(
    prompt_id: ResourceId,
    body: PromptRender,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:agents")],
) -> RenderedPrompt:
    """Preview a version filled with `variables` (422 naming a placeholder without a value)."""
    prompts = services.stores.prompts
    number = body.version or prompts.get(principal.workspace_id, prompt_id).latest_version
    stored = prompts.get_version(principal.workspace_id, prompt_id, number)
    template = PromptTemplate(prompt_id=prompt_id, version=number, template=stored.template)
    try:
        text = template.render(body.variables)
    except AgentError as exc:
        path = f"body.{exc.field}" if exc.field else "body.variables"
        raise ApiError(
            422, "validation_error", exc.message, [ErrorDetail(path=path, message=exc.message)]
        ) from None
    return RenderedPrompt(prompt_id=prompt_id, version=number, text=text)
