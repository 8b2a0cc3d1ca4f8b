"""What a node's logic may use while it runs: the workspace's stores, secrets, HTTP, clock, idempotency.

Node logic is a pure function `run(config, task, ctx) -> Output` in `deca/nodes/<type>.py`; it reaches the
outside world only through this context, so tests hand it fakes (a MockTransport, memory stores, a fake
clock) and the Lambda handlers and the local engine hand it real adapters built by the wiring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from deca.errors import DecaError

if TYPE_CHECKING:
    import httpx

    from deca.clock import Clock
    from deca.stores import Stores

__all__ = [
    "CredentialNotFound",
    "NodeContext",
    "SecretResolver",
    "StaticSecrets",
]


class CredentialNotFound(DecaError):
    """A node referenced a credential that does not exist in its workspace."""

    code = "credential_not_found"


class SecretResolver(Protocol):
    """Gives a node the decrypted fields of a credential of its own workspace (never logged)."""

    def resolve(self, workspace_id: str, credential_id: str) -> Mapping[str, str]:
        """The credential's fields (e.g. {"api_key": ...}); raises CredentialNotFound."""
        ...


@dataclass
class StaticSecrets:
    """A SecretResolver over a fixed mapping (local runs and tests): {(workspace, id): fields}."""

    values: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def resolve(self, workspace_id: str, credential_id: str) -> Mapping[str, str]:
        """The credential's fields; raises CredentialNotFound."""
        try:
            return self.values[(workspace_id, credential_id)]
        except KeyError:
            raise CredentialNotFound(f"credential '{credential_id}' not found") from None


@dataclass
class NodeContext:
    """Dependencies of node logic; every store call is scoped to `workspace_id`."""

    workspace_id: str
    stores: Stores
    clock: Clock
    secrets: SecretResolver = field(default_factory=StaticSecrets)
    # Builds the HTTP client nodes use; tests pass an httpx.MockTransport or point at loopback fakes.
    http_client: Callable[[], httpx.Client] | None = None
    # Typed extension slots filled by the wiring (LLM clients, object store, flow runner, ...).
    services: dict[str, Any] = field(default_factory=dict)

    def http(self) -> httpx.Client:
        """An HTTP client (the wiring's, or a plain httpx.Client with a 30 s timeout)."""
        if self.http_client is not None:
            return self.http_client()
        import httpx

        return httpx.Client(timeout=30.0, follow_redirects=False)

    def idempotency_key(self, execution_id: str, node_id: str, iteration: Sequence[int] = ()) -> str:
        """The key side-effecting nodes use so retries and redrives do not repeat their effect.

        Inside loops the iteration (item indices, outermost first) is part of the key: concurrent Map
        iterations share the execution and the node but are distinct side effects.
        """
        key = f"{execution_id}:{node_id}"
        return key + ":" + ".".join(str(i) for i in iteration) if iteration else key
