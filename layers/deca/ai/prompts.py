"""Versioned prompt templates: `{{ name }}` placeholders filled from variables; stored or built in.

Stored prompts live in the workspace's `prompts` repository (immutable versions 1, 2, ...); the
pre-built agents' system prompts are built-in templates with the same shape. A template that names a
variable nobody gave fails with `AgentError` naming that variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from deca.ai.errors import AgentError
from deca.errors import NotFoundError

if TYPE_CHECKING:
    from deca.stores import Stores

__all__ = ["BUILTIN_PROMPTS", "PromptTemplate", "load_prompt", "placeholders", "render"]

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")


class PromptTemplate(BaseModel):
    """One version of a prompt template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt_id: str
    version: int = Field(ge=1)
    template: str
    variables: list[str] = Field(default_factory=list)

    def render(self, variables: Mapping[str, Any] | None = None) -> str:
        """The template with its placeholders filled."""
        return render(self.template, variables or {}, where=f"prompt '{self.prompt_id}' v{self.version}")


def placeholders(template: str) -> list[str]:
    """The variable paths a template uses, in order of first use."""
    return list(dict.fromkeys(match.group(1) for match in _PLACEHOLDER.finditer(template)))


def _lookup(variables: Mapping[str, Any], path: str) -> Any:
    value: Any = variables
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise KeyError(path)
        value = value[part]
    return value


def render(template: str, variables: Mapping[str, Any], *, where: str = "prompt") -> str:
    """Fill `{{ name }}` / `{{ a.b }}` placeholders; strings as is, other values as JSON text."""
    import json

    def fill(match: re.Match[str]) -> str:
        path = match.group(1)
        try:
            value = _lookup(variables, path)
        except KeyError:
            raise AgentError(f"{where}: no value for variable '{path}'", field=f"variables.{path}") from None
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    return _PLACEHOLDER.sub(fill, template)


BUILTIN_PROMPTS: dict[str, list[PromptTemplate]] = {}
"""Built-in templates by prompt id, oldest version first (filled by `deca.ai.templates`)."""


def load_prompt(
    stores: Stores | None, workspace_id: str, prompt_id: str, version: int | None = None
) -> PromptTemplate:
    """A prompt version (the latest when `version` is None): the workspace's first, then built-in ones.

    Raises:
        AgentError: no such prompt or version (the message names `prompt_id`).
    """
    if stores is not None:
        try:
            record = stores.prompts.get(workspace_id, prompt_id)
            number = version or record.latest_version
            stored = stores.prompts.get_version(workspace_id, prompt_id, number)
            return PromptTemplate(
                prompt_id=prompt_id,
                version=stored.version,
                template=stored.template,
                variables=list(stored.variables),
            )
        except NotFoundError:
            pass
    versions = BUILTIN_PROMPTS.get(prompt_id, [])
    for template in reversed(versions):
        if version is None or template.version == version:
            return template
    suffix = f" version {version}" if version is not None else ""
    raise AgentError(f"prompt '{prompt_id}'{suffix} not found", field="prompt_id")
