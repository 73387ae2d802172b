"""Message text per recipient and its billable parts (segmentation), from rules/segmentation.yaml."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.lazy import exports

if TYPE_CHECKING:
    from simulator.message.count import (
        PARTS_DTYPE,
        PartsResult,
        count_parts,
        parts_columns,
        parts_expr,
        parts_expr_by,
    )
    from simulator.message.profiles import (
        Profile,
        SegmentationRules,
        load_segmentation_rules,
        profile_for,
    )
    from simulator.message.render import fixed_text, placeholders, render_expr

__all__ = [
    "PARTS_DTYPE",
    "PartsResult",
    "Profile",
    "SegmentationRules",
    "count_parts",
    "fixed_text",
    "load_segmentation_rules",
    "parts_columns",
    "parts_expr",
    "parts_expr_by",
    "placeholders",
    "profile_for",
    "render_expr",
]

__getattr__ = exports(
    __name__,
    {
        "PARTS_DTYPE": "count",
        "PartsResult": "count",
        "count_parts": "count",
        "parts_columns": "count",
        "parts_expr": "count",
        "parts_expr_by": "count",
        "Profile": "profiles",
        "SegmentationRules": "profiles",
        "load_segmentation_rules": "profiles",
        "profile_for": "profiles",
        "fixed_text": "render",
        "placeholders": "render",
        "render_expr": "render",
    },
)
