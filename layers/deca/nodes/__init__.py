"""Node catalogue: one module per node type, the registry, and the catalogue as data.

`deca.nodes.catalogue()`, `deca.nodes.node_type_info()` and `deca.nodes.NodeTypeInfo` are loaded on first
use so that importing one node module (or `deca.nodes.task`) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deca.nodes.info import NodeTypeInfo, catalogue, node_type_info

__all__ = ["NodeTypeInfo", "catalogue", "node_type_info"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from deca.nodes import info as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
