"""Estimated cost per model: US dollars per million input and output tokens (list prices).

A model is matched by the longest known prefix of its name, so dated snapshots (`gpt-4o-2024-08-06`)
price like their family; unknown models (local servers) cost 0.
"""

from __future__ import annotations

from deca.ai.models import Usage

__all__ = ["PRICES_PER_MILLION", "estimate_cost", "price_of"]

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4-turbo": (10.00, 30.00),
    "gpt-4": (30.00, 60.00),
    "gpt-3.5-turbo": (0.50, 1.50),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o1-mini": (1.10, 4.40),
    "o1": (15.00, 60.00),
    "o3-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
    "o4-mini": (1.10, 4.40),
    "text-embedding-3-small": (0.02, 0.0),
    "text-embedding-3-large": (0.13, 0.0),
    "text-embedding-ada-002": (0.10, 0.0),
    "omni-moderation": (0.0, 0.0),
    "claude-opus-4-5": (5.00, 25.00),
    "claude-opus-4-6": (5.00, 25.00),
    "claude-opus-4": (15.00, 75.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-haiku-4": (1.00, 5.00),
    "claude-3-7-sonnet": (3.00, 15.00),
    "claude-3-5-sonnet": (3.00, 15.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-3-opus": (15.00, 75.00),
    "claude-3-haiku": (0.25, 1.25),
    # Family fallbacks for newer snapshots.
    "claude-opus": (5.00, 25.00),
    "claude-sonnet": (3.00, 15.00),
    "claude-haiku": (1.00, 5.00),
}


def price_of(model: str) -> tuple[float, float]:
    """(input, output) dollars per million tokens of a model; (0, 0) when unknown."""
    name = model.lower().split("/")[-1]
    matches = [prefix for prefix in PRICES_PER_MILLION if name.startswith(prefix)]
    return PRICES_PER_MILLION[max(matches, key=len)] if matches else (0.0, 0.0)


def estimate_cost(model: str, usage: Usage) -> float:
    """Estimated dollars of a call, rounded to a millionth of a dollar."""
    input_price, output_price = price_of(model)
    cost = (usage.input_tokens * input_price + usage.output_tokens * output_price) / 1_000_000
    return round(cost, 6)
