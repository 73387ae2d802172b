"""Message text per recipient and its billable parts (segmentation), from rules/segmentation.yaml."""

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
