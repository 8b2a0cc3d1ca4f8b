"""statemachines/runtime package."""
