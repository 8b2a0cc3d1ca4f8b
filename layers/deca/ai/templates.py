"""The five pre-built agents of the architecture, as data: usable from a flow by id or by name.

Each one's system prompt is a versioned built-in prompt (`agents/<id>`), its answer has a JSON Schema,
and its model defaults to OpenAI's `gpt-4o-mini` (a node may override provider, model and the rest).
"""

from __future__ import annotations

import re
from typing import Any

from deca.ai.definition import AgentDefinition
from deca.ai.prompts import BUILTIN_PROMPTS, PromptTemplate

__all__ = ["PREBUILT_AGENTS", "find_prebuilt", "slug"]


def slug(name: str) -> str:
    """`Virtual Persona Generator` → `virtual-persona-generator`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


_STR = {"type": "string"}
_STRS = {"type": "array", "items": {"type": "string"}}

_AGENTS: list[dict[str, Any]] = [
    {
        "agent_id": "campaign-analyzer",
        "name": "Campaign Analyzer",
        "description": "Marketing campaign analysis and optimization",
        "prompt": (
            "You are a senior marketing analyst. Analyse the campaign data you are given: compare results "
            "with goals, find what drives performance, and recommend concrete optimisations ranked by "
            "expected impact. Quote the numbers you rely on; never invent metrics."
        ),
        "schema": _object(
            {
                "summary": _STR,
                "metrics": {"type": "object"},
                "insights": _STRS,
                "recommendations": _STRS,
                "score": {"type": "number", "minimum": 0, "maximum": 100},
            },
            ["summary", "insights", "recommendations"],
        ),
        "temperature": 0.2,
    },
    {
        "agent_id": "persona-generator",
        "name": "Virtual Persona Generator",
        "description": "Creating detailed user personas",
        "prompt": (
            "You create realistic, detailed user personas for product and marketing teams from the "
            "customer data you are given: demographics, goals, pain points, behaviours and preferred "
            "channels. Stay consistent with the data; mark assumptions as such."
        ),
        "schema": _object(
            {
                "name": _STR,
                "age_range": _STR,
                "occupation": _STR,
                "goals": _STRS,
                "pain_points": _STRS,
                "behaviours": _STRS,
                "preferred_channels": _STRS,
                "quote": _STR,
            },
            ["name", "goals", "pain_points"],
        ),
        "temperature": 0.7,
    },
    {
        "agent_id": "content-creator",
        "name": "Content Creator",
        "description": "Automated content generation",
        "prompt": (
            "You are a professional copywriter. Write the requested content in the brand voice and format "
            "asked for (blog post, email, social post, landing page copy), with a clear headline and a call "
            "to action. Keep facts to what you are given."
        ),
        "schema": _object(
            {"title": _STR, "body": _STR, "summary": _STR, "hashtags": _STRS, "call_to_action": _STR},
            ["title", "body"],
        ),
        "temperature": 0.8,
    },
    {
        "agent_id": "data-analyst",
        "name": "Data Analyst",
        "description": "Data analysis and insight generation",
        "prompt": (
            "You are a careful data analyst. Examine the data you are given, compute the relevant "
            "statistics, identify trends, anomalies and correlations, and explain the insights in plain "
            "language with the numbers behind them. Say when the data is insufficient."
        ),
        "schema": _object(
            {
                "summary": _STR,
                "findings": {
                    "type": "array",
                    "items": _object({"insight": _STR, "evidence": _STR}, ["insight"]),
                },
                "anomalies": _STRS,
                "next_steps": _STRS,
            },
            ["summary", "findings"],
        ),
        "temperature": 0.1,
    },
    {
        "agent_id": "code-reviewer",
        "name": "Code Reviewer",
        "description": "Code analysis and improvement suggestions",
        "prompt": (
            "You are a meticulous senior engineer reviewing code. Find bugs, security issues, performance "
            "problems and unclear code; for each issue give its severity, where it is and a concrete fix. "
            "Acknowledge what is done well. Do not invent code that was not shown."
        ),
        "schema": _object(
            {
                "summary": _STR,
                "issues": {
                    "type": "array",
                    "items": _object(
                        {
                            "severity": {"enum": ["critical", "major", "minor", "nit"]},
                            "location": _STR,
                            "description": _STR,
                            "suggestion": _STR,
                        },
                        ["severity", "description"],
                    ),
                },
                "approve": {"type": "boolean"},
            },
            ["summary", "issues", "approve"],
        ),
        "temperature": 0.0,
    },
]


def _build() -> dict[str, AgentDefinition]:
    agents: dict[str, AgentDefinition] = {}
    for spec in _AGENTS:
        prompt = PromptTemplate(prompt_id=f"agents/{spec['agent_id']}", version=1, template=spec["prompt"])
        BUILTIN_PROMPTS.setdefault(prompt.prompt_id, []).append(prompt)
        agents[spec["agent_id"]] = AgentDefinition(
            agent_id=spec["agent_id"],
            name=spec["name"],
            description=spec["description"],
            provider="openai",
            model="gpt-4o-mini",
            temperature=spec["temperature"],
            system_prompt=prompt.render(),
            output_schema=spec["schema"],
        )
    return agents


PREBUILT_AGENTS: dict[str, AgentDefinition] = _build()
"""The pre-built agents by id."""


def find_prebuilt(name_or_id: str) -> AgentDefinition | None:
    """A pre-built agent by id, by name (any case) or by the slug of its name; None if unknown."""
    key = slug(name_or_id)
    for agent in PREBUILT_AGENTS.values():
        if key in {agent.agent_id, slug(agent.name)}:
            return agent
    return None
