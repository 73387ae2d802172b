"""Formatting of yen amounts held in sen (1/100 JPY)."""

from __future__ import annotations

from decimal import Decimal


def sen_to_jpy(sen: int | None) -> Decimal | None:
    """Exact yen from sen (None stays None)."""
    return None if sen is None else Decimal(sen) / 100


def fmt_jpy(amount: Decimal | int | float | None) -> str:
    """`¥12,345` (or `¥12,345.50` when there are sen); `unknown` for None."""
    if amount is None:
        return "unknown"
    value = Decimal(str(amount))
    sign, value = ("-", -value) if value < 0 else ("", value)
    if value == value.to_integral_value():
        return f"{sign}¥{int(value):,}"
    return f"{sign}¥{value:,.2f}"
