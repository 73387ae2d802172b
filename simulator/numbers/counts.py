"""The counts of a checked list: every row accounted for (rows_in = ok + rejected)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ListCounts(BaseModel):
    """Rows in, sendable and rejected, by class, carrier, carrier source, reason and repair,
    with masked examples and a description of each reject reason. Every mapping is ordered by
    count (most first), then by name."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    rows_in: int
    ok: int
    rejected: int
    rejects_by_reason: dict[str, int]
    by_class: dict[str, int]
    by_carrier: dict[str, int]
    by_carrier_source: dict[str, int]
    lookup_fallbacks: int = 0
    """Sendable rows whose carrier-lookup value names no carrier (不明, blank, `-` …): their
    carrier is the number's allocation."""
    duplicates: int
    repaired: dict[str, int]
    examples: dict[str, list[str]]
    reason_descriptions: dict[str, str]
