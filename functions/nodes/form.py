"""Lambda handler of the `form` node: opens the request of the paused step and returns at once (see docs/human-in-the-loop.md)."""

from functions.nodes._handler import node_lambda_handler

lambda_handler = node_lambda_handler("form")
