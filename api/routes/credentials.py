"""Credentials: values are sealed with envelope encryption on arrival and never returned in clear."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import AfterValidator, BaseModel, Field, JsonValue

from api.deps import ApiServices, Principal, ResourceId, ServicesDep, audit, require
from api.errors import error_responses
from api.schemas import COMMON_ERRORS, DEFAULT_PAGE, Cursor, Limit, RequestModel
from deca.crypto import credential_context
from deca.stores import Page
from deca.stores.models import Credential, UtcDatetime

__all__ = ["CredentialInfo", "router"]


def _not_null(value: JsonValue) -> JsonValue:
    if value is None:
        raise ValueError("a credential value cannot be null")
    return value


SecretValue = Annotated[JsonValue, AfterValidator(_not_null)]
"""Any JSON but null: a token string, or an object such as `{"api_key": ..., "secret": ...}`."""

router = APIRouter(prefix="/credentials", tags=["credentials"], responses=COMMON_ERRORS)


class CredentialCreate(RequestModel):
    """A secret to keep: `value` is any JSON (a token string, or `{"api_key": ..., "secret": ...}`)."""

    name: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.:-]*$")
    type: str = Field(min_length=1, max_length=100, description="e.g. `openai`, `slack`, `http_bearer`")
    value: SecretValue = Field(description="The secret; write-only")


class CredentialRotate(RequestModel):
    """The credential's new secret value."""

    value: SecretValue = Field(description="The new secret; write-only")


class CredentialInfo(BaseModel):
    """A credential's metadata (the value is never returned)."""

    credential_id: str
    name: str
    type: str
    key_id: str = Field(description="Key-encryption key that wraps the value's data key")
    created_at: UtcDatetime
    rotated_at: UtcDatetime | None
    created_by: str | None

    @classmethod
    def of(cls, credential: Credential) -> CredentialInfo:
        """The metadata of a stored credential."""
        return cls.model_validate(credential.model_dump(exclude={"workspace_id", "encrypted_value"}))


def _sealed(
    services: ApiServices, workspace_id: str, credential_id: str, value: JsonValue
) -> tuple[bytes, str]:
    sealed = services.envelope.seal_json(value, credential_context(workspace_id, credential_id))
    return sealed.blob, sealed.key_id


@router.post("", response_model=CredentialInfo, status_code=201, responses=error_responses(409))
def create_credential(
    body: CredentialCreate,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:credentials")],
) -> CredentialInfo:
    """Store a credential, its value encrypted (409 if the name is taken)."""
    credential_id = "cred_" + uuid.uuid4().hex
    blob, key_id = _sealed(services, principal.workspace_id, credential_id, body.value)
    stored = services.stores.credentials.create(
        principal.workspace_id,
        Credential(
            workspace_id=principal.workspace_id,
            credential_id=credential_id,
            name=body.name,
            type=body.type,
            encrypted_value=blob,
            key_id=key_id,
            created_at=services.clock.now(),
            created_by=principal.user_id,
        ),
    )
    audit(
        services,
        principal,
        "credential.create",
        credential_id,
        details={"name": body.name, "type": body.type},
    )
    return CredentialInfo.of(stored)


@router.get("", response_model=Page[CredentialInfo])
def list_credentials(
    services: ServicesDep,
    principal: Annotated[Principal, require("read:credentials")],
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Page[CredentialInfo]:
    """Credentials of the workspace by name (metadata only)."""
    page = services.stores.credentials.list(principal.workspace_id, limit=limit, cursor=cursor)
    return Page[CredentialInfo](
        items=[CredentialInfo.of(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.get("/{credential_id}", response_model=CredentialInfo, responses=error_responses(404))
def get_credential(
    credential_id: ResourceId,
    services: ServicesDep,
    principal: Annotated[Principal, require("read:credentials")],
) -> CredentialInfo:
    """A credential's metadata."""
    return CredentialInfo.of(services.stores.credentials.get(principal.workspace_id, credential_id))


@router.post("/{credential_id}/rotate", response_model=CredentialInfo, responses=error_responses(404))
def rotate_credential(
    credential_id: ResourceId,
    body: CredentialRotate,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:credentials")],
) -> CredentialInfo:
    """Replace a credential's value (sealed with a fresh data key under the current key-encryption key)."""
    current = services.stores.credentials.get(principal.workspace_id, credential_id)
    blob, key_id = _sealed(services, principal.workspace_id, credential_id, body.value)
    stored = services.stores.credentials.update(
        principal.workspace_id,
        current.model_copy(
            update={"encrypted_value": blob, "key_id": key_id, "rotated_at": services.clock.now()}
        ),
    )
    audit(services, principal, "credential.rotate", credential_id, details={"name": current.name})
    return CredentialInfo.of(stored)


@router.delete("/{credential_id}", status_code=204, responses=error_responses(404))
def delete_credential(
    credential_id: ResourceId,
    services: ServicesDep,
    principal: Annotated[Principal, require("write:credentials")],
) -> Response:
    """Delete a credential."""
    services.stores.credentials.delete(principal.workspace_id, credential_id)
    audit(services, principal, "credential.delete", credential_id)
    return Response(status_code=204)
