"""Lambda handler of the `deca_tables` node: parse the task, run the node's logic, return its output."""

from functions.nodes._handler import node_lambda_handler

lambda_handler = node_lambda_handler("deca_tables")
