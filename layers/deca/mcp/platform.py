"""The platform's tools for outside agents: CRM search/get/create and every published flow of a workspace.

`PlatformTools` is plain synchronous logic over ports (the stores for flows, a CRM repository, a
`FlowRunner`); `deca.mcp.server` exposes it over MCP. Every call is scoped to the caller's workspace
and checked against the caller's permissions: reading needs `read:flows`, creating a CRM record or
running a flow needs `write:executions`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from deca.auth.errors import PermissionDeniedError
from deca.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from deca.ai.tools import FlowRunner
    from deca.stores import Stores
    from deca.stores.models import FlowRecord

__all__ = ["CrmRepository", "McpPrincipal", "PlatformTool", "PlatformTools", "flow_tool_name"]

_ENTITIES = (("contact", "contacts"), ("company", "companies"), ("deal", "deals"))
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
READ, WRITE = "read:flows", "write:executions"


class CrmRepository(Protocol):
    """The CRM records port (`deca.deca_data.crm.CrmStore` implements it); records have `record_id`,
    `entity` and `data`."""

    def get(self, workspace_id: str, entity: Any, record_id: str) -> Any:
        """The record; raises a `DecaError` when missing."""
        ...

    def create(self, workspace_id: str, entity: Any, data: dict[str, Any], *, match_on: Any = None) -> Any:
        """A new record (or the matched one, updated): `(record, created)`."""
        ...

    def search(
        self,
        workspace_id: str,
        entity: Any,
        *,
        query: str | None = None,
        filters: dict[str, Any] | None = None,
        sort: str | None = None,
        limit: int = 50,
    ) -> list[Any]:
        """Matching records."""
        ...


@dataclass(frozen=True)
class McpPrincipal:
    """Who calls: their workspace (the only one they see) and permissions."""

    workspace_id: str
    subject: str
    permissions: frozenset[str]

    def require(self, permission: str) -> None:
        """Raise `PermissionDeniedError` unless the caller holds `permission`."""
        if permission not in self.permissions:
            raise PermissionDeniedError(f"this tool needs the {permission!r} permission")


@dataclass(frozen=True)
class PlatformTool:
    """A tool as listed: name, description, JSON Schema of its arguments."""

    name: str
    description: str
    input_schema: dict[str, Any]


def flow_tool_name(flow_id: str) -> str:
    """The tool name of a flow: `flow_<id>` with characters MCP clients refuse replaced (≤ 64)."""
    return ("flow_" + _UNSAFE.sub("_", flow_id))[:64]


def _record(record: Any) -> dict[str, Any]:
    return {"id": record.record_id, "entity": record.entity, **record.data}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required or [],
        "additionalProperties": False,
    }


def _crm_tools() -> dict[str, tuple[PlatformTool, str, str, str]]:
    """name → (tool, operation, entity, permission)."""
    tools: dict[str, tuple[PlatformTool, str, str, str]] = {}
    for entity, plural in _ENTITIES:
        search = PlatformTool(
            f"search_{plural}",
            f"Search CRM {plural}: text in any field (`query`) and exact field values (`filters`).",
            _object(
                {
                    "query": {"type": "string", "description": "Text contained in a field"},
                    "filters": {"type": "object", "description": "Field name -> value it must equal"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                }
            ),
        )
        get = PlatformTool(
            f"get_{entity}", f"One CRM {entity} by id.", _object({"id": {"type": "string"}}, ["id"])
        )
        create = PlatformTool(
            f"create_{entity}",
            f"Create a CRM {entity} (with `match_on`, update the one whose fields match instead).",
            _object(
                {
                    "data": {"type": "object", "description": f"The {entity}'s fields"},
                    "match_on": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Fields to match",
                    },
                },
                ["data"],
            ),
        )
        tools[search.name] = (search, "search", entity, READ)
        tools[get.name] = (get, "get", entity, READ)
        tools[create.name] = (create, "create", entity, WRITE)
    return tools


@dataclass
class PlatformTools:
    """The tools one workspace offers outside agents (CRM when a repository is given, published flows)."""

    stores: Stores
    flows: FlowRunner
    crm: CrmRepository | None = None
    crm_for: Callable[[str], CrmRepository | None] | None = None
    _crm: dict[str, tuple[PlatformTool, str, str, str]] = field(default_factory=_crm_tools, repr=False)

    def _crm_repository(self, workspace_id: str) -> CrmRepository | None:
        return self.crm_for(workspace_id) if self.crm_for is not None else self.crm

    def _published(self, workspace_id: str) -> Iterator[FlowRecord]:
        cursor: str | None = None
        while True:
            page = self.stores.flows.list(workspace_id, limit=100, cursor=cursor)
            yield from (f for f in page.items if f.published_version is not None and f.status == "active")
            cursor = page.next_cursor
            if cursor is None:
                return

    def _flow_tool(self, record: FlowRecord) -> PlatformTool:
        version = self.stores.flows.get_version(
            record.workspace_id, record.flow_id, record.published_version or 1
        )
        schema = version.definition.get("input_schema") or {"type": "object", "properties": {}}
        description = (
            record.description or version.definition.get("description") or f"Run the flow {record.name}"
        )
        return PlatformTool(flow_tool_name(record.flow_id), f"{record.name}: {description}", schema)

    def list_tools(self, principal: McpPrincipal) -> list[PlatformTool]:
        """Every tool the caller may see: CRM tools (when configured) and the workspace's published flows."""
        principal.require(READ)
        tools = (
            [entry[0] for entry in self._crm.values()] if self._crm_repository(principal.workspace_id) else []
        )
        return tools + [self._flow_tool(record) for record in self._published(principal.workspace_id)]

    def tool(self, principal: McpPrincipal, name: str) -> PlatformTool:
        """One tool by name; `NotFoundError` when the caller has no such tool."""
        for tool in self.list_tools(principal):
            if tool.name == name:
                return tool
        raise NotFoundError(f"unknown tool {name!r}", resource="tool", resource_id=name)

    def call(self, principal: McpPrincipal, name: str, arguments: dict[str, Any]) -> Any:
        """Run a tool for the caller; arguments are checked against its schema first."""
        tool = self.tool(principal, name)
        _validate(tool, arguments)
        if name in self._crm:
            _, operation, entity, permission = self._crm[name]
            principal.require(permission)
            return self._call_crm(principal.workspace_id, operation, entity, arguments)
        principal.require(WRITE)
        flow_id = next(
            f.flow_id for f in self._published(principal.workspace_id) if flow_tool_name(f.flow_id) == name
        )
        return self.flows.run_flow(principal.workspace_id, flow_id, arguments)

    def _call_crm(self, workspace_id: str, operation: str, entity: str, args: dict[str, Any]) -> Any:
        crm = self._crm_repository(workspace_id)
        assert crm is not None  # the tool is only listed with a repository
        if operation == "get":
            return _record(crm.get(workspace_id, entity, args["id"]))
        if operation == "create":
            record, created = crm.create(workspace_id, entity, args["data"], match_on=args.get("match_on"))
            return {**_record(record), "created": created}
        found = crm.search(
            workspace_id,
            entity,
            query=args.get("query"),
            filters=args.get("filters"),
            limit=args.get("limit", 20),
        )
        return {"items": [_record(r) for r in found], "count": len(found)}


def _validate(tool: PlatformTool, arguments: dict[str, Any]) -> None:
    import jsonschema

    errors = sorted(
        jsonschema.Draft202012Validator(tool.input_schema).iter_errors(arguments), key=lambda e: list(e.path)
    )
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path)
        raise InputError(f"arguments{'.' + where if where else ''}: {errors[0].message}")
