"""Compile benchmark: a generated 1,000-node flow, validated and compiled several times.

Run: `python benchmarks/compile.py [--nodes 1000] [--runs 7]`. Prints the median time of each phase
(parse, checks, build, text) and of the whole `deca compile` path (validation included), warm and
cold (first run, empty JSONata parse cache). Target: under 100 ms warm.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "layers")]

from statemachines.compiler import (  # noqa: E402
    CompileOptions,
    compile_checked,
    dumps_asl,
    parse_flow,
    validate_document,
)
from statemachines.compiler.graph import FlowGraph  # noqa: E402
from statemachines.compiler.references import FlowTemplates, clear_template_cache  # noqa: E402
from statemachines.compiler.retryable import retryable_errors  # noqa: E402
from statemachines.compiler.templates import analyse  # noqa: E402


class _FlowMaker:
    """Builds a realistic flow: chains of tasks, conditions, fan-outs with merges and a loop."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.nodes: list[dict[str, Any]] = []
        self.connections: list[dict[str, Any]] = []

    def add(self, node_type: str, config: dict[str, Any]) -> str:
        node_id = f"{node_type.replace('_', '-')}-{len(self.nodes)}"
        self.nodes.append({"id": node_id, "type": node_type, "config": config})
        return node_id

    def link(self, source: str, target: str, **fields: Any) -> None:
        self.connections.append({"from": source, "to": target, **fields})

    def task(self, previous: str | None) -> str:
        kind = self.rng.choice(["function", "http_request", "agent", "transform", "slack"])
        field = self._field(previous) if previous else None
        upstream = f"{{{{ {previous}.{field} }}}}" if field else "{{ input.customer }}"
        if kind == "function":
            return self.add("function", {"function_id": "enrich", "input": upstream})
        if kind == "http_request":
            return self.add(
                "http_request",
                {"method": "POST", "url": "https://api.example.com/v1/items", "body": {"data": upstream}},
            )
        if kind == "agent":
            return self.add(
                "agent",
                {"agent_id": "writer", "prompt": f"Summarise {upstream} for {{{{ input.customer.name }}}}"},
            )
        if kind == "transform":
            return self.add(
                "transform",
                {"output": {"value": upstream, "email": "{{ $lowercase(input.customer.email) }}"}},
            )
        return self.add(
            "slack",
            {
                "operation": "send_message",
                "credential_id": "slack",
                "channel": "#ops",
                "text": f"Done: {upstream}",
            },
        )

    def _field(self, node_id: str) -> str | None:
        node_type = node_id.rsplit("-", 1)[0].replace("-", "_")
        return {
            "function": "result",
            "http_request": "body",
            "agent": "text",
            "transform": "value",
            "slack": "ts",
            "merge": "items",
            "condition": "result",
            "loop": "count",
        }.get(node_type)

    def segment(self, previous: str, budget: int) -> str:
        """Append a chain, a condition, a fan-out or a loop after `previous`; returns the last node."""
        shape = self.rng.choice(["chain", "chain", "condition", "fanout"])
        if shape == "chain":
            last = previous
            for _ in range(min(budget, 5)):
                current = self.task(last)
                self.link(last, current)
                last = current
            return last
        if shape == "condition":
            field = self._field(previous)
            subject = f"{previous}.{field}" if field else "input.customer"
            check = self.add("condition", {"condition": f"{{{{ {subject} != null }}}}"})
            self.link(previous, check)
            yes, no = self.task(check), self.task(check)
            self.link(check, yes, label="true")
            self.link(check, no, label="false")
            join = self.add("noop", {})
            self.link(yes, join)
            self.link(no, join)
            return join
        fork = self.task(previous)
        self.link(previous, fork)
        join = self.add("merge", {"mode": "by_node"})
        for _ in range(self.rng.randint(2, 4)):
            branch = self.task(fork)
            self.link(fork, branch)
            self.link(branch, join)
        return join

    def build(self, size: int) -> dict[str, Any]:
        last = self.add("webhook_trigger", {"path": "/bench", "method": "POST"})
        loop = self.add("loop", {"items": "{{ input.orders }}", "max_concurrency": 10})
        self.link(last, loop)
        body = [self.task(None) for _ in range(3)]
        self.link(loop, body[0], label="body")
        self.link(body[0], body[1])
        self.link(body[1], body[2])
        self.link(body[2], loop)
        last = loop
        while len(self.nodes) < size:
            last = self.segment(last, size - len(self.nodes))
        return {
            "id": "benchmark",
            "name": f"Benchmark flow ({len(self.nodes)} nodes)",
            "nodes": self.nodes,
            "connections": self.connections,
        }


def make_flow(size: int = 1000, seed: int = 7) -> dict[str, Any]:
    """A realistic flow of about `size` nodes (deterministic for a seed)."""
    return _FlowMaker(seed).build(size)


def _time(function: Any, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples[0], statistics.median(samples[1:] or samples)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    document = make_flow(args.nodes)
    flow = parse_flow(document)
    retryable_errors()  # imports the errors modules once per process (not part of compiling)
    analyse.cache_clear()
    clear_template_cache()
    cold, total = _time(lambda: compile_checked(validate_document(document)), args.runs)
    _, with_text = _time(lambda: dumps_asl(compile_checked(validate_document(document))), args.runs)
    _, parse = _time(lambda: parse_flow(document), args.runs)

    def checks() -> None:
        graph = FlowGraph.build(flow)
        FlowTemplates(graph).check_all()

    _, check = _time(checks, args.runs)
    checked = validate_document(document)
    _, build = _time(lambda: compile_checked(checked, CompileOptions(function_prefix="bench-")), args.runs)
    _, dump = _time(lambda: dumps_asl(checked.asl), args.runs)
    text = dumps_asl(checked.asl)
    warm = args.runs - 1
    print(
        f"flow: {len(document['nodes'])} nodes, {len(document['connections'])} connections -> "
        f"{len(json.loads(text)['States'])} top-level states, {len(text) // 1024} KiB of ASL"
    )
    print(f"  parse (pydantic Flow model)           {parse:7.1f} ms")
    print(f"  checks (graph, templates, references) {check:7.1f} ms")
    print(f"  build (ASL states)                    {build:7.1f} ms")
    print(f"  canonical JSON text                   {dump:7.1f} ms")
    print(
        f"compile (validation included) to the ASL document, median of {warm} warm runs: {total:.1f} ms "
        "(target < 100 ms)"
    )
    print(f"the same plus the canonical JSON text (`deca compile` output): {with_text:.1f} ms")
    print(f"compile (validation included), first run with cold template caches: {cold:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
