"""The typed results every surface renders: `Forecast`, `CheckSummary`, `Diff`, `Explanation`.

Each is a pydantic model whose JSON Schema `kpsim schema COMMAND` prints (see docs/schema.md);
text, HTML, charts, JSON and notebooks read their figures by attribute from these models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.lazy import exports

if TYPE_CHECKING:
    from simulator.result.check import CheckSummary
    from simulator.result.diff import Diff
    from simulator.result.document import SCHEMA_VERSION, Document, to_json
    from simulator.result.explain import Explanation
    from simulator.result.forecast import Forecast
    from simulator.result.summarise import ForecastResult

__getattr__ = exports(
    __name__,
    {
        "SCHEMA_VERSION": "document",
        "CheckSummary": "check",
        "Diff": "diff",
        "Document": "document",
        "Explanation": "explain",
        "Forecast": "forecast",
        "ForecastResult": "summarise",
        "to_json": "document",
    },
)

__all__ = [
    "SCHEMA_VERSION",
    "CheckSummary",
    "Diff",
    "Document",
    "Explanation",
    "Forecast",
    "ForecastResult",
    "to_json",
]
