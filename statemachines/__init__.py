"""statemachines package."""
