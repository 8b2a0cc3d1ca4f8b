"""Lambda handler of the `code` node: parse the task, run the node's logic, return its output."""

from functions.nodes._handler import node_lambda_handler

lambda_handler = node_lambda_handler("code")
