"""The flow → Amazon States Language compiler (JSONata mode)."""

from statemachines.compiler.compile import (
    CheckedFlow,
    CompileOptions,
    SubFlowResolver,
    check_flow,
    compile_checked,
    compile_flow,
    compile_flow_json,
    dumps_asl,
    parse_flow,
    validate_document,
)

__all__ = [
    "CheckedFlow",
    "CompileOptions",
    "SubFlowResolver",
    "check_flow",
    "compile_checked",
    "compile_flow",
    "compile_flow_json",
    "dumps_asl",
    "parse_flow",
    "validate_document",
]
