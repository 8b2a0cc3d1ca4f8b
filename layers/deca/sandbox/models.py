"""What the code runner takes and gives back, and the limits it applies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from deca.nodes.code import CodeConfig

__all__ = ["CodeRequest", "CodeResult", "CodeRunEvent", "Language", "SandboxLimits"]

Language = Literal["python", "javascript"]


class CodeRequest(BaseModel):
    """One run: the code node's config, or a registered function's pinned version and its schemas."""

    model_config = ConfigDict(extra="forbid")

    language: Language = Field(description="Language of `source`")
    source: str = Field(min_length=1, max_length=100_000, description="Code defining `main(input)`")
    input: Any = Field(default=None, description="JSON value passed to `main`")
    timeout: float = Field(default=30, gt=0, le=900, description="Seconds before the run is stopped")
    memory_mb: int = Field(default=256, ge=64, le=10_240, description="Address-space limit of the child")
    input_schema: dict[str, Any] | None = Field(default=None, description="JSON Schema `input` must satisfy")
    output_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema the result must satisfy"
    )

    @classmethod
    def from_config(cls, config: CodeConfig) -> CodeRequest:
        """The request a `code` node's (resolved) config describes."""
        return cls(
            language=config.language,
            source=config.source,
            input=config.input,
            timeout=config.timeout,
            memory_mb=config.memory_mb,
        )


class CodeRunEvent(BaseModel):
    """The event of the code-runner Lambda: a request and the correlation keys of the node that sent it."""

    model_config = ConfigDict(extra="forbid")

    request: CodeRequest
    execution_id: str | None = None
    node_id: str | None = None


class CodeResult(BaseModel):
    """A successful run: the value `main` returned, its captured logs and the layers that were active."""

    model_config = ConfigDict(extra="forbid")

    result: Any = Field(default=None, description="The return value of `main`")
    logs: str = Field(default="", description="Captured stdout/stderr (capped)")
    duration_ms: int = Field(default=0, ge=0, description="Wall time of the run in milliseconds")
    layers: list[str] = Field(default_factory=list, description="Isolation layers that were active")


@dataclass(frozen=True)
class SandboxLimits:
    """Caps of the runner itself (the request carries timeout and memory)."""

    max_input_bytes: int = 2 * 1024 * 1024
    max_output_bytes: int = 1024 * 1024
    max_log_bytes: int = 64 * 1024
    max_file_bytes: int = 1024 * 1024
    max_open_files: int = 32
    # Extra wall time over `timeout` before the parent kills the process group (start-up, reply).
    grace_seconds: float = 0.5
    # Parent folder of the per-run private directories; the system temporary folder when None.
    tmp_root: Path | None = None
    # Fork runs from a pre-started zygote (fast); False starts a fresh interpreter per run (cold).
    zygote: bool = True
