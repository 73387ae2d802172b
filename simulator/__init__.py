"""kpsim: rules engine and cost simulator for Japanese A2P SMS sent through Xoxzo K-Premium.

`simulator.forecast(recipients, message=..., as_of=...)` prices a list (see `simulator.api`).
"""

from __future__ import annotations

__version__ = "0.1.0"

from simulator import forecast as forecast  # the callable forecast package
