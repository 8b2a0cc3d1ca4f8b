"""Pricing, versioned prompt templates and the pre-built agents."""

from __future__ import annotations

import pytest

from deca.ai.errors import AgentError
from deca.ai.models import Usage
from deca.ai.pricing import estimate_cost, price_of
from deca.ai.prompts import load_prompt, placeholders, render
from deca.ai.templates import PREBUILT_AGENTS, find_prebuilt
from deca.stores import memory_stores
from deca.stores.models import Prompt, PromptVersion


@pytest.mark.parametrize(
    ("model", "price"),
    [
        ("gpt-4o-mini", (0.15, 0.60)),
        ("gpt-4o-2024-08-06", (2.50, 10.00)),
        ("claude-3-5-haiku-latest", (0.80, 4.00)),
        ("llama3:8b", (0.0, 0.0)),
    ],
    ids=["exact", "dated-snapshot", "anthropic", "unknown-local-model"],
)
def test_model_price_by_longest_prefix(model: str, price: tuple[float, float]) -> None:
    assert price_of(model) == price


def test_cost_of_usage() -> None:
    assert estimate_cost("gpt-4o", Usage(input_tokens=1000, output_tokens=500)) == pytest.approx(0.0075)


def test_render_fills_placeholders_and_dumps_non_strings() -> None:
    assert render("Hi {{ name }}, {{ data.n }}", {"name": "Ann", "data": {"n": [1]}}) == "Hi Ann, [1]"


def test_render_names_the_missing_variable() -> None:
    with pytest.raises(AgentError, match="variable 'brand'") as raised:
        render("Write for {{ brand }}", {})

    assert raised.value.field == "variables.brand"


def test_placeholders_are_listed_once_in_order() -> None:
    assert placeholders("{{ a }} {{ b.c }} {{ a }}") == ["a", "b.c"]


def test_stored_prompt_loads_the_latest_or_a_pinned_version() -> None:
    stores = memory_stores()
    stores.prompts.create("ws", Prompt(workspace_id="ws", prompt_id="greet", name="Greeting"))
    for number, text in [(1, "Hello {{ name }}"), (2, "Hi {{ name }}")]:
        stores.prompts.add_version(
            "ws",
            PromptVersion(
                workspace_id="ws", prompt_id="greet", version=number, template=text, variables=["name"]
            ),
        )

    assert load_prompt(stores, "ws", "greet").render({"name": "Bo"}) == "Hi Bo"
    assert load_prompt(stores, "ws", "greet", 1).render({"name": "Bo"}) == "Hello Bo"


def test_unknown_prompt_is_an_agent_error() -> None:
    with pytest.raises(AgentError, match="prompt 'nope' not found"):
        load_prompt(memory_stores(), "ws", "nope")


def test_prebuilt_agents_have_versioned_prompts() -> None:
    assert load_prompt(None, "ws", "agents/code-reviewer").version == 1


def test_the_five_prebuilt_agents_exist() -> None:
    assert sorted(a.name for a in PREBUILT_AGENTS.values()) == [
        "Campaign Analyzer",
        "Code Reviewer",
        "Content Creator",
        "Data Analyst",
        "Virtual Persona Generator",
    ]


@pytest.mark.parametrize(
    "key", ["persona-generator", "Virtual Persona Generator", "virtual-persona-generator"]
)
def test_prebuilt_agent_is_found_by_id_or_name(key: str) -> None:
    agent = find_prebuilt(key)

    assert agent is not None and agent.agent_id == "persona-generator"


def test_every_prebuilt_agent_has_an_answer_schema() -> None:
    assert all(a.output_schema and a.system_prompt for a in PREBUILT_AGENTS.values())
