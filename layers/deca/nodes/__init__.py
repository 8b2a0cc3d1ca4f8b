"""Node catalogue: one module per node type."""
