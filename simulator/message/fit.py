"""How many length units a plan lets one message have, per encoding: the line a too-long
message has to be cut back to."""

from __future__ import annotations

from simulator.message.profiles import Profile
from simulator.rules.segmentation import PartLimits


def longest_allowed(limits: PartLimits) -> int | None:
    """The most units one text may have under `limits` (None when there is no cap)."""
    if limits.per_part is None:
        return limits.single
    caps = [limits.max_units]
    if limits.max_parts is not None:
        caps.append(limits.single if limits.max_parts == 1 else limits.per_part * limits.max_parts)
    known = [c for c in caps if c is not None]
    return min(known) if known else None


def longest_by_encoding(profile: Profile) -> dict[str, int]:
    """Per encoding of `profile` (sorted by name): the most units a message may have."""
    out = {
        encoding: longest_allowed(profile.limits(encoding))
        for encoding in (profile.narrow, profile.wide)
    }
    return {k: v for k, v in sorted(out.items()) if v is not None}
