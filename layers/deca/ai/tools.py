"""Running the tools an agent calls: HTTP requests, sandboxed functions, other flows, knowledge bases.

Each kind reaches the outside world through a port, so tests and the wiring choose the adapter:
HTTP through the node context's `http()` client, functions through a `FunctionRunner` (default: the
sandbox's `run_code` over the workspace's registered functions), flows through a `FlowRunner`, searches
through a `KnowledgeBase` (the DECA knowledge-base store when the context has one, else an in-memory
keyword index).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from deca.ai.definition import ToolDefinition
from deca.ai.errors import ToolError
from deca.ai.models import ToolSpec

if TYPE_CHECKING:
    import httpx

    from deca.nodes.code import CodeRunner
    from deca.stores import Stores

__all__ = [
    "DecaKnowledgeBase",
    "FlowRunner",
    "FunctionRunner",
    "KnowledgeBase",
    "MemoryKnowledgeBase",
    "SandboxFunctions",
    "ToolRunner",
    "tool_spec",
]

_MAX_TEXT = 20_000
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class FunctionRunner(Protocol):
    """Runs a function tool (registered by id, or inline source) with the model's arguments."""

    def run_function(self, workspace_id: str, tool: ToolDefinition, arguments: dict[str, Any]) -> Any:
        """The function's JSON result; raises a DecaError when it fails."""
        ...


class FlowRunner(Protocol):
    """Runs another flow of the workspace to completion with the arguments as its input."""

    def run_flow(self, workspace_id: str, flow_id: str, flow_input: dict[str, Any]) -> Any:
        """The flow's output; raises a DecaError when it fails."""
        ...


class KnowledgeBase(Protocol):
    """Searches a knowledge base."""

    def search(
        self, workspace_id: str, knowledge_base_id: str, query: str, top_k: int
    ) -> list[dict[str, Any]]:
        """The best passages: `{"id", "text", "score", "metadata"}`, best first."""
        ...


@dataclass
class SandboxFunctions:
    """Function tools run by the sandbox: inline source, or a registered function's latest version.

    `runner` is the node context's code runner (on AWS the isolated code-runner Lambda, so user code
    never runs next to the agent's secrets); without one the sandbox starts from this process.
    """

    stores: Stores | None = None
    runner: CodeRunner | None = None

    def run_function(self, workspace_id: str, tool: ToolDefinition, arguments: dict[str, Any]) -> Any:
        """Run the code's `main(arguments)` in a fresh sandboxed process."""
        from deca.sandbox import CodeRequest, run_code

        request = (
            CodeRequest(
                language=tool.language,
                source=tool.source or "",
                input=arguments,
                timeout=tool.timeout_seconds,
            )
            if tool.source is not None
            else self._registered(workspace_id, tool, arguments)
        )
        result = self.runner(request, None) if self.runner is not None else run_code(request)
        return result.result

    def _registered(self, workspace_id: str, tool: ToolDefinition, arguments: dict[str, Any]) -> Any:
        from deca.sandbox import CodeRequest

        if self.stores is None or tool.function_id is None:
            raise ToolError(f"function '{tool.function_id}' cannot be loaded: no store", tool=tool.name)
        record = self.stores.functions.get(workspace_id, tool.function_id)
        version = self.stores.functions.get_version(workspace_id, tool.function_id, record.latest_version)
        return CodeRequest(
            language=record.language,
            source=version.source,
            input=arguments,
            timeout=tool.timeout_seconds,
            input_schema=version.input_schema or None,
            output_schema=version.output_schema or None,
        )


_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class MemoryKnowledgeBase:
    """A small keyword-overlap index in memory: add documents, search them by word overlap."""

    documents: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        doc_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Add (or replace) one document."""
        with self._lock:
            docs = self.documents.setdefault((workspace_id, knowledge_base_id), [])
            docs[:] = [d for d in docs if d["id"] != doc_id]
            docs.append({"id": doc_id, "text": text, "metadata": metadata or {}})

    def search(
        self, workspace_id: str, knowledge_base_id: str, query: str, top_k: int
    ) -> list[dict[str, Any]]:
        """Documents sharing words with the query, most shared words first."""
        words = set(_WORD.findall(query.lower()))
        with self._lock:
            docs = list(self.documents.get((workspace_id, knowledge_base_id), []))
        scored = []
        for doc in docs:
            overlap = len(words & set(_WORD.findall(doc["text"].lower())))
            if overlap:
                scored.append({**doc, "score": round(overlap / max(len(words), 1), 4)})
        scored.sort(key=lambda d: (-d["score"], d["id"]))
        return scored[:top_k]


@dataclass
class DecaKnowledgeBase:
    """The KnowledgeBase port over the DECA knowledge-base store (`deca.deca_data`, vector search)."""

    store: Any  # deca.deca_data.knowledge.KnowledgeStore

    def search(
        self, workspace_id: str, knowledge_base_id: str, query: str, top_k: int
    ) -> list[dict[str, Any]]:
        """The nearest passages: document id, text, score and metadata."""
        found = self.store.search(workspace_id, knowledge_base_id, query, top_k=top_k)
        return [
            {
                "id": chunk.document_id,
                "text": chunk.text,
                "score": round(score, 4),
                "metadata": chunk.metadata,
            }
            for chunk, score in found
        ]


def tool_spec(tool: ToolDefinition) -> ToolSpec:
    """What the model is told about a tool; a knowledge-base tool takes a `query`."""
    parameters = tool.parameters
    if tool.type == "knowledge_base" and not parameters.get("properties"):
        parameters = {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}
    description = tool.description or f"{tool.type} tool {tool.name}"
    return ToolSpec(name=tool.name, description=description, parameters=parameters)


def _shorten(value: Any) -> Any:
    return value[:_MAX_TEXT] if isinstance(value, str) else value


@dataclass
class ToolRunner:
    """Executes one workspace's tool calls; each failure becomes a `ToolError` naming the tool."""

    workspace_id: str
    http: Callable[[], httpx.Client] | None = None
    functions: FunctionRunner | None = None
    flows: FlowRunner | None = None
    knowledge_base: KnowledgeBase | None = None

    def call(self, tool: ToolDefinition, arguments: Mapping[str, Any]) -> Any:
        """Run the tool and return its JSON-able result."""
        from deca.errors import DecaError

        args = dict(arguments)
        try:
            if tool.type == "http":
                return self._http(tool, args)
            if tool.type == "function":
                return self._require(self.functions, tool, "function runner").run_function(
                    self.workspace_id, tool, args
                )
            if tool.type == "mcp":
                from deca.mcp.tools import call_mcp_tool

                return call_mcp_tool(tool, args, http=self.http)
            if tool.type == "flow":
                return self._require(self.flows, tool, "flow runner").run_flow(
                    self.workspace_id, tool.flow_id or "", args
                )
            return self._search(tool, args)
        except ToolError:
            raise
        except DecaError as exc:
            raise ToolError(
                f"tool '{tool.name}' failed: {type(exc).__name__}: {exc.message}", tool=tool.name
            ) from exc

    @staticmethod
    def _require(port: Any, tool: ToolDefinition, what: str) -> Any:
        if port is None:
            raise ToolError(f"tool '{tool.name}': no {what} is configured", tool=tool.name)
        return port

    def _search(self, tool: ToolDefinition, args: dict[str, Any]) -> Any:
        query = args.get("query")
        if not isinstance(query, str) or not query:
            raise ToolError(
                f"tool '{tool.name}': argument 'query' must be a non-empty string", tool=tool.name
            )
        base = self._require(self.knowledge_base, tool, "knowledge base")
        return base.search(self.workspace_id, tool.knowledge_base_id or "", query, tool.top_k)

    def _http(self, tool: ToolDefinition, args: dict[str, Any]) -> Any:
        import httpx

        used: set[str] = set()

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in args:
                raise ToolError(
                    f"tool '{tool.name}': argument '{name}' is required by the URL", tool=tool.name
                )
            used.add(name)
            return quote(str(args[name]), safe="")

        url = _PLACEHOLDER.sub(fill, tool.url or "")
        rest = {k: v for k, v in args.items() if k not in used}
        params = rest if tool.method in {"GET", "DELETE"} else None
        body = rest if tool.method not in {"GET", "DELETE"} else None
        # The context's client (SSRF-guarded in deployed wiring); each call gets its own and closes it.
        client = self.http() if self.http is not None else httpx.Client()
        try:
            with client:
                response = client.request(
                    tool.method,
                    url,
                    params=params,
                    json=body,
                    headers=tool.headers,
                    timeout=tool.timeout_seconds,
                )
        except httpx.HTTPError as exc:
            raise ToolError(f"tool '{tool.name}': {tool.method} {url} failed: {exc}", tool=tool.name) from exc
        if response.status_code >= 400:
            raise ToolError(
                f"tool '{tool.name}': {tool.method} {url} answered HTTP {response.status_code}: "
                f"{response.text[:300]}",
                tool=tool.name,
            )
        if "json" in response.headers.get("content-type", ""):
            try:
                return response.json()
            except json.JSONDecodeError:
                pass
        return _shorten(response.text)
