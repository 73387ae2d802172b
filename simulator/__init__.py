"""kpsim: rules engine and cost simulator for Japanese A2P SMS sent through Xoxzo K-Premium.

`simulator.forecast(recipients, message=..., as_of=...)` prices a list (see `simulator.api`).
"""

from __future__ import annotations

from simulator._version import __version__
from simulator.api import forecast

__all__ = ["__version__", "forecast"]
