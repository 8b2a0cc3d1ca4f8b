"""Model Context Protocol: agents use tools of MCP servers; the platform serves its CRM and flows over MCP.

Light on import (the `mcp` SDK loads inside the functions that use it); see docs/mcp.md.
"""

from __future__ import annotations

from deca.mcp.config import McpServer, McpTransport
from deca.mcp.errors import McpError, McpServerUnavailable, McpToolError

__all__ = ["McpError", "McpServer", "McpServerUnavailable", "McpToolError", "McpTransport"]
