"""statemachines/compiler package."""
