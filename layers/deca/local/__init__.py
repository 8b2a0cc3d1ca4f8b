"""Local execution wiring: node task handlers and progress reporting for in-process runs."""
