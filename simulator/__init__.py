"""kpsim: rules engine and cost simulator for Japanese A2P SMS sent through Xoxzo K-Premium.

`simulator.forecast(recipients, message=..., as_of=...)` prices a list (see `simulator.api`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator._version import __version__

if TYPE_CHECKING:
    from simulator.api import forecast

__all__ = ["__version__", "forecast"]


def __getattr__(name: str) -> Any:
    """`simulator.forecast` loads the engine on first use (so `kpsim` starts light)."""
    if name == "forecast":
        from simulator.api import forecast

        return forecast
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
