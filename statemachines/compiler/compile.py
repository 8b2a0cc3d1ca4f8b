"""Flow → Amazon States Language (JSONata mode): validation and compilation entry points.

`validate_document` parses a raw flow document and runs every check, reporting all problems at
once; `compile_flow` turns a validated `Flow` into an ASL dict; `compile_flow_json` gives its
canonical text (byte-identical for the same flow).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from deca.errors import CompileError, CompileErrors
from deca.flow.models import Flow
from statemachines.compiler.builder import Builder, BuildSettings
from statemachines.compiler.errors import errors_from_validation, raw_graph_errors
from statemachines.compiler.graph import FlowGraph
from statemachines.compiler.references import FlowTemplates
from statemachines.compiler.rendering import SubFlowResolver

__all__ = [
    "CheckedFlow",
    "CompileOptions",
    "SubFlowResolver",
    "check_flow",
    "compile_flow",
    "compile_flow_json",
    "dumps_asl",
    "parse_flow",
    "validate_document",
]


@dataclass(frozen=True)
class CompileOptions:
    """Options of the compiler; the defaults give the ASL the local runtime and the golden files use."""

    function_prefix: str = "deca-node-"
    """Lambda function name = prefix + node type (on AWS the prefix carries the environment)."""
    state_machine_arn_prefix: str = "arn:aws:states:us-east-1:123456789012:stateMachine:deca-flow-"
    """ARN of a sub-flow's state machine = prefix + flow id[:version] when `sub_flow_arn` is unset."""
    sub_flow_arn: SubFlowResolver | None = None
    """The child state machine's ARN of a `sub_flow` node (engines set it; None: not found, a compile error)."""
    output_ref_threshold: int = 262_144
    workspace_id: str | None = None
    """Set in every task event when the state machine belongs to one workspace (AWS deployments)."""
    """Outputs larger than this (bytes) are stored and passed as `{"$ref": ...}` (hint in task events)."""
    distributed_threshold: int = 1_000
    """A loop over a literal list longer than this runs as a DISTRIBUTED Map."""
    inline_max_concurrency: int = 40
    """A loop asking for more concurrent items than this (the inline Map limit) runs DISTRIBUTED."""
    lambda_retry_interval: int = 1
    lambda_retry_attempts: int = 3
    lambda_retry_backoff: float = 2.0


@dataclass(frozen=True)
class CheckedFlow:
    """A flow that passed every check, with its ASL for the default options (built while checking)."""

    flow: Flow
    graph: FlowGraph
    templates: FlowTemplates
    asl: dict[str, Any]


def parse_flow(document: Any) -> Flow:
    """Parse a raw flow document with the pydantic model; raises CompileErrors listing every problem."""
    if not isinstance(document, dict):
        raise CompileErrors([CompileError("a flow document must be a JSON object")])
    try:
        return Flow.model_validate(document)
    except ValidationError as exc:
        errors = errors_from_validation(exc, document)
        known = {(e.position, e.message) for e in errors}
        for extra in raw_graph_errors(document):
            if (extra.position, extra.message) not in known and not _covered(extra, errors):
                errors.append(extra)
        raise CompileErrors(errors) from None


def _covered(error: CompileError, errors: list[CompileError]) -> bool:
    return any(e.position == error.position for e in errors)


def check_flow(flow: Flow) -> CheckedFlow:
    """Run the graph and template checks of a parsed flow; raises CompileErrors listing every problem."""
    graph = FlowGraph.build(flow)
    templates = FlowTemplates(graph)
    templates.check_all()
    problems = [*graph.problems, *templates.problems]
    if problems:
        raise CompileErrors(problems)
    # building is part of checking: some shapes (crossing fan-out branches, an error route leaving
    # its branch) are only found while laying out the states
    return CheckedFlow(flow, graph, templates, _build(graph, templates, _DEFAULT_OPTIONS))


def validate_document(document: Any) -> CheckedFlow:
    """Parse and check a raw flow document (every problem at once, as CompileErrors)."""
    return check_flow(parse_flow(document))


def compile_flow(flow: Flow, options: CompileOptions = CompileOptions()) -> dict[str, Any]:
    """Compile a flow to an ASL document (QueryLanguage JSONata); raises CompileErrors."""
    return compile_checked(check_flow(flow), options)


def compile_checked(checked: CheckedFlow, options: CompileOptions = CompileOptions()) -> dict[str, Any]:
    """The ASL document of a checked flow (the one built while checking when options are the defaults)."""
    if options == _DEFAULT_OPTIONS:
        return checked.asl
    return _build(checked.graph, checked.templates, options)


def _build(graph: FlowGraph, templates: FlowTemplates, options: CompileOptions) -> dict[str, Any]:
    settings = BuildSettings(
        function_prefix=options.function_prefix,
        output_ref_threshold=options.output_ref_threshold,
        workspace_id=options.workspace_id,
        state_machine_arn_prefix=options.state_machine_arn_prefix,
        sub_flow_arn=options.sub_flow_arn,
        distributed_threshold=options.distributed_threshold,
        inline_max_concurrency=options.inline_max_concurrency,
        lambda_retry_interval=options.lambda_retry_interval,
        lambda_retry_attempts=options.lambda_retry_attempts,
        lambda_retry_backoff=options.lambda_retry_backoff,
    )
    return Builder(graph, templates, settings).build()


_DEFAULT_OPTIONS = CompileOptions()


def dumps_asl(asl: dict[str, Any]) -> str:
    """The canonical text of an ASL document: 2-space indent, insertion order, trailing newline."""
    return json.dumps(asl, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def compile_flow_json(flow: Flow, options: CompileOptions = CompileOptions()) -> str:
    """Compile a flow to its canonical ASL text (the same flow gives byte-identical text)."""
    return dumps_asl(compile_flow(flow, options))
