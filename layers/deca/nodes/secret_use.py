"""The credentials one node run uses: each use audited once, each value redacted from what the run returns.

`run_node` gives the node logic a `NodeSecrets` in place of the context's resolver. A credential the node
resolves is audited as `credential.used` (credential id, node, execution; never the value), and its
field values are remembered, so the node's output and error message have them replaced by
`REDACTED` before anything stores them: node results, the execution history (ours locally, Step
Functions' on AWS) and the next node's input.
"""

from __future__ import annotations

import base64
import threading
import urllib.parse
from collections.abc import Mapping
from typing import Any

from deca.clock import Clock
from deca.nodes.context import SecretResolver
from deca.nodes.task import NodeTask
from deca.stores.base import AuditRepository
from deca.stores.models import AuditRecord

__all__ = ["MIN_REDACTED_LENGTH", "PUBLIC_FIELDS", "REDACTED", "NodeSecrets", "redact_values", "secret_forms"]

REDACTED = "[redacted]"
"""What stands in for a credential value in node outputs, errors, results and history."""

MIN_REDACTED_LENGTH = 4
"""Shorter field values (`"1"`, `"us"`) are not secrets worth hiding, and replacing them would maul text."""

PUBLIC_FIELDS = frozenset(
    {
        "username",
        "user",
        "email",
        "client_id",
        "access_key_id",
        "aws_access_key_id",
        "region",
        "token_url",
        "base_url",
        "url",
        "subdomain",
        "account_id",
        "role_arn",
        "tenant_id",
        "project_id",
        "host",
        "port",
    }
)
"""Credential fields that name or locate rather than authenticate; every other field is a secret."""

SYSTEM_USER = "system"
"""The `user_id` of audit records written by a flow run rather than a person."""


def redact_values(value: Any, secrets: frozenset[str]) -> Any:
    """A copy of a JSON value with every occurrence of each secret in a string (value or key) replaced."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in sorted(secrets, key=len, reverse=True):  # longest first: a secret may contain another
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return {redact_values(k, secrets): redact_values(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_values(item, secrets) for item in value]
    return value


def secret_forms(fields: Mapping[str, str]) -> set[str]:
    """The secret values of a credential and the forms they travel in: base64 (a Basic `user:password`
    pair too) and percent-encoding, so an echoed `Authorization: Basic ...` or query string is caught."""
    values = {v for k, v in fields.items() if k not in PUBLIC_FIELDS and len(v) >= MIN_REDACTED_LENGTH}
    forms = set(values)
    for value in values:
        forms.add(base64.b64encode(value.encode()).decode("ascii"))
        forms.add(urllib.parse.quote(value, safe=""))
    user, password = fields.get("username") or fields.get("user"), fields.get("password")
    if user and password:
        forms.add(base64.b64encode(f"{user}:{password}".encode()).decode("ascii"))
    return forms


class NodeSecrets:
    """The `SecretResolver` of one node run: resolves through `inner`, audits and remembers each use."""

    def __init__(
        self, inner: SecretResolver, task: NodeTask, audit: AuditRepository | None, clock: Clock
    ) -> None:
        self._inner = inner
        self._task = task
        self._audit = audit
        self._clock = clock
        self._lock = threading.Lock()
        self._used: set[str] = set()
        self._values: set[str] = set()

    def resolve(self, workspace_id: str, credential_id: str) -> Mapping[str, str]:
        """The credential's fields; the first use of each credential in this run is audited."""
        fields = self._inner.resolve(workspace_id, credential_id)
        with self._lock:
            self._values.update(secret_forms(fields))
            first = credential_id not in self._used
            self._used.add(credential_id)
        if first and self._audit is not None:
            self._audit.append(workspace_id, self._record(workspace_id, credential_id))
        return fields

    def _record(self, workspace_id: str, credential_id: str) -> AuditRecord:
        task = self._task
        return AuditRecord(
            timestamp=self._clock.now(),
            user_id=SYSTEM_USER,
            workspace_id=workspace_id,
            action="credential.used",
            resource_id=credential_id,
            result="success",
            details={
                "execution_id": task.execution_name,
                "flow_id": task.flow_id,
                "node_id": task.node_id,
                "node_type": task.node_type,
            },
        )

    @property
    def values(self) -> frozenset[str]:
        """The field values of every credential resolved so far."""
        with self._lock:
            return frozenset(self._values)

    def redact(self, value: Any) -> Any:
        """`value` with the values of the credentials this run used replaced by `REDACTED`."""
        return redact_values(value, self.values)

    def redact_error(self, exc: BaseException) -> None:
        """Redact the text arguments (and a `DecaError`'s `message`) of an error leaving the node, in place."""
        secrets = self.values
        if not secrets:
            return
        exc.args = tuple(redact_values(arg, secrets) for arg in exc.args)
        message = getattr(exc, "message", None)
        if isinstance(message, str):
            exc.message = redact_values(message, secrets)  # type: ignore[attr-defined]
