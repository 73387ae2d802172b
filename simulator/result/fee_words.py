"""A fixed fee's arithmetic in words: `¥100,000 = 2 started 30-day periods (31 days) × 1 sender
ID × ¥50,000`, in English for the JSON field and in the language in force for the report."""

from __future__ import annotations

from simulator.i18n import Lang, t
from simulator.pricing.money import fmt_jpy
from simulator.result.forecast import FeeLine


def fee_arithmetic(line: FeeLine, lang: Lang | None = None) -> str:
    """amount = started periods × sender IDs × the fee per ID and period."""
    periods = t(
        "report.html.fee_periods" if line.periods != 1 else "report.html.fee_period",
        lang,
        periods=line.periods,
        days_per_period=line.days_per_period,
        days=line.period_days,
    )
    ids = t(
        "report.html.fee_ids" if line.sender_ids != 1 else "report.html.fee_id",
        lang,
        ids=line.sender_ids,
    )
    return t(
        "fee.arithmetic",
        lang,
        amount=fmt_jpy(line.amount_jpy),
        periods=periods,
        ids=ids,
        unit=fmt_jpy(line.unit_jpy),
    )
