"""Fixed fees: per registered sender ID and started 30-day period, for the fees a plan lists."""

from __future__ import annotations

import math

from simulator.pricing.resolve import ResolvedPrices
from simulator.rules.ruleset import RuleSet

PERIOD_DAYS = 30


def fixed_fee_sen(
    rs: RuleSet, plan: str, prices: ResolvedPrices, *, sender_ids: int, period_days: int
) -> tuple[int | None, list[str]]:
    """Fees per registered sender ID and started 30-day period (None when one is unknown),
    and the names of the fees the plan lists."""
    total: int | None = 0
    names = rs.plans[plan].fixed_fees
    periods = math.ceil(period_days / PERIOD_DAYS)
    for name in names:
        unit = prices.unit_sen(name)
        total = None if unit is None or total is None else total + unit * sender_ids * periods
    return total, names
