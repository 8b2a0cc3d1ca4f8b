"""Run the platform's MCP server on stdio (see `deca.mcp.stdio`)."""

from __future__ import annotations

import sys

from deca.mcp.stdio import main

sys.exit(main())
